import type { Kysely, Transaction } from "kysely";
import type { DB } from "../platform/db/schema.ts";
import { enrichmentDb } from "./schemas.ts";

/** The contact's creator tier from its last enrichment (null when none), for the scoring rules. */
export async function readCreatorTier(
  db: Kysely<DB> | Transaction<DB>,
  contactId: string,
): Promise<string | null> {
  const row = await enrichmentDb(db)
    .selectFrom("contact_enrichments")
    .select("tier")
    .where("contact_id", "=", contactId)
    .executeTakeFirst();
  return row?.tier ?? null;
}
