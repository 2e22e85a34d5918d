import type { SourceAdapter, Verification } from "../../capture/sources.ts";
import { type ConversationFact, MAX_MESSAGE_TEXT } from "../../conversations/schemas.ts";
import { bodyDigestKey, hmacSha256, safeEqual } from "../../platform/crypto/hmac.ts";
import { ChatwootConfigSchema, type ChatwootContact, ChatwootWebhookSchema } from "./schemas.ts";

export const SIGNATURE_HEADER = "x-chatwoot-signature";
export const TIMESTAMP_HEADER = "x-chatwoot-timestamp";
/** How far a signed delivery's timestamp may be from now (replay protection, WIRE-FORMATS §1.6). */
export const TOLERANCE_SECONDS = 300;
/** Events that carry a contact and become a lead; others are stored and processed with no person. */
export const LEAD_EVENTS = [
  "conversation_created",
  "conversation_updated",
  "conversation_status_changed",
  "message_created",
];
/** `changed_attributes` kept in full while they fit in this many characters of JSON (else label_list only). */
const CHANGES_BUDGET = 4_000;
const MAX_KEY = 200;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `event:id:updated_at` (WIRE-FORMATS §1.9; `X-Chatwoot-Delivery` is per dispatch), else the body's sha256. */
function idempotencyKeyOf(rawBody: Uint8Array): string {
  const fallback = bodyDigestKey(rawBody);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(rawBody).toString("utf8"));
  } catch {
    return fallback;
  }
  if (!isRecord(body)) return fallback;
  const { event, id } = body;
  const version = body.updated_at ?? body.created_at;
  const part = (value: unknown) =>
    typeof value === "string" || typeof value === "number" ? String(value) : undefined;
  const parts = [part(event), part(id), part(version)];
  if (parts.some((value) => value === undefined || value === "")) return fallback;
  const key = parts.join(":");
  return key.length <= MAX_KEY ? key : fallback;
}

/**
 * With a `webhookSecret`: `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`
 * and `X-Chatwoot-Timestamp` within ±5 minutes (Chatwoot ≥ 4.13). Without one (older Chatwoot signs
 * nothing), the unguessable webhook URL is the only check.
 */
export function verifyChatwoot(input: {
  rawBody: Uint8Array;
  headers: Record<string, string | string[] | undefined>;
  config: Record<string, unknown>;
  now: Date;
}): Verification {
  const secret = input.config.webhookSecret;
  if (secret !== undefined) {
    const signature = input.headers[SIGNATURE_HEADER];
    const timestamp = input.headers[TIMESTAMP_HEADER];
    if (typeof secret !== "string" || secret === "") return { ok: false };
    if (typeof signature !== "string" || !signature.startsWith("sha256=")) return { ok: false };
    if (typeof timestamp !== "string" || !/^\d{1,12}$/.test(timestamp)) return { ok: false };
    if (Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp)) > TOLERANCE_SECONDS)
      return { ok: false };
    const signed = Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(input.rawBody)]);
    const expected = `sha256=${hmacSha256(secret, signed).toString("hex")}`;
    if (!safeEqual(signature.trim().toLowerCase(), expected)) return { ok: false };
  }
  return { ok: true, idempotencyKey: idempotencyKeyOf(input.rawBody) };
}

/** `[{"label_list": {...}}, {"status": {...}}]` as one record, label_list kept first when over budget. */
function changedAttributesOf(list: Record<string, unknown>[] | null | undefined): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const item of list ?? []) {
    for (const [key, value] of Object.entries(item)) {
      if (key.length <= 64 && !Object.hasOwn(changes, key)) changes[key] = value;
    }
  }
  if (JSON.stringify(changes).length <= CHANGES_BUDGET) return changes;
  const labels = changes.label_list;
  return labels !== undefined && JSON.stringify(labels).length <= CHANGES_BUDGET
    ? { label_list: labels }
    : {};
}

const present = (value: string | null | undefined) => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

/**
 * A Chatwoot conversation or message event as lead fields from its contact, with the conversation's
 * labels kept in `custom.chatwoot` for the tag analytics. Null for other events or no contact details.
 */
