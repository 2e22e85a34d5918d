import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../db/schema.ts";
import { enqueueMany } from "./queue.ts";

/** A table of leased runs: `id`, `status` (`queued` | `running` | …), `locked_until`, `created_at`. */
export interface StalledRunsSweep {
  /** The runs table, e.g. `outbound_runs`. */
  table: string;
  /** The job that runs one run; its payload is `{ runId }`. */
  job: string;
  now: Date;
  /** How long a run's lease lasts; a run queued for longer than this without a lease lost its job. */
  leaseMs: number;
}

/**
 * Re-enqueues the runs whose runner died (running, lease over) or whose job never ran (queued, never
 * leased, for longer than a lease). Returns how many it re-enqueued.
 */
export async function reenqueueStalledRuns(
  db: Kysely<DB> | Transaction<DB>,
  sweep: StalledRunsSweep,
): Promise<number> {
  const queuedBefore = new Date(sweep.now.getTime() - sweep.leaseMs);
  const stalled = await sql<{ id: string }>`
    select id from ${sql.table(sweep.table)}
    where (status = 'running' and locked_until < ${sweep.now})
       or (status = 'queued' and locked_until is null and created_at < ${queuedBefore})`.execute(db);
  if (stalled.rows.length > 0) {
    await enqueueMany(
      db,
      stalled.rows.map((run) => ({ queue: sweep.job, payload: { runId: run.id } })),
    );
  }
  return stalled.rows.length;
}
