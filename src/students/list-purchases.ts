import { sql } from "kysely";
import { personContactIds } from "../contacts/person-contact-ids.ts";
import type { Deps } from "../deps.ts";
import type { PurchaseView, StudentTables } from "./schemas.ts";

/** A workspace's purchases, by transaction and/or person, newest event first. */
export async function listPurchases(
  deps: Deps,
  input: { workspaceId: string; transaction?: string | undefined; contactId?: string | undefined },
): Promise<{ items: PurchaseView[] }> {
  let query = deps.db
    .withTables<StudentTables>()
    .selectFrom("purchases")
    .select(["id", "transaction", "status", "product_id", "contact_id"])
    .where("workspace_id", "=", input.workspaceId);
  if (input.transaction) query = query.where("transaction", "=", input.transaction);
  if (input.contactId) {
    query = query.where(sql<boolean>`contact_id in ${personContactIds(input.workspaceId, input.contactId)}`);
  }
  const rows = await query.orderBy("last_event_at", "desc").orderBy("id").limit(500).execute();
  return {
    items: rows.map((row) => ({
      id: row.id,
      transaction: row.transaction,
      status: row.status,
      productId: row.product_id,
      // Rows of contacts merged into the asked one are shown as the asked person's.
      contactId: input.contactId ?? row.contact_id,
    })),
  };
}
