import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { sendJobOf } from "./emit-partner-event.ts";
import { getDelivery } from "./list-deliveries.ts";
import { assertEnabledEndpoint } from "./manage-webhook-endpoints.ts";
import { partnerWebhookDb, type WebhookDeliveryView } from "./schemas.ts";

/**
 * One more attempt at a delivery that failed or ran out of attempts (409 for another status, or when
 * its endpoint is switched off). It keeps its event id, so a receiver that got it already can tell.
 */
export async function retryDelivery(
  deps: Deps,
  input: { workspaceId: string; deliveryId: string },
): Promise<WebhookDeliveryView> {
  const current = await getDelivery(deps, input);
  await assertEnabledEndpoint(deps, input.workspaceId, current.endpointId);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const updated = await partnerWebhookDb(trx)
      .updateTable("webhook_deliveries")
      .set({ status: "pending", next_attempt_at: now, queued_at: now, updated_at: now })
      .where("id", "=", current.id)
      .where("workspace_id", "=", input.workspaceId)
      .where("status", "in", ["failed", "exhausted"])
      .returning("id")
      .executeTakeFirst();
    if (!updated) {
      throw new AppError(
        "conflict",
        `Only a failed or exhausted delivery can be retried (this one is ${current.status})`,
      );
    }
    const job = sendJobOf(updated.id);
    await enqueue(trx, job.queue, job.payload, job.singletonKey);
  });
  return getDelivery(deps, input);
}
