import { createHmac } from "node:crypto";
import type { SourceAdapter, Verification } from "../../capture/sources.ts";
import { bodyDigestKey, safeEqual } from "../../platform/crypto/hmac.ts";
import type { PurchaseStatus, SourceFacts } from "../../students/schemas.ts";
import { KiwifyConfigSchema, type KiwifyWebhook, KiwifyWebhookSchema } from "./schemas.ts";

/** The query-string parameter carrying the hex HMAC-SHA1 of the raw body. */
export const SIGNATURE_PARAM = "signature";

/** Longest `order_id:webhook_event_type` used as is for the idempotency key (longer ones are hashed). */
const MAX_KEY = 200;

/** The status each `webhook_event_type` means (WIRE-FORMATS §1.8). */
const EVENT_STATUS: Record<string, PurchaseStatus> = {
  order_approved: "approved",
  order_refunded: "refunded",
  chargeback: "chargeback",
  billet_created: "billet_printed",
  pix_created: "billet_printed",
  order_rejected: "canceled",
  carrinho_abandonado: "abandoned",
  // The Portuguese trigger names, as some accounts send them.
  compra_aprovada: "approved",
  compra_reembolsada: "refunded",
  compra_recusada: "canceled",
  boleto_gerado: "billet_printed",
  pix_gerado: "billet_printed",
};

/** `order_status` values, for events not named above. */
const ORDER_STATUS: Record<string, PurchaseStatus> = {
  paid: "approved",
  approved: "approved",
  refunded: "refunded",
  chargedback: "chargeback",
  chargeback: "chargeback",
  waiting_payment: "billet_printed",
  refused: "canceled",
  abandoned: "abandoned",
};

function parseJson(rawBody: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(rawBody).toString("utf8"));
  } catch {
    return undefined;
  }
}

function textField(body: unknown, key: string): string | undefined {
  if (!body || typeof body !== "object" || Array.isArray(body)) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** `order_id:webhook_event_type`; else the body's sha256 (cart abandonments carry no order). */
function idempotencyKeyOf(body: unknown, rawBody: Uint8Array): string {
  const orderId = textField(body, "order_id");
  const event = textField(body, "webhook_event_type") ?? textField(body, "order_status");
  if (orderId && event) {
    const key = `${orderId}:${event}`;
    if (key.length <= MAX_KEY) return key;
  }
  return bodyDigestKey(rawBody);
}

/** `?signature=<hex HMAC-SHA1(key = token, msg = raw body)>`, compared in constant time. */
export function verifyKiwify(input: {
  rawBody: Uint8Array;
  query: Record<string, string>;
  config: Record<string, unknown>;
}): Verification {
  const token = typeof input.config.token === "string" ? input.config.token : "";
  if (token === "") return { ok: false };
  const presented = input.query[SIGNATURE_PARAM];
  if (typeof presented !== "string" || presented === "") return { ok: false };
  const expected = createHmac("sha1", token).update(input.rawBody).digest("hex");
  if (!safeEqual(presented.trim().toLowerCase(), expected)) return { ok: false };
  return { ok: true, idempotencyKey: idempotencyKeyOf(parseJson(input.rawBody), input.rawBody) };
}

function parseEnvelope(body: unknown): KiwifyWebhook {
  return KiwifyWebhookSchema.parse(body);
}

const digitsOf = (value: string) => value.replace(/\D/g, "");

function phoneOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const digits = digitsOf(value);
  if (digits === "") return undefined;
  return value.startsWith("+") ? `+${digits}` : digits;
}

/** A Kiwify event as lead fields: name, e-mail, phone, Instagram and UTMs; never CPF or address. */
export function decodeKiwify(body: unknown): Record<string, unknown> {
  const order = parseEnvelope(body);
  const customer = order.Customer;
  const tracking = order.TrackingParameters;
  const name = customer?.full_name ?? customer?.first_name ?? order.name;
  const email = customer?.email ?? order.email;
  const phone = phoneOf(customer?.mobile ?? order.phone);
  const instagram = customer?.instagram;
  const event = order.webhook_event_type ?? (order.status ? "carrinho_abandonado" : undefined);
  const product = order.Product?.product_name ?? order.product_name;
  const extraTracking = {
    ...(tracking?.utm_content ? { utm_content: tracking.utm_content } : {}),
    ...(tracking?.utm_term ? { utm_term: tracking.utm_term } : {}),
    ...(tracking?.src ? { src: tracking.src } : {}),
    ...(tracking?.sck ? { sck: tracking.sck } : {}),
  };
  return {
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    ...(instagram ? { instagram } : {}),
    ...(tracking?.utm_source ? { utm_source: tracking.utm_source } : {}),
    ...(tracking?.utm_medium ? { utm_medium: tracking.utm_medium } : {}),
    ...(tracking?.utm_campaign ? { utm_campaign: tracking.utm_campaign } : {}),
    source: "kiwify",
    custom: {
      kiwify: {
        ...(event ? { event } : {}),
        ...(product ? { product } : {}),
        ...extraTracking,
      },
    },
  };
}

/** What a Kiwify event says about a purchase; null when it names no product or no known event. */
export function kiwifyFacts(body: unknown): SourceFacts | null {
  const order = parseEnvelope(body);
  const isCart = order.order_id === undefined && order.status !== undefined;
  const event = order.webhook_event_type ?? (isCart ? "carrinho_abandonado" : undefined);
  const externalId = order.Product?.product_id ?? order.product_id;
  if (!event || !externalId) return null;
  const status =
    EVENT_STATUS[event] ?? (order.order_status ? ORDER_STATUS[order.order_status] : undefined) ?? null;
  const isRefund = status === "refunded" || status === "chargeback";
  const occurredAt =
    (isRefund ? order.refunded_at : undefined) ??
    order.updated_at ??
    order.approved_date ??
    order.created_at ??
    new Date(0);
  const charged = order.Commissions?.charge_amount ?? order.Commissions?.product_base_price;
  return {
    kind: "purchase",
    transaction: order.order_id?.slice(0, 100) ?? null,
    status,
    event: event.slice(0, 100),
    occurredAt,
    product: {
      externalId: externalId.slice(0, 100),
      name: (order.Product?.product_name ?? order.product_name ?? externalId).slice(0, 500),
    },
    offerCode: null,
    price:
      charged === undefined
        ? null
        : { value: charged / 100, currency: (order.Commissions?.currency ?? "BRL").slice(0, 10) },
    paymentType: order.payment_method?.slice(0, 50) ?? null,
    approvedAt: order.approved_date ?? null,
    vendorStatus: order.order_status?.slice(0, 100) ?? order.status?.slice(0, 100) ?? null,
  };
}

/** The Kiwify door: `kiwify` connections (sales webhooks signed with `?signature=`). */
export const kiwifySource: SourceAdapter = {
  isConnectionType: true,
  configSchema: KiwifyConfigSchema,
  verify: ({ rawBody, query, config }) => verifyKiwify({ rawBody, query, config }),
  defaultSource: "kiwify",
  decode: (body) => decodeKiwify(body),
  facts: (body) => kiwifyFacts(body),
};
