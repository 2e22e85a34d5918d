import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { enqueueMany } from "../platform/queue/queue.ts";
import { PROCESS_EVENT_JOB } from "./schemas.ts";

/**
 * The safety net under "nothing acknowledged is lost": events still waiting (status received) longer
 * than `olderThanSeconds` get a fresh processing job — e.g. a job fetched by a process that was killed
 * or stopped mid-fetch. Processing is idempotent, so a duplicate job is harmless.
 */
export async function recoverEvents(deps: Deps, input: { olderThanSeconds: number }): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - input.olderThanSeconds * 1000);
  return deps.db.transaction().execute(async (trx) => {
    const waiting = await trx
      .selectFrom("inbox_events")
      .select("id")
      .where("status", "=", "received")
      .where("received_at", "<=", cutoff)
      .where(
        sql<boolean>`not exists (select 1 from outbox o where o.payload->>'eventId' = inbox_events.id::text)`,
      )
      .orderBy("received_at")
      .limit(10_000)
      .execute();
    await enqueueMany(
      trx,
      waiting.map((event) => ({ queue: PROCESS_EVENT_JOB, payload: { eventId: event.id } })),
    );
    return waiting.length;
  });
}
