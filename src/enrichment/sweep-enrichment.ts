import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { enqueueMany } from "../platform/queue/queue.ts";
import { ENRICH_CONTACT_JOB, ENRICHABLE_CONTACT, enrichmentDb } from "./schemas.ts";

const BATCH = 200;
const MAX_BATCHES = 5;
/** A queued contact is left alone this long (its job may still be waiting); then it is due again. */
const LEASE_MS = 30 * 60_000;

/**
 * The scheduler's sweep: contacts with an Instagram handle or a YouTube channel that were never
 * enriched, changed since (contacts.updated_at), past freshness, or explicitly requested, enqueued in
 * bounded batches. A contact is marked queued in the same transaction, so a second sweep skips it.
 */
export async function sweepEnrichment(deps: Deps, options: { maxContacts?: number } = {}): Promise<number> {
  const max = options.maxContacts ?? BATCH * MAX_BATCHES;
  let queued = 0;
  while (queued < max) {
    const now = deps.clock.now();
    const leaseCutoff = new Date(now.getTime() - LEASE_MS);
    const limit = Math.min(BATCH, max - queued);
    const count = await deps.db.transaction().execute(async (trx) => {
      const db = enrichmentDb(trx);
      const due = await db
        .selectFrom("contacts as c")
        .leftJoin("contact_enrichments as e", "e.contact_id", "c.id")
        .select(["c.id", "c.workspace_id", "e.request_id"])
        .where("c.deleted_at", "is", null)
        .where("c.merged_into", "is", null)
        .where(ENRICHABLE_CONTACT)
        .where((eb) =>
          eb.or([
            eb("e.contact_id", "is", null),
            eb("e.contact_version", "is", null),
            eb("c.updated_at", ">", eb.ref("e.contact_version")),
            eb("e.next_due_at", "<=", now),
            eb("e.request_id", "is not", null),
          ]),
        )
        .where((eb) => eb.or([eb("e.queued_at", "is", null), eb("e.queued_at", "<", leaseCutoff)]))
        .orderBy(sql`e.request_id is null`)
        .orderBy(sql`e.finished_at is not null`)
        .orderBy("c.id")
        .limit(limit)
        .forUpdate("c")
        .skipLocked()
        .execute();
      if (due.length === 0) return 0;
      await db
        .insertInto("contact_enrichments")
        .values(due.map((row) => ({ contact_id: row.id, workspace_id: row.workspace_id, queued_at: now })))
        .onConflict((oc) => oc.column("contact_id").doUpdateSet({ queued_at: now }))
        .execute();
      await enqueueMany(
        trx,
        due.map((row) => ({
          queue: ENRICH_CONTACT_JOB,
          payload: { contactId: row.id, ...(row.request_id ? { requestId: row.request_id } : {}) },
          singletonKey: `enrich:${row.id}:${row.request_id ?? "due"}`,
        })),
      );
      return due.length;
    });
    queued += count;
    if (count < limit) break;
  }
  await updateCoverageGauge(deps);
  return queued;
}

async function updateCoverageGauge(deps: Deps): Promise<void> {
  const row = await enrichmentDb(deps.db)
    .selectFrom("contacts as c")
    .leftJoin("contact_enrichments as e", "e.contact_id", "c.id")
    .select((eb) => [
      eb.fn.countAll<number>().as("eligible"),
      eb.fn.count<number>("c.id").filterWhere("e.status", "in", ["enriched", "partial"]).as("enriched"),
    ])
    .where("c.deleted_at", "is", null)
    .where("c.merged_into", "is", null)
    .where(ENRICHABLE_CONTACT)
    .executeTakeFirstOrThrow();
  const eligible = Number(row.eligible);
  deps.metrics.enrichmentCoverage.set(eligible > 0 ? Number(row.enriched) / eligible : 0);
}
