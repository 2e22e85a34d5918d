import type { SourceAdapter, Verification } from "../../capture/sources.ts";
import { bodyDigestKey, safeEqual } from "../../platform/crypto/hmac.ts";
import type { PurchaseStatus, SourceFacts } from "../../students/schemas.ts";
import { HotmartConfigSchema, type HotmartWebhook, HotmartWebhookSchema } from "./schemas.ts";

export const HOTTOK_HEADER = "x-hotmart-hottok";

/** Longest envelope `id` used as is for the idempotency key (longer ones are hashed). */
const MAX_ID_KEY = 200;

/** The status each purchase-family event means (WIRE-FORMATS §1.1). */
const EVENT_STATUS: Record<string, PurchaseStatus> = {
  PURCHASE_APPROVED: "approved",
  PURCHASE_COMPLETE: "complete",
  PURCHASE_CANCELED: "canceled",
  PURCHASE_CANCELLED: "canceled",
  PURCHASE_BILLET_PRINTED: "billet_printed",
  PURCHASE_PROTEST: "protest",
  PURCHASE_REFUNDED: "refunded",
  PURCHASE_CHARGEBACK: "chargeback",
  PURCHASE_EXPIRED: "expired",
  PURCHASE_DELAYED: "delayed",
  PURCHASE_OUT_OF_SHOPPING_CART: "abandoned",
};

/** `data.purchase.status` values, for purchase events not named above. Both CANCELED spellings occur. */
const VENDOR_STATUS: Record<string, PurchaseStatus> = {
  APPROVED: "approved",
  COMPLETE: "complete",
  COMPLETED: "complete",
  CANCELED: "canceled",
  CANCELLED: "canceled",
  REFUNDED: "refunded",
  PARTIALLY_REFUNDED: "refunded",
  CHARGEBACK: "chargeback",
  DISPUTE: "protest",
  PROTEST: "protest",
  EXPIRED: "expired",
  DELAYED: "delayed",
  OVERDUE: "delayed",
  PRINTED_BILLET: "billet_printed",
  BILLET_PRINTED: "billet_printed",
};

/** Events recorded in a purchase's history without changing its status. */
const SUBSCRIPTION_EVENTS = new Set([
  "SUBSCRIPTION_CANCELLATION",
  "SWITCH_PLAN",
  "UPDATE_SUBSCRIPTION_CHARGE_DATE",
]);

function parseJson(rawBody: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(rawBody).toString("utf8"));
  } catch {
    return undefined;
  }
}

function field(body: unknown, key: string): unknown {
  return body && typeof body === "object" && !Array.isArray(body) && key in body
    ? (body as Record<string, unknown>)[key]
    : undefined;
}

/** The envelope `id`; else event + transaction; else the body's sha256. */
function idempotencyKeyOf(body: unknown, rawBody: Uint8Array): string {
  const id = field(body, "id");
  if (typeof id === "string" && id !== "" && id.length <= MAX_ID_KEY) return id;
  const event = field(body, "event");
  const transaction = field(field(field(body, "data"), "purchase"), "transaction");
  if (typeof event === "string" && typeof transaction === "string" && event !== "" && transaction !== "") {
    const key = `${event}:${transaction}`;
    if (key.length <= MAX_ID_KEY) return key;
  }
  return bodyDigestKey(rawBody);
}

/**
 * `X-HOTMART-HOTTOK: <hottok>` (a static per-account token, no HMAC), compared in constant time; when
 * the header is absent, a `hottok` field in the JSON body (v1-style senders).
 */
export function verifyHotmart(input: {
  rawBody: Uint8Array;
  headers: Record<string, string | string[] | undefined>;
  config: Record<string, unknown>;
}): Verification {
  const hottok = typeof input.config.hottok === "string" ? input.config.hottok : "";
  if (hottok === "") return { ok: false };
  const header = input.headers[HOTTOK_HEADER];
  if (Array.isArray(header)) return { ok: false };
  const body = parseJson(input.rawBody);
  const presented = header !== undefined ? header.trim() : field(body, "hottok");
  if (typeof presented !== "string" || presented === "" || !safeEqual(presented, hottok))
    return { ok: false };
  return { ok: true, idempotencyKey: idempotencyKeyOf(body, input.rawBody) };
}

const digitsOf = (value: string) => value.replace(/\D/g, "");

/**
 * `checkout_phone` with `checkout_phone_code` when the code looks like a DDD (2 digits, prefixed to a
 * local number) or a country code (1–3 digits, prefixed to a national number that does not already
 * start with it). Anything else in the code (Hotmart's test data sends "999999999") is ignored.
 */
