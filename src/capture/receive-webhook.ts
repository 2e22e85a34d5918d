import { createHash } from "node:crypto";
import type { Deps } from "../deps.ts";
import { verifyStandardWebhook } from "../platform/crypto/hmac.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { keepHeaders, PROCESS_EVENT_JOB } from "./schemas.ts";

export type ReceiveOutcome =
  | { outcome: "accepted"; eventId: string }
  | { outcome: "duplicate"; eventId: string }
  | { outcome: "unknown_connection" }
  | { outcome: "bad_signature" };

/**
 * A webhook delivery: verify by the connection's scheme, then store the raw bytes and enqueue the
 * processing job in one transaction, before answering. A repeated delivery id is not stored twice.
 */
export async function receiveWebhook(
  deps: Deps,
  input: { token: string; rawBody: Uint8Array; headers: Record<string, string | string[] | undefined> },
): Promise<ReceiveOutcome> {
  const connection = await deps.db
    .selectFrom("connections")
    .select(["id", "workspace_id", "type", "config"])
    .where("token", "=", input.token)
    .where("disabled_at", "is", null)
    .executeTakeFirst();
  if (!connection) return { outcome: "unknown_connection" };

  const now = deps.clock.now();
  let idempotencyKey: string;
  switch (connection.type) {
    case "generic": {
      const secret = typeof connection.config.secret === "string" ? connection.config.secret : "";
      const verified = verifyStandardWebhook({ secret, headers: input.headers, rawBody: input.rawBody, now });
      if (!verified.ok) {
        deps.metrics.inboxEvents.labels(connection.type, "rejected").inc();
        return { outcome: "bad_signature" };
      }
      idempotencyKey = verified.id;
      break;
    }
    default:
      idempotencyKey = createHash("sha256").update(input.rawBody).digest("hex");
  }

  const contentType =
    typeof input.headers["content-type"] === "string" ? input.headers["content-type"] : null;
  const result = await deps.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("inbox_events")
      .values({
        workspace_id: connection.workspace_id,
        connection_id: connection.id,
        source: connection.type,
        idempotency_key: idempotencyKey,
        content_type: contentType,
        headers: JSON.stringify(keepHeaders(input.headers)),
        body: input.rawBody,
        received_at: now,
      })
      .onConflict((oc) => oc.columns(["workspace_id", "source", "idempotency_key"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return null;
    await enqueue(trx, PROCESS_EVENT_JOB, { eventId: inserted.id }, `event:${inserted.id}`);
    return inserted.id;
  });
  if (result) {
    deps.metrics.inboxEvents.labels(connection.type, "received").inc();
    return { outcome: "accepted", eventId: result };
  }
  const existing = await deps.db
    .selectFrom("inbox_events")
    .select("id")
    .where("workspace_id", "=", connection.workspace_id)
    .where("source", "=", connection.type)
    .where("idempotency_key", "=", idempotencyKey)
    .executeTakeFirstOrThrow();
  deps.metrics.inboxEvents.labels(connection.type, "duplicate").inc();
  return { outcome: "duplicate", eventId: existing.id };
}
