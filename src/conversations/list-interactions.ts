import { type Selectable, sql } from "kysely";
import { personContactIds } from "../contacts/person-contact-ids.ts";
import type { Deps } from "../deps.ts";
import { olderThanCursor, pageOf } from "../platform/http/cursor.ts";
import type { ConversationTables, InteractionView, TagEventView } from "./schemas.ts";

type InteractionRow = Selectable<ConversationTables["interactions"]>;

export function toInteractionView(row: InteractionRow): InteractionView {
  return {
    id: row.id,
    channel: row.channel,
    direction: row.direction,
    kind: row.kind,
    text: row.body,
    status: row.status,
    statusAt: row.status_at?.toISOString() ?? null,
    error: row.error,
    occurredAt: row.occurred_at.toISOString(),
    contactId: row.contact_id,
    connectionId: row.connection_id,
    result: row.result,
    author: row.author_label,
    attachments: [],
  };
}

/** A person's messages (theirs and those of contacts merged into them), newest first. */
export async function listInteractions(
  deps: Deps,
  input: { workspaceId: string; contactId: string; limit: number; cursor?: string | undefined },
): Promise<{ items: InteractionView[]; nextCursor: string | null }> {
  let query = deps.db
    .withTables<ConversationTables>()
    .selectFrom("interactions")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where(sql<boolean>`contact_id in ${personContactIds(input.workspaceId, input.contactId)}`);
  const after = olderThanCursor(input.cursor, "occurred_at");
  if (after) query = query.where(after);
  const rows = await query
    .orderBy("occurred_at", "desc")
    .orderBy("id", "desc")
    .limit(input.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.occurred_at);
  const files =
    page.length === 0
      ? []
      : await deps.db
          .withTables<ConversationTables>()
          .selectFrom("interaction_attachments")
          .select(["id", "interaction_id", "file_name", "content_type", "size_bytes"])
          .where(
            "interaction_id",
            "in",
            page.map((row) => row.id),
          )
          .orderBy("created_at")
          .execute();
  return {
    items: page.map((row) => ({
      ...toInteractionView(row),
      contactId: input.contactId,
      attachments: files
        .filter((file) => file.interaction_id === row.id)
        .map((file) => ({
          id: file.id,
          fileName: file.file_name,
          contentType: file.content_type,
          size: Number(file.size_bytes),
        })),
    })),
    nextCursor,
  };
}

/** Label changes, newest first, by person, label, conversation or period. */
export async function listTagEvents(
  deps: Deps,
  input: {
    workspaceId: string;
    contactId?: string | undefined;
    label?: string | undefined;
    conversationId?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<{ items: TagEventView[]; nextCursor: string | null }> {
  let query = deps.db
    .withTables<ConversationTables>()
    .selectFrom("tag_events")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId);
  if (input.contactId) {
    query = query.where(sql<boolean>`contact_id in ${personContactIds(input.workspaceId, input.contactId)}`);
  }
  if (input.label) query = query.where("label", "=", input.label);
  if (input.conversationId) query = query.where("conversation_id", "=", input.conversationId);
  if (input.from) query = query.where("at", ">=", new Date(input.from));
  if (input.to) query = query.where("at", "<", new Date(input.to));
  const after = olderThanCursor(input.cursor, "at");
  if (after) query = query.where(after);
  const rows = await query
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(input.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.at);
  return {
    items: page.map((row) => ({
      id: row.id,
      label: row.label,
      action: row.action,
      at: row.at.toISOString(),
      conversationId: row.conversation_id,
      contactId: input.contactId ?? row.contact_id,
      connectionId: row.connection_id,
    })),
    nextCursor,
  };
}

/** Per label: how often it was added and removed in the period (tag analytics). */
export async function summarizeTagEvents(
  deps: Deps,
  input: { workspaceId: string; from?: string | undefined; to?: string | undefined },
): Promise<{ items: { label: string; added: number; removed: number; net: number }[] }> {
  let query = deps.db
    .withTables<ConversationTables>()
    .selectFrom("tag_events")
    .select([
      "label",
      sql<string>`count(*) filter (where action = 'added')`.as("added"),
      sql<string>`count(*) filter (where action = 'removed')`.as("removed"),
    ])
    .where("workspace_id", "=", input.workspaceId);
  if (input.from) query = query.where("at", ">=", new Date(input.from));
  if (input.to) query = query.where("at", "<", new Date(input.to));
  const rows = await query
    .groupBy("label")
    .orderBy(sql`count(*)`, "desc")
    .orderBy("label")
    .limit(500)
    .execute();
  return {
    items: rows.map((row) => {
      const added = Number(row.added);
      const removed = Number(row.removed);
      return { label: row.label, added, removed, net: added - removed };
    }),
  };
}
