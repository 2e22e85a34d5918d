import type { ColumnType, Generated } from "kysely";
import { z } from "zod";

export const MESSAGE_CHANNELS = [
  "whatsapp",
  "instagram",
  "chatwoot",
  "email",
  "call",
  "note",
  "meeting",
  "visit",
] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export const DELIVERY_STATUSES = ["sent", "delivered", "read", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const TRIAGE_CHANNELS = ["whatsapp", "instagram"] as const;
export type TriageChannel = (typeof TRIAGE_CHANNELS)[number];

export const TRIAGE_STATUSES = ["pending", "accepted", "declined"] as const;
export type TriageStatus = (typeof TRIAGE_STATUSES)[number];

/** The other party of a message, by the identity key the channel gives (phone E.164 or IGSID). */
export interface Party {
  kind: "phone" | "instagram_id";
  value: string;
}

/** A message in or out, as a door reports it. `externalKey` is namespaced: "wa:<wamid>", "ig:<mid>", "cw:…". */
export interface MessageFact {
  kind: "message";
  channel: MessageChannel;
  direction: "inbound" | "outbound";
  externalKey: string;
  /** Who the business talks with; resolves the contact when the event's person is not known. */
  party: Party | null;
  messageType: string | null;
  text: string | null;
  at: string;
  isOptOut: boolean;
}

/** A delivery status of one of our outgoing messages. */
export interface StatusFact {
  kind: "status";
  channel: MessageChannel;
  externalKey: string;
  status: DeliveryStatus;
  party: Party | null;
  at: string;
  error: string | null;
  /** The sender's own reference set on send (WhatsApp `biz_opaque_callback_data`), if any. */
  callbackData?: string;
}

/** Labels added to or removed from a conversation (Chatwoot), for tag analytics. */
export interface LabelFact {
  kind: "labels";
  conversationId: string;
  added: string[];
  removed: string[];
  at: string;
}

export type ConversationFact = MessageFact | StatusFact | LabelFact;

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

/** Tables of migrations/0005_conversations.sql (used through `db.withTables<ConversationTables>()`). */
export type ConversationTables = {
  triage_senders: {
    id: Generated<string>;
    workspace_id: string;
    connection_id: string | null;
    channel: TriageChannel;
    sender_key: string;
    name: string | null;
    lead: Json<Record<string, unknown>>;
    status: ColumnType<TriageStatus, TriageStatus | undefined, TriageStatus>;
    message_count: ColumnType<number, number | undefined, number>;
    first_message_at: Timestamp;
    last_message_at: Timestamp;
    last_text: string | null;
    opted_out_at: NullableTimestamp;
    contact_id: string | null;
    decided_at: NullableTimestamp;
    decided_by_type: string | null;
    decided_by_id: string | null;
    decided_by_label: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  interactions: {
    id: Generated<string>;
    workspace_id: string;
    contact_id: string | null;
    triage_sender_id: string | null;
    connection_id: string | null;
    channel: MessageChannel;
    direction: "inbound" | "outbound";
    external_key: string | null;
    kind: string | null;
    body: string | null;
    status: DeliveryStatus | null;
    status_at: NullableTimestamp;
    sent_at: NullableTimestamp;
    delivered_at: NullableTimestamp;
    read_at: NullableTimestamp;
    failed_at: NullableTimestamp;
    error: string | null;
    recipient: string | null;
    occurred_at: Timestamp;
    inbox_event_id: string | null;
    /** What came of it (logged interactions). */
    result: string | null;
    /** Who logged it (null for captured messages). */
    author_type: string | null;
    author_id: string | null;
    author_label: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  interaction_attachments: {
    id: Generated<string>;
    workspace_id: string;
    interaction_id: string;
    file_name: string;
    content_type: string;
    size_bytes: ColumnType<string, number, number>;
    sha256: string;
    storage_key: string;
    store: ColumnType<"local" | "s3", "local" | "s3" | undefined, never>;
    created_by: string | null;
    created_at: Timestamp;
  };
  tag_events: {
    id: Generated<string>;
    workspace_id: string;
    connection_id: string | null;
    contact_id: string | null;
    conversation_id: string;
    label: string;
    action: "added" | "removed";
    at: Timestamp;
    inbox_event_id: string;
  };
};

export interface InteractionView {
  id: string;
  channel: MessageChannel;
  direction: "inbound" | "outbound";
  kind: string | null;
  text: string | null;
  status: DeliveryStatus | null;
  statusAt: string | null;
  error: string | null;
  occurredAt: string;
  contactId: string | null;
  connectionId: string | null;
  /** What came of it, for interactions people logged. */
  result: string | null;
  /** Who logged it (null: captured from a channel). */
  author: string | null;
  attachments: { id: string; fileName: string; contentType: string; size: number }[];
}

export interface TriageSenderView {
  id: string;
  channel: TriageChannel;
  connectionId: string | null;
  name: string | null;
  phone: string | null;
  instagramId: string | null;
  status: TriageStatus;
  messageCount: number;
  firstMessageAt: string;
  lastMessageAt: string;
  lastText: string | null;
  optedOutAt: string | null;
  contactId: string | null;
  decidedAt: string | null;
  decidedBy: { type: string; id: string | null; label: string | null } | null;
}

export interface TagEventView {
  id: string;
  label: string;
  action: "added" | "removed";
  at: string;
  conversationId: string;
  contactId: string | null;
  connectionId: string | null;
}

const limit = z.coerce.number().int().min(1).max(200).default(50);
const cursor = z.string().max(500).optional();

export const ListTriageQuerySchema = z.object({
  status: z.enum(TRIAGE_STATUSES).default("pending"),
  channel: z.enum(TRIAGE_CHANNELS).optional(),
  limit,
  cursor,
});

export const DecideTriageSchema = z
  .object({
    ids: z.array(z.uuid()).min(1).max(100),
    decision: z.enum(["accept", "decline"]),
  })
  .strict();

export const ListInteractionsQuerySchema = z.object({ limit, cursor });

export const ListTagEventsQuerySchema = z.object({
  contactId: z.uuid().optional(),
  label: z.string().trim().min(1).max(255).optional(),
  conversationId: z.string().trim().min(1).max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit,
  cursor,
});

export const TagSummaryQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/** Kept from a message's text: enough to read it in the inbox, bounded. */
export const MAX_MESSAGE_TEXT = 1000;
