import type { Deps } from "../deps.ts";

/**
 * Retention: drops processed raw events older than FUNIL_INBOX_RETENTION_DAYS. Failed and
 * unprocessed events are never pruned — they wait for a replay.
 */
export async function pruneEvents(deps: Deps): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.config.retention.inboxDays * 86_400_000);
  const result = await deps.db
    .deleteFrom("inbox_events")
    .where("status", "=", "processed")
    .where("received_at", "<", cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
