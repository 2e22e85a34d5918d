import type { Selectable } from "kysely";
import type { Deps } from "../deps.ts";
import { olderThanCursor, pageOf } from "../platform/http/cursor.ts";
import { notFound } from "../platform/http/errors.ts";
import { toInteractionView } from "./list-interactions.ts";
import {
  type ConversationTables,
  type InteractionView,
  TRIAGE_STATUSES,
  type TriageChannel,
  type TriageSenderView,
  type TriageStatus,
} from "./schemas.ts";

type SenderRow = Selectable<ConversationTables["triage_senders"]>;

export function toTriageSenderView(row: SenderRow): TriageSenderView {
  return {
    id: row.id,
    channel: row.channel,
    connectionId: row.connection_id,
    name: row.name,
    phone: row.channel === "whatsapp" ? row.sender_key : null,
    instagramId: row.channel === "instagram" ? row.sender_key : null,
    status: row.status,
    messageCount: row.message_count,
    firstMessageAt: row.first_message_at.toISOString(),
    lastMessageAt: row.last_message_at.toISOString(),
    lastText: row.last_text,
    optedOutAt: row.opted_out_at?.toISOString() ?? null,
    contactId: row.contact_id,
    decidedAt: row.decided_at?.toISOString() ?? null,
    decidedBy: row.decided_by_type
      ? { type: row.decided_by_type, id: row.decided_by_id, label: row.decided_by_label }
      : null,
  };
}

/** Senders waiting for (or past) a decision, latest message first, with the count per status. */
export async function listTriage(
  deps: Deps,
  input: {
    workspaceId: string;
    status: TriageStatus;
    channel?: TriageChannel | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<{
  items: TriageSenderView[];
  nextCursor: string | null;
  counts: Record<TriageStatus, number>;
}> {
  const db = deps.db.withTables<ConversationTables>();
  let query = db
    .selectFrom("triage_senders")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where("status", "=", input.status);
  if (input.channel) query = query.where("channel", "=", input.channel);
  const after = olderThanCursor(input.cursor, "last_message_at");
  if (after) query = query.where(after);
  const [rows, counted] = await Promise.all([
    query
      .orderBy("last_message_at", "desc")
      .orderBy("id", "desc")
      .limit(input.limit + 1)
      .execute(),
    db
      .selectFrom("triage_senders")
      .select(["status", (eb) => eb.fn.countAll<string>().as("n")])
      .where("workspace_id", "=", input.workspaceId)
      .groupBy("status")
      .execute(),
  ]);
  const counts = Object.fromEntries(TRIAGE_STATUSES.map((status) => [status, 0])) as Record<
    TriageStatus,
    number
  >;
  for (const row of counted) counts[row.status] = Number(row.n);
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.last_message_at);
  return { items: page.map(toTriageSenderView), nextCursor, counts };
}

/** One sender with its messages, oldest first; 404 when unknown or of another workspace. */
export async function getTriageSender(
  deps: Deps,
  input: { workspaceId: string; senderId: string },
): Promise<TriageSenderView & { messages: InteractionView[] }> {
  const db = deps.db.withTables<ConversationTables>();
  const row = await db
    .selectFrom("triage_senders")
    .selectAll()
    .where("id", "=", input.senderId)
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound("Triage sender");
  const messages = await db
    .selectFrom("interactions")
    .selectAll()
    .where("triage_sender_id", "=", row.id)
    .orderBy("occurred_at", "asc")
    .orderBy("created_at", "asc")
    .limit(200)
    .execute();
  return { ...toTriageSenderView(row), messages: messages.map(toInteractionView) };
}