export function decodeChatwoot(
  body: unknown,
  _config: Record<string, unknown>,
): Record<string, unknown> | null {
  const webhook = ChatwootWebhookSchema.parse(body);
  if (!LEAD_EVENTS.includes(webhook.event)) return null;
  const isMessage = webhook.event === "message_created";
  const conversation = isMessage ? webhook.conversation : webhook;
  const contact: ChatwootContact | null | undefined =
    conversation?.meta?.sender ?? (isMessage && webhook.sender?.type === "contact" ? webhook.sender : null);
  const name = present(contact?.name);
  const email = present(contact?.email);
  const phone = present(contact?.phone_number);
  if (!contact || (!name && !email && !phone)) return null;
  return {
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    source: "chatwoot",
    custom: {
      chatwoot: {
        event: webhook.event,
        contactId: contact.id ?? null,
        conversationId: conversation?.id ?? null,
        inboxId: conversation?.inbox_id ?? null,
        channel: conversation?.channel ?? null,
        labels: conversation?.labels ?? [],
        changedAttributes: changedAttributesOf(webhook.changed_attributes),
      },
    },
  };
}

const labelsOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((label): label is string => typeof label === "string") : [];

/** A message's `created_at` (unix seconds, or an ISO string) as ISO 8601. */
function chatwootTime(value: number | string | null | undefined, fallback: string): string {
  const date = typeof value === "number" ? new Date(value * 1000) : value ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : fallback;
}

/** `incoming` (0) and `outgoing` (1) are conversation messages; activity and template ones are not. */
function directionOf(type: string | number | undefined): "inbound" | "outbound" | null {
  if (type === "incoming" || type === 0) return "inbound";
  if (type === "outgoing" || type === 1) return "outbound";
  return null;
}

/**
 * What a Chatwoot event says about the conversation: a public message (keyed by its WhatsApp id when
 * Chatwoot relays WhatsApp, so the Meta door and this one record it once), and labels added or removed
 * (`label_list` in `changed_attributes`; every label of a new conversation).
 */
export function chatwootConversationFacts(
  body: unknown,
  config: Record<string, unknown>,
  receivedAt: string,
): ConversationFact[] {
  const webhook = ChatwootWebhookSchema.parse(body);
  const facts: ConversationFact[] = [];
  if (webhook.event === "message_created") {
    const direction = directionOf(webhook.message_type);
    if (direction && !webhook.private && webhook.id !== undefined) {
      const account = webhook.account?.id ?? config.accountId;
      const sourceId = webhook.source_id ?? "";
      const contact = webhook.conversation?.meta?.sender;
      const phone = present(contact?.phone_number);
      facts.push({
        kind: "message",
        channel: "chatwoot",
        direction,
        externalKey: sourceId.startsWith("wamid.")
          ? `wa:${sourceId}`
          : `cw:${String(account ?? "")}:${webhook.id}`,
        party: phone ? { kind: "phone", value: phone } : null,
        messageType: webhook.content_type ?? null,
        text: webhook.content ? webhook.content.slice(0, MAX_MESSAGE_TEXT) : null,
        at: chatwootTime(webhook.created_at, receivedAt),
        isOptOut: false,
      });
    }
    return facts;
  }
  if (webhook.id === undefined) return facts;
  const changes = changedAttributesOf(webhook.changed_attributes).label_list;
  let previous: string[] = [];
  let current: string[] | null = null;
  if (isRecord(changes)) {
    previous = labelsOf(changes.previous_value);
    current = labelsOf(changes.current_value);
  } else if (webhook.event === "conversation_created") {
    current = webhook.labels ?? [];
  }
  if (current === null) return facts;
  const added = current.filter((label) => !previous.includes(label));
  const removed = previous.filter((label) => !current.includes(label));
  if (added.length > 0 || removed.length > 0) {
    facts.push({
      kind: "labels",
      conversationId: String(webhook.id),
      added,
      removed,
      at: chatwootTime(webhook.updated_at, receivedAt),
    });
  }
  return facts;
}

/** The Chatwoot door: `chatwoot` connections (account or API-inbox webhooks). */
export const chatwootSource: SourceAdapter = {
  isConnectionType: true,
  configSchema: ChatwootConfigSchema,
  verify: ({ rawBody, headers, config, now }) => verifyChatwoot({ rawBody, headers, config, now }),
  defaultSource: "chatwoot",
  decode: decodeChatwoot,
  conversation: chatwootConversationFacts,
};
