import type { Deps } from "../deps.ts";
import { enqueueMany } from "../platform/queue/queue.ts";
import { sendJobOf } from "./plan-dispatches.ts";
import { expireStaleDispatches } from "./review-dispatches.ts";
import { automationDb } from "./schemas.ts";
import { STUCK_SENDING_MS } from "./send-dispatches.ts";

const SWEEP_BATCH = 5000;

/**
 * Every minute: suggestions past their time expire; approved dispatches whose wait is over (delayed,
 * deferred by quiet hours, backing off after a 429) get a send job again; one left `sending` by a
 * process that died becomes `unknown` (a person decides; it is never re-sent blindly).
 */
export async function sweepDispatches(
  deps: Deps,
): Promise<{ expired: number; queued: number; unknown: number }> {
  const now = deps.clock.now();
  const expired = await expireStaleDispatches(deps);
  const db = automationDb(deps.db);
  const due = await db
    .selectFrom("dispatches")
    .select("id")
    .where("status", "=", "approved")
    .where("not_before", "<=", now)
    .orderBy("not_before")
    .limit(SWEEP_BATCH)
    .execute();
  await enqueueMany(
    deps.db,
    due.map((row) => sendJobOf(row.id)),
  );
  const stuck = await db
    .updateTable("dispatches")
    .set({ status: "unknown", last_error: "interrupted while sending", updated_at: now })
    .where("status", "=", "sending")
    .where("claimed_at", "<", new Date(now.getTime() - STUCK_SENDING_MS))
    .returning("id")
    .execute();
  return { expired, queued: due.length, unknown: stuck.length };
}
