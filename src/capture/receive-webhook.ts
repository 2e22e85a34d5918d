import { CompiledQuery } from "kysely";
import type { Deps } from "../deps.ts";
import type { Settled } from "../platform/batcher.ts";
import { createBatcher } from "../platform/batcher.ts";
import { openConnectionConfig } from "./connection-config.ts";
import { keepHeaders, PROCESS_EVENT_JOB } from "./schemas.ts";
import { sourceFor } from "./sources.ts";

export type ReceiveOutcome =
  | { outcome: "accepted"; eventId: string }
  | { outcome: "duplicate"; eventId: string }
  | { outcome: "unknown_connection" }
  | { outcome: "bad_signature" };

interface Delivery {
  workspaceId: string;
  connectionId: string;
  source: string;
  idempotencyKey: string;
  contentType: string | null;
  headers: Record<string, string>;
  body: Uint8Array;
  receivedAt: Date;
}

interface Connection {
  id: string;
  workspaceId: string;
  type: string;
  config: Record<string, unknown>;
}

const CONNECTION_CACHE_MS = 10_000;
const connections = new WeakMap<Deps, Map<string, { connection: Connection | null; loadedAt: number }>>();
const batchers = new WeakMap<Deps, ReturnType<typeof createBatcher<Delivery, ReceiveOutcome>>>();

/** Connections by webhook token, cached briefly (a delivery burst reads the database once). */
async function findConnection(deps: Deps, token: string): Promise<Connection | null> {
  let cache = connections.get(deps);
  if (!cache) {
    cache = new Map();
    connections.set(deps, cache);
  }
  const hit = cache.get(token);
  if (hit && Date.now() - hit.loadedAt < CONNECTION_CACHE_MS) return hit.connection;
  const row = await deps.db
    .selectFrom("connections")
    .select(["id", "workspace_id", "type", "config"])
    .where("token", "=", token)
    .where("disabled_at", "is", null)
    .executeTakeFirst();
  const connection = row
    ? {
        id: row.id,
        workspaceId: row.workspace_id,
        type: row.type,
        config: openConnectionConfig(deps, row.config),
      }
    : null;
  if (cache.size > 10_000) cache.clear();
  cache.set(token, { connection, loadedAt: Date.now() });
  return connection;
}

/** Forget cached connections (after one is changed or disabled). */
export function forgetConnections(deps: Deps): void {
  connections.get(deps)?.clear();
}

/**
 * Stores deliveries and their processing jobs in ONE statement: the raw rows (a repeated
 * idempotency key is skipped) and an outbox row for each new one. Atomic: a delivery is
 * acknowledged only once both are durable.
 */
async function storeDeliveries(deps: Deps, deliveries: Delivery[]): Promise<Settled<ReceiveOutcome>[]> {
  // Built by hand: on this path the query builder cost more CPU than the statement's own work.
  const values: unknown[] = [];
  const tuples = deliveries.map((delivery) => {
    const at = values.length;
    values.push(
      delivery.workspaceId,
      delivery.connectionId,
      delivery.source,
      delivery.idempotencyKey,
      delivery.contentType,
      JSON.stringify(delivery.headers),
      delivery.body,
      delivery.receivedAt,
    );
    return `($${at + 1}::uuid, $${at + 2}::uuid, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}::jsonb, $${at + 7}::bytea, $${at + 8}::timestamptz)`;
  });
  values.push(PROCESS_EVENT_JOB);
  const { rows } = await deps.db.executeQuery<{
    id: string;
    workspace_id: string;
    source: string;
    idempotency_key: string;
  }>(
    CompiledQuery.raw(
      `with e as (
         insert into inbox_events
           (workspace_id, connection_id, source, idempotency_key, content_type, headers, body, received_at)
         values ${tuples.join(", ")}
         on conflict (workspace_id, source, idempotency_key) do nothing
         returning id, workspace_id, source, idempotency_key
       ),
       o as (
         insert into outbox (queue, payload, singleton_key)
         select $${values.length}, jsonb_build_object('eventId', e.id), 'event:' || e.id from e
       )
       select id, workspace_id, source, idempotency_key from e`,
      values,
    ),
  );
  const key = (workspaceId: string, source: string, idempotencyKey: string) =>
    `${workspaceId}\u0000${source}\u0000${idempotencyKey}`;
  const inserted = new Map(
    rows.map((row) => [key(row.workspace_id, row.source, row.idempotency_key), row.id]),
  );
  const results: Settled<ReceiveOutcome>[] = [];
  const claimed = new Set<string>();
  for (const delivery of deliveries) {
    const k = key(delivery.workspaceId, delivery.source, delivery.idempotencyKey);
    const id = inserted.get(k);
    if (id && !claimed.has(k)) {
      claimed.add(k);
      results.push({ ok: true, value: { outcome: "accepted", eventId: id } });
      continue;
    }
    const existing = await deps.db
      .selectFrom("inbox_events")
      .select("id")
      .where("workspace_id", "=", delivery.workspaceId)
      .where("source", "=", delivery.source)
      .where("idempotency_key", "=", delivery.idempotencyKey)
      .executeTakeFirst();
    results.push(
      existing
        ? { ok: true, value: { outcome: "duplicate", eventId: existing.id } }
        : { ok: false, error: new Error("delivery neither stored nor found") },
    );
  }
  return results;
}