export function buyerPhone(phone: string | undefined, code: string | undefined): string | undefined {
  if (phone === undefined) return undefined;
  const digits = digitsOf(phone);
  if (digits === "") return undefined;
  if (phone.startsWith("+")) return `+${digits}`;
  const prefix = digitsOf(code ?? "");
  if (!/^[1-9]\d{0,2}$/.test(prefix)) return digits;
  if (prefix.length === 2 && digits.length <= 9) return `${prefix}${digits}`;
  if (digits.startsWith(prefix)) return digits;
  return digits.length >= 10 ? `+${prefix}${digits}` : digits;
}

function parseEnvelope(body: unknown): HotmartWebhook {
  return HotmartWebhookSchema.parse(body);
}

/** A Hotmart 2.0.0 event as lead fields: name, e-mail and phone only, unless keepDocuments. */
export function decodeHotmart(body: unknown, rawConfig: Record<string, unknown>): Record<string, unknown> {
  const config = HotmartConfigSchema.parse(rawConfig);
  const envelope = parseEnvelope(body);
  const { data } = envelope;
  const person = data.buyer ?? data.user ?? data.subscriber;
  const joined = [person?.first_name, person?.last_name].filter(Boolean).join(" ");
  const name = person?.name ?? (joined === "" ? undefined : joined);
  const phone =
    buyerPhone(data.buyer?.checkout_phone, data.buyer?.checkout_phone_code) ??
    buyerPhone(person?.phone, undefined);
  const lead: Record<string, unknown> = {
    ...(name ? { name } : {}),
    ...(person?.email ? { email: person.email } : {}),
    ...(phone ? { phone } : {}),
    source: "hotmart",
  };
  const custom: Record<string, unknown> = {
    hotmart: {
      event: envelope.event,
      ...(data.product?.name ? { product: data.product.name } : {}),
    },
  };
  if (config.keepDocuments && person) {
    if (person.document) custom.document = { type: person.document_type ?? null, number: person.document };
    if (person.address) {
      custom.address = person.address;
      const city = person.address.city;
      if (typeof city === "string" && city.trim() !== "") lead.city = city.trim().slice(0, 120);
    }
  }
  return { ...lead, custom };
}

function priceOf(value: string | number | null | undefined, currency: string | undefined) {
  const amount = typeof value === "string" ? Number(value) : value;
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return null;
  return { value: amount, currency: currency ?? "BRL" };
}

/** What a Hotmart event says about purchases and enrollments; null when it names no product. */
export function hotmartFacts(body: unknown): SourceFacts | null {
  const envelope = parseEnvelope(body);
  const { data, event } = envelope;
  const externalId =
    data.product?.id === null || data.product?.id === undefined ? "" : String(data.product.id);
  if (externalId.trim() === "") return null;
  const product = { externalId: externalId.trim(), name: data.product?.name ?? externalId.trim() };
  const occurredAt =
    envelope.creation_date ?? envelope.creationDate ?? data.purchase?.order_date ?? new Date(0);

  if (event === "CLUB_FIRST_ACCESS" || event === "CLUB_MODULE_COMPLETED") {
    const module = data.module?.id ? { id: data.module.id, name: data.module.name ?? data.module.id } : null;
    if (event === "CLUB_MODULE_COMPLETED" && !module) return null;
    return {
      kind: "club",
      event: event === "CLUB_FIRST_ACCESS" ? "first_access" : "module_completed",
      occurredAt,
      product,
      module: event === "CLUB_MODULE_COMPLETED" ? module : null,
      origin: event === "CLUB_FIRST_ACCESS" ? "hotmart_email" : null,
    };
  }

  const isPurchase = event.startsWith("PURCHASE_");
  if (!isPurchase && !SUBSCRIPTION_EVENTS.has(event)) return null;
  const purchase = data.purchase;
  const vendorStatus = purchase?.status ?? data.subscription?.status ?? null;
  const status = isPurchase
    ? (EVENT_STATUS[event] ??
      (purchase?.status ? VENDOR_STATUS[purchase.status.toUpperCase()] : undefined) ??
      null)
    : null;
  return {
    kind: "purchase",
    transaction: purchase?.transaction?.slice(0, 100) ?? null,
    status,
    event,
    occurredAt,
    product,
    offerCode: purchase?.offer?.code ?? data.offer?.code ?? null,
    price: priceOf(purchase?.price?.value, purchase?.price?.currency_value),
    paymentType: purchase?.payment?.type ?? null,
    approvedAt: purchase?.approved_date ?? null,
    vendorStatus,
  };
}

/** The Hotmart door: `hotmart` connections (webhook version 2.0.0). */
export const hotmartSource: SourceAdapter = {
  isConnectionType: true,
  configSchema: HotmartConfigSchema,
  verify: ({ rawBody, headers, config }) => verifyHotmart({ rawBody, headers, config }),
  defaultSource: "hotmart",
  decode: decodeHotmart,
  facts: (body) => hotmartFacts(body),
};
