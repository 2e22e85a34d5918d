import { sql } from "kysely";
import { personContactIds } from "../contacts/person-contact-ids.ts";
import type { Deps } from "../deps.ts";
import type { EnrollmentView, StudentTables } from "./schemas.ts";

/** A workspace's enrollments, optionally one person's. */
export async function listEnrollments(
  deps: Deps,
  input: { workspaceId: string; contactId?: string | undefined },
): Promise<{ items: EnrollmentView[] }> {
  let query = deps.db
    .withTables<StudentTables>()
    .selectFrom("enrollments")
    .select([
      "id",
      "product_id",
      "contact_id",
      "first_access_at",
      "first_access_origin",
      "modules_completed",
      "cohort",
    ])
    .where("workspace_id", "=", input.workspaceId);
  if (input.contactId) {
    query = query.where(sql<boolean>`contact_id in ${personContactIds(input.workspaceId, input.contactId)}`);
  }
  const rows = await query.orderBy("created_at", "desc").orderBy("id").limit(500).execute();
  return {
    items: rows.map((row) => ({
      id: row.id,
      productId: row.product_id,
      // Rows of contacts merged into the asked one are shown as the asked person's.
      contactId: input.contactId ?? row.contact_id,
      firstAccessAt: row.first_access_at?.toISOString() ?? null,
      firstAccessOrigin: row.first_access_origin,
      modulesCompleted: row.modules_completed,
      cohort: row.cohort,
    })),
  };
}
