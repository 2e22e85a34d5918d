import { type Kysely, type OperationNodeSource, sql, type Transaction } from "kysely";
import type { DB } from "./schema.ts";

/**
 * Runs several data-modifying queries as one statement (`with q0 as (…), q1 as (…) select 1`):
 * one round trip, atomic without BEGIN/COMMIT. The queries must not read each other's writes.
 */
export async function executeAsOneStatement(
  db: Kysely<DB> | Transaction<DB>,
  queries: OperationNodeSource[],
): Promise<void> {
  if (queries.length === 0) return;
  const parts = queries.map((query, index) => sql`${sql.raw(`q${index}`)} as (${query})`);
  await sql`with ${sql.join(parts)} select 1 as done`.execute(db);
}
