import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../platform/db/schema.ts";
import { enqueueMany } from "../platform/queue/queue.ts";
import {
  type PartnerEvent,
  type PartnerEventData,
  type PartnerEventType,
  partnerWebhookDb,
  SEND_DELIVERY_JOB,
  type TEST_EVENT_TYPE,
} from "./schemas.ts";
import { generateEventId } from "./sign-webhook.ts";

type Executor = Kysely<DB> | Transaction<DB>;

/** The send job of a delivery (its id is the key: the job checks the row, so running twice sends once). */
export function sendJobOf(deliveryId: string) {
  return {
    queue: SEND_DELIVERY_JOB,
    payload: { deliveryId },
    singletonKey: `webhook-delivery:${deliveryId}`,
  };
}

/**
 * Writes one delivery per endpoint and queues their send jobs through the outbox, in `trx`: the
 * deliveries exist if and only if the change committed. Returns the delivery ids.
 */
export async function writeDeliveries(
  trx: Executor,
  input: {
    workspaceId: string;
    endpointIds: string[];
    type: PartnerEventType | typeof TEST_EVENT_TYPE;
    data: object;
    at: Date;
  },
): Promise<string[]> {
  if (input.endpointIds.length === 0) return [];
  const body = { type: input.type, timestamp: input.at.toISOString(), data: input.data };
  const eventId = generateEventId();
  const rows = await partnerWebhookDb(trx)
    .insertInto("webhook_deliveries")
    .values(
      input.endpointIds.map((endpointId) => ({
        workspace_id: input.workspaceId,
        endpoint_id: endpointId,
        event_id: eventId,
        event_type: input.type,
        payload: JSON.stringify(body),
        next_attempt_at: input.at,
        queued_at: input.at,
        created_at: input.at,
        updated_at: input.at,
      })),
    )
    .returning("id")
    .execute();
  await enqueueMany(
    trx,
    rows.map((row) => sendJobOf(row.id)),
  );
  return rows.map((row) => row.id);
}

/**
 * A CRM event for the workspace's partner endpoints: inside the caller's transaction, one delivery
 * row per enabled endpoint subscribed to `type` (or to every type), and its send job in the outbox.
 * `data` carries ids and business fields only (a contact id, never its e-mail or phone).
 */
export async function emitPartnerEvent<T extends PartnerEventType>(
  trx: Executor,
  workspaceId: string,
  type: T,
  data: PartnerEventData[T],
  at: Date,
): Promise<void> {
  await emit(trx, workspaceId, type, data, at);
}

async function emit(trx: Executor, workspaceId: string, type: PartnerEventType, data: object, at: Date) {
  const endpoints = await partnerWebhookDb(trx)
    .selectFrom("webhook_endpoints")
    .select("id")
    .where("workspace_id", "=", workspaceId)
    .where("enabled", "=", true)
    .where("deleted_at", "is", null)
    .where((eb) =>
      eb.or([eb(sql`cardinality(event_types)`, "=", 0), sql<boolean>`${type} = any(event_types)`]),
    )
    .orderBy("created_at")
    .execute();
  await writeDeliveries(trx, {
    workspaceId,
    endpointIds: endpoints.map((endpoint) => endpoint.id),
    type,
    data,
    at,
  });
}

/** Several events of one change, in order (e.g. a move that also changes the owner). */
export async function emitPartnerEvents(
  trx: Executor,
  workspaceId: string,
  events: PartnerEvent[],
  at: Date,
): Promise<void> {
  for (const event of events) {
    await emit(trx, workspaceId, event.type, event.data, at);
  }
}
