import type { Deps } from "../deps.ts";
import { enqueueMany } from "../platform/queue/queue.ts";
import { PROCESS_EVENT_JOB } from "./schemas.ts";

/**
 * The safety net under "nothing acknowledged is lost": events still waiting (status received) longer
 * than `olderThanSeconds` with no job waiting for them get a fresh processing job — e.g. a job fetched
 * by a process that was killed or stopped mid-fetch. Processing is idempotent, so a duplicate of a job
 * that is running right now is harmless.
 */
export async function recoverEvents(deps: Deps, input: { olderThanSeconds: number }): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - input.olderThanSeconds * 1000);
  const waiting = await deps.db
    .selectFrom("inbox_events")
    .select("id")
    .where("status", "=", "received")
    .where("received_at", "<=", cutoff)
    .orderBy("received_at")
    .limit(50_000)
    .execute();
  if (waiting.length === 0) return 0;
  // Running jobs are not counted as pending: the process running them may be gone.
  const pending = await deps.queue.pendingValues(PROCESS_EVENT_JOB, "eventId");
  const lost = waiting.filter((event) => !pending.has(event.id));
  await enqueueMany(
    deps.db,
    lost.map((event) => ({ queue: PROCESS_EVENT_JOB, payload: { eventId: event.id } })),
  );
  return lost.length;
}
