import type { SourceAdapter, Verification } from "../../capture/sources.ts";
import { type ConversationFact, type DeliveryStatus, MAX_MESSAGE_TEXT } from "../../conversations/schemas.ts";
import { bodyDigestKey, hmacSha256, safeEqual } from "../../platform/crypto/hmac.ts";
import {
  type InstagramMessaging,
  InstagramWebhookSchema,
  MetaConfigSchema,
  type WhatsAppMessage,
  WhatsAppWebhookSchema,
} from "./schemas.ts";

export const SIGNATURE_HEADER = "x-hub-signature-256";

/** Longest text kept from the last message. */
export const MAX_TEXT = 500;
/** Longest vendor id used as is for the idempotency key (longer ones are hashed). */
const MAX_ID_KEY = 200;
/** Words that, alone in a message, ask to stop receiving messages (compared folded). */
export const OPT_OUT_WORDS = ["parar", "stop", "sair", "cancelar"];

/** Lower case, accents and anything but letters removed: "Parar!" and "PARAR" compare equal. */
function fold(value: string): string {
  return value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}]/gu, "");
}

export function isOptOut(text: string | undefined): boolean {
  return text !== undefined && OPT_OUT_WORDS.includes(fold(text));
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const records = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter(isRecord) : [];

/**
 * The first inbound message id (wamid, or Instagram `mid`), else the first status as `id:status`
 * (a status changes several times for one message), else the body's sha256.
 */
function idempotencyKeyOf(rawBody: Uint8Array): string {
  const fallback = bodyDigestKey(rawBody);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(rawBody).toString("utf8"));
  } catch {
    return fallback;
  }
  if (!isRecord(body)) return fallback;
  const entries = records(body.entry);
  const values = entries
    .flatMap((entry) => records(entry.changes))
    .flatMap((change) => (isRecord(change.value) ? [change.value] : []));
  const usable = (key: unknown): key is string => typeof key === "string" && key !== "";
  const messageId = values.flatMap((value) => records(value.messages)).find((m) => usable(m.id))?.id;
  const mid = entries
    .flatMap((entry) => records(entry.messaging))
    .flatMap((event) => (isRecord(event.message) ? [event.message] : []))
    .find((message) => usable(message.mid))?.mid;
  const status = values
    .flatMap((value) => records(value.statuses))
    .find((s) => usable(s.id) && usable(s.status));
  const key = usable(messageId)
    ? messageId
    : usable(mid)
      ? mid
      : status
        ? `${String(status.id)}:${String(status.status)}`
        : undefined;
  return key !== undefined && key.length <= MAX_ID_KEY ? key : fallback;
}

/**
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`, compared in constant time
 * over the bytes as received (Meta may escape non-ASCII; the raw bytes are what was signed).
 */
export function verifyMeta(input: {
  rawBody: Uint8Array;
  headers: Record<string, string | string[] | undefined>;
  config: Record<string, unknown>;
}): Verification {
  const secret = typeof input.config.appSecret === "string" ? input.config.appSecret : "";
  const header = input.headers[SIGNATURE_HEADER];
  if (secret === "" || typeof header !== "string" || !header.startsWith("sha256=")) return { ok: false };
  const expected = `sha256=${hmacSha256(secret, input.rawBody).toString("hex")}`;
  if (!safeEqual(header.trim().toLowerCase(), expected)) return { ok: false };
  return { ok: true, idempotencyKey: idempotencyKeyOf(input.rawBody) };
}

/** Meta's subscription check: echo `hub.challenge` when the mode and the verify token match. */
export function metaHandshake(query: Record<string, string>, config: Record<string, unknown>): string | null {
  const expected = typeof config.verifyToken === "string" ? config.verifyToken : "";
  const token = query["hub.verify_token"];
  const challenge = query["hub.challenge"];
  if (query["hub.mode"] !== "subscribe" || expected === "" || typeof token !== "string") return null;
  if (!safeEqual(token, expected)) return null;
  return typeof challenge === "string" && /^[\w.-]{1,255}$/.test(challenge) ? challenge : null;
}

