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
 * process that died goes back to `approved` when the request never left (`called_at` unset), and
 * becomes `unknown` when it may have (a person decides; it is never re-sent blindly).
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
  const stale = new Date(now.getTime() - STUCK_SENDING_MS);
  // Claimed by a process that died before calling the channel: nothing left, so it is sent later.
  const interrupted = await db
    .updateTable("dispatches")
    .set({ status: "approved", not_before: now, last_error: "interrupted before sending", updated_at: now })
    .where("status", "=", "sending")
    .where("called_at", "is", null)
    .where("claimed_at", "<", stale)
    .returning("id")
    .execute();
  await enqueueMany(
    deps.db,
    interrupted.map((row) => sendJobOf(row.id)),
  );
  // The request may have left: a person decides (the message may have reached the contact).
  const stuck = await db
    .updateTable("dispatches")
    .set({ status: "unknown", last_error: "interrupted while sending", updated_at: now })
    .where("status", "=", "sending")
    .where("called_at", "is not", null)
    .where("claimed_at", "<", stale)
    .returning("id")
    .execute();
  return { expired, queued: due.length + interrupted.length, unknown: stuck.length };
}