function batcherFor(deps: Deps) {
  let batcher = batchers.get(deps);
  if (!batcher) {
    batcher = createBatcher((deliveries: Delivery[]) => storeDeliveries(deps, deliveries), {
      maxBatch: 200,
      maxInFlight: deps.database.kind === "postgres" ? 4 : 1,
    });
    batchers.set(deps, batcher);
  }
  return batcher;
}

/**
 * A webhook delivery: verify by the connection's scheme, then store the raw bytes and the
 * processing job before answering. A repeated delivery id is not stored twice.
 */
export async function receiveWebhook(
  deps: Deps,
  input: {
    token: string;
    rawBody: Uint8Array;
    headers: Record<string, string | string[] | undefined>;
    query?: Record<string, string>;
  },
): Promise<ReceiveOutcome> {
  const connection = await findConnection(deps, input.token);
  if (!connection) return { outcome: "unknown_connection" };

  const now = deps.clock.now();
  const adapter = sourceFor(connection.type);
  const verified = adapter?.verify({
    rawBody: input.rawBody,
    headers: input.headers,
    query: input.query ?? {},
    config: connection.config,
    now,
  });
  if (!verified?.ok) {
    // Nothing of the delivery is kept or logged: only that the connection refused one, and when.
    deps.metrics.inboxEvents.labels(connection.type, "rejected").inc();
    deps.log.warn({ connectionId: connection.id, source: connection.type }, "webhook delivery rejected");
    await deps.db
      .updateTable("connections")
      .set((eb) => ({ rejected_count: eb("rejected_count", "+", 1), last_rejected_at: now }))
      .where("id", "=", connection.id)
      .execute();
    return { outcome: "bad_signature" };
  }
  const idempotencyKey = verified.idempotencyKey;

  const contentType =
    typeof input.headers["content-type"] === "string" ? input.headers["content-type"] : null;
  const result = await batcherFor(deps).submit({
    workspaceId: connection.workspaceId,
    connectionId: connection.id,
    source: connection.type,
    idempotencyKey,
    contentType,
    headers: keepHeaders(input.headers),
    body: input.rawBody,
    receivedAt: now,
  });
  deps.metrics.inboxEvents
    .labels(connection.type, result.outcome === "accepted" ? "received" : "duplicate")
    .inc();
  return result;
}

/** A GET to a webhook URL: the source's subscription handshake, if it has one. */
export async function answerHandshake(
  deps: Deps,
  input: { token: string; query: Record<string, string> },
): Promise<{ outcome: "echo"; body: string } | { outcome: "refused" } | { outcome: "unknown_connection" }> {
  const connection = await findConnection(deps, input.token);
  const adapter = connection ? sourceFor(connection.type) : undefined;
  if (!connection || !adapter?.handshake) return { outcome: "unknown_connection" };
  const body = adapter.handshake(input.query, connection.config);
  return body === null ? { outcome: "refused" } : { outcome: "echo", body };
}