/** Unix seconds (string or number; Instagram sends ms) as ISO 8601, or null. */
function isoFrom(seconds: number | undefined): string | null {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return null;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function messageText(message: WhatsAppMessage): string | undefined {
  return (
    message.text?.body ??
    message.button?.text ??
    message.interactive?.button_reply?.title ??
    message.interactive?.list_reply?.title
  );
}

const truncate = (text: string | undefined) => (text === undefined ? null : text.slice(0, MAX_TEXT));

function decodeWhatsApp(body: unknown): Record<string, unknown> | null {
  const webhook = WhatsAppWebhookSchema.parse(body);
  for (const entry of webhook.entry) {
    for (const change of entry.changes) {
      const { value } = change;
      const message = value.messages[0];
      if (!message) continue;
      const contact = value.contacts.find((c) => c.wa_id === message.from) ?? value.contacts[0];
      const waId = message.from.replace(/^\+/, "");
      const at = isoFrom(message.timestamp === undefined ? undefined : Number(message.timestamp));
      const text = messageText(message);
      const name = contact?.profile?.name.trim();
      return {
        ...(name ? { name } : {}),
        phone: `+${waId}`,
        source: "whatsapp",
        custom: {
          whatsapp: {
            waId,
            phoneNumberId: value.metadata?.phone_number_id ?? null,
            lastMessageId: message.id,
            lastMessageAt: at,
            lastType: message.type ?? null,
            lastText: truncate(text),
          },
          ...(isOptOut(text) ? { optOut: { channel: "whatsapp", at } } : {}),
        },
      };
    }
  }
  // Only statuses (or errors): about our own outgoing messages, no person.
  return null;
}

function decodeInstagram(body: unknown): Record<string, unknown> | null {
  const webhook = InstagramWebhookSchema.parse(body);
  for (const entry of webhook.entry) {
    const inbound = entry.messaging.find((event) => isInbound(event, entry.id));
    if (!inbound?.message) continue;
    const at = isoFrom(inbound.timestamp === undefined ? undefined : inbound.timestamp / 1000);
    const text = inbound.message.text;
    // The payload has the IGSID only: no handle, no name (a profile lookup comes later).
    return {
      source: "instagram",
      ...(/^\d{1,64}$/.test(inbound.sender.id) ? { instagram_id: inbound.sender.id } : {}),
      custom: {
        instagram: {
          igsid: inbound.sender.id,
          lastMessageId: inbound.message.mid ?? null,
          lastMessageAt: at,
          lastText: truncate(text),
        },
        ...(isOptOut(text) ? { optOut: { channel: "instagram", at } } : {}),
      },
    };
  }
  return null;
}

function isInbound(event: InstagramMessaging, accountId: string | undefined): boolean {
  return event.message !== undefined && !event.message.is_echo && event.sender.id !== accountId;
}

/**
 * A Meta delivery as lead fields: the first inbound WhatsApp or Instagram message's sender. Null when
 * the delivery names no person (status updates, echoes of our own messages).
 */
export function decodeMeta(body: unknown, _config: Record<string, unknown>): Record<string, unknown> | null {
  const object = isRecord(body) ? body.object : undefined;
  return object === "instagram" ? decodeInstagram(body) : decodeWhatsApp(body);
}

const DELIVERY: Record<string, DeliveryStatus> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  failed: "failed",
};

const messageAt = (seconds: string | undefined, fallback: string) =>
  isoFrom(seconds === undefined ? undefined : Number(seconds)) ?? fallback;

const textOf = (text: string | undefined) => (text === undefined ? null : text.slice(0, MAX_MESSAGE_TEXT));

function whatsAppFacts(body: unknown, receivedAt: string): ConversationFact[] {
  const facts: ConversationFact[] = [];
  for (const entry of WhatsAppWebhookSchema.parse(body).entry) {
    for (const { value } of entry.changes) {
      for (const message of value.messages) {
        const text = messageText(message);
        facts.push({
          kind: "message",
          channel: "whatsapp",
          direction: "inbound",
          externalKey: `wa:${message.id}`,
          party: { kind: "phone", value: `+${message.from.replace(/^\+/, "")}` },
          messageType: message.type ?? null,
          text: textOf(text),
          at: messageAt(message.timestamp, receivedAt),
          isOptOut: isOptOut(text),
        });
      }
      for (const status of value.statuses) {
        const delivery = DELIVERY[status.status];
        if (!delivery) continue;
        const error = status.errors?.[0];
        facts.push({
          kind: "status",
          channel: "whatsapp",
          externalKey: `wa:${status.id}`,
          status: delivery,
          party: status.recipient_id
            ? { kind: "phone", value: `+${status.recipient_id.replace(/^\+/, "")}` }
            : null,
          at: messageAt(status.timestamp, receivedAt),
          error: error
            ? [error.code, error.title ?? error.message].filter((part) => part !== undefined).join(" ")
            : null,
          ...(status.biz_opaque_callback_data ? { callbackData: status.biz_opaque_callback_data } : {}),
        });
      }
    }
  }
  return facts;
}

function instagramFacts(body: unknown, receivedAt: string): ConversationFact[] {
  const facts: ConversationFact[] = [];
  for (const entry of InstagramWebhookSchema.parse(body).entry) {
    for (const event of entry.messaging) {
      const { message } = event;
      if (!message?.mid) continue;
      const inbound = isInbound(event, entry.id);
      // An echo is a message the business sent (from the Instagram app too): its party is the recipient.
      const partyId = inbound ? event.sender.id : event.recipient?.id;
      facts.push({
        kind: "message",
        channel: "instagram",
        direction: inbound ? "inbound" : "outbound",
        externalKey: `ig:${message.mid}`,
        party: partyId && /^\d{1,64}$/.test(partyId) ? { kind: "instagram_id", value: partyId } : null,
        messageType: message.text === undefined ? null : "text",
        text: textOf(message.text),
        at: isoFrom(event.timestamp === undefined ? undefined : event.timestamp / 1000) ?? receivedAt,
        isOptOut: inbound && isOptOut(message.text),
      });
    }
  }
  return facts;
}

/** Every message and delivery status in a Meta delivery, for the conversation history. */
export function metaConversationFacts(body: unknown, receivedAt: string): ConversationFact[] {
  const object = isRecord(body) ? body.object : undefined;
  return object === "instagram" ? instagramFacts(body, receivedAt) : whatsAppFacts(body, receivedAt);
}

/** The Meta door: `meta` connections (WhatsApp Cloud API and Instagram messaging webhooks). */
export const metaSource: SourceAdapter = {
  isConnectionType: true,
  configSchema: MetaConfigSchema,
  verify: ({ rawBody, headers, config }) => verifyMeta({ rawBody, headers, config }),
  handshake: metaHandshake,
  defaultSource: "whatsapp",
  decode: decodeMeta,
  conversation: (body, _config, receivedAt) => metaConversationFacts(body, receivedAt),
  unknownSenders: (config) => (config.unknownSenders === "lead" ? "lead" : "triage"),
};
