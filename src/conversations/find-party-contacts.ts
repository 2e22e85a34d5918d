import type { Kysely, Transaction } from "kysely";
import type { DB } from "../platform/db/schema.ts";
import type { Party } from "./schemas.ts";

export const partyKey = (workspaceId: string, party: Party) => `${workspaceId}:${party.kind}:${party.value}`;

/** The live contact owning each party (phone or IGSID), keyed by `partyKey`; absent when nobody does. */
export async function findPartyContacts(
  db: Kysely<DB> | Transaction<DB>,
  parties: { workspaceId: string; party: Party }[],
): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  if (parties.length === 0) return owners;
  const rows = await db
    .selectFrom("contact_identities as ci")
    .innerJoin("contacts as c", "c.id", "ci.contact_id")
    .select(["ci.workspace_id", "ci.kind", "ci.value", "ci.contact_id"])
    .where("c.deleted_at", "is", null)
    .where((eb) =>
      eb.or(
        parties.map(({ workspaceId, party }) =>
          eb.and([
            eb("ci.workspace_id", "=", workspaceId),
            eb("ci.kind", "=", party.kind),
            eb("ci.value", "=", party.value),
          ]),
        ),
      ),
    )
    .execute();
  for (const row of rows) {
    if (row.kind === "phone" || row.kind === "instagram_id") {
      owners.set(partyKey(row.workspace_id, { kind: row.kind, value: row.value }), row.contact_id);
    }
  }
  return owners;
}
