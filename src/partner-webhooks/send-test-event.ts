import type { Deps } from "../deps.ts";
import { writeDeliveries } from "./emit-partner-event.ts";
import { getDelivery } from "./list-deliveries.ts";
import { assertEnabledEndpoint } from "./manage-webhook-endpoints.ts";
import { TEST_EVENT_TYPE, type WebhookDeliveryView } from "./schemas.ts";

/**
 * A `webhook.test` event to one endpoint (whatever it subscribes to), delivered and retried like any
 * other: the answer is the queued delivery, its log entry shows the outcome.
 */
export async function sendTestEvent(
  deps: Deps,
  input: { workspaceId: string; endpointId: string },
): Promise<WebhookDeliveryView> {
  const endpoint = await assertEnabledEndpoint(deps, input.workspaceId, input.endpointId);
  const now = deps.clock.now();
  const [deliveryId] = await deps.db.transaction().execute((trx) =>
    writeDeliveries(trx, {
      workspaceId: input.workspaceId,
      endpointIds: [endpoint.id],
      type: TEST_EVENT_TYPE,
      data: { endpointId: endpoint.id, message: "Funil test event" },
      at: now,
    }),
  );
  return getDelivery(deps, { workspaceId: input.workspaceId, deliveryId: deliveryId as string });
}
