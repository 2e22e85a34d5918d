import type { Deps } from "../deps.ts";
import { decodeCursor, encodeCursor } from "../platform/http/cursor.ts";

export interface EventView {
  id: string;
  connectionId: string | null;
  source: string;
  idempotencyKey: string;
  status: "received" | "processed" | "failed";
  attempts: number;
  error: string | null;
  contactId: string | null;
  contentType: string | null;
  headers: Record<string, string>;
  size: number;
  receivedAt: string;
  processedAt: string | null;
}

/** Received events, newest first, with filters and a keyset cursor. */
export async function listEvents(
  deps: Deps,
  input: {
    workspaceId: string;
    connectionId?: string | undefined;
    status?: "received" | "processed" | "failed" | undefined;
    source?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<{ items: EventView[]; nextCursor: string | null }> {
  let query = deps.db
    .selectFrom("inbox_events")
    .select([
      "id",
      "connection_id",
      "source",
      "idempotency_key",
      "status",
      "attempts",
      "error",
      "contact_id",
      "content_type",
      "headers",
      "received_at",
      "processed_at",
    ])
    .select((eb) => eb.fn<number>("octet_length", ["body"]).as("size"))
    .where("workspace_id", "=", input.workspaceId);
  if (input.connectionId) query = query.where("connection_id", "=", input.connectionId);
  if (input.status) query = query.where("status", "=", input.status);
  if (input.source) query = query.where("source", "=", input.source);
  const after = decodeCursor(input.cursor);
  if (after) {
    const [receivedAt, id] = after;
    query = query.where((eb) =>
      eb.or([
        eb("received_at", "<", new Date(String(receivedAt))),
        eb.and([eb("received_at", "=", new Date(String(receivedAt))), eb("id", "<", String(id))]),
      ]),
    );
  }
  const rows = await query
    .orderBy("received_at", "desc")
    .orderBy("id", "desc")
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(toEventView),
    nextCursor:
      rows.length > input.limit && last ? encodeCursor([last.received_at.toISOString(), last.id]) : null,
  };
}

export function toEventView(row: {
  id: string;
  connection_id: string | null;
  source: string;
  idempotency_key: string;
  status: "received" | "processed" | "failed";
  attempts: number;
  error: string | null;
  contact_id: string | null;
  content_type: string | null;
  headers: Record<string, string>;
  size: number;
  received_at: Date;
  processed_at: Date | null;
}): EventView {
  return {
    id: row.id,
    connectionId: row.connection_id,
    source: row.source,
    idempotencyKey: row.idempotency_key,
    status: row.status,
    attempts: row.attempts,
    error: row.error,
    contactId: row.contact_id,
    contentType: row.content_type,
    headers: row.headers,
    size: Number(row.size),
    receivedAt: row.received_at.toISOString(),
    processedAt: row.processed_at?.toISOString() ?? null,
  };
}
