import type { Selectable } from "kysely";
import type { Deps } from "../deps.ts";
import { olderThanCursor, pageOf } from "../platform/http/cursor.ts";
import { notFound } from "../platform/http/errors.ts";
import {
  type DeliveryStatus,
  partnerWebhookDb,
  type WebhookDeliveriesTable,
  type WebhookDeliveryView,
} from "./schemas.ts";

export function toDeliveryView(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryView {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
    responseExcerpt: row.response_excerpt,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
    succeededAt: row.succeeded_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** An endpoint's delivery log, newest first, by status and event type. */
export async function listDeliveries(
  deps: Deps,
  input: {
    workspaceId: string;
    endpointId: string;
    status?: DeliveryStatus | undefined;
    eventType?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<{ items: WebhookDeliveryView[]; nextCursor: string | null }> {
  const db = partnerWebhookDb(deps.db);
  const endpoint = await db
    .selectFrom("webhook_endpoints")
    .select("id")
    .where("id", "=", input.endpointId)
    .where("workspace_id", "=", input.workspaceId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!endpoint) throw notFound("Webhook endpoint");
  let query = db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where("endpoint_id", "=", endpoint.id);
  if (input.status) query = query.where("status", "=", input.status);
  if (input.eventType) query = query.where("event_type", "=", input.eventType);
  const after = olderThanCursor(input.cursor, "created_at");
  if (after) query = query.where(after);
  const rows = await query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(input.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.created_at);
  return { items: page.map(toDeliveryView), nextCursor };
}

export async function getDelivery(
  deps: Deps,
  input: { workspaceId: string; deliveryId: string },
): Promise<WebhookDeliveryView> {
  const row = await partnerWebhookDb(deps.db)
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("id", "=", input.deliveryId)
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound("Webhook delivery");
  return toDeliveryView(row);
}
