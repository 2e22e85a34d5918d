import type { Deps } from "../deps.ts";
import { enqueueMany } from "../platform/queue/queue.ts";
import { sendJobOf } from "./emit-partner-event.ts";
import { partnerWebhookDb } from "./schemas.ts";

const BATCH = 500;
/** A queued delivery is left alone this long (its job may still be waiting); then it is queued again. */
const QUEUED_LEASE_MS = 10 * 60_000;

/**
 * The every-minute sweep: pending deliveries whose next attempt is due (a retry, or a first attempt
 * whose job was lost), of endpoints that are on, get a send job; they are marked queued in the same
 * transaction, so the next sweep skips them while the job waits. Returns how many were queued.
 */
export async function sweepDeliveries(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const leaseCutoff = new Date(now.getTime() - QUEUED_LEASE_MS);
  return deps.db.transaction().execute(async (trx) => {
    const db = partnerWebhookDb(trx);
    const due = await db
      .selectFrom("webhook_deliveries as d")
      .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
      .select("d.id")
      .where("d.status", "=", "pending")
      .where("d.next_attempt_at", "<=", now)
      .where((eb) => eb.or([eb("d.queued_at", "is", null), eb("d.queued_at", "<", leaseCutoff)]))
      .where((eb) => eb.or([eb("d.locked_until", "is", null), eb("d.locked_until", "<", now)]))
      .where("e.enabled", "=", true)
      .where("e.deleted_at", "is", null)
      .orderBy("d.next_attempt_at")
      .limit(BATCH)
      .forUpdate("d")
      .skipLocked()
      .execute();
    if (due.length === 0) return 0;
    const ids = due.map((row) => row.id);
    await db.updateTable("webhook_deliveries").set({ queued_at: now }).where("id", "in", ids).execute();
    await enqueueMany(trx, ids.map(sendJobOf));
    return ids.length;
  });
}
