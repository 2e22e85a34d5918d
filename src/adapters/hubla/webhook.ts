import type { SourceAdapter, Verification } from "../../capture/sources.ts";
import { bodyDigestKey, safeEqual } from "../../platform/crypto/hmac.ts";
import type { PurchaseStatus, SourceFacts } from "../../students/schemas.ts";
import { HublaConfigSchema, type HublaWebhook, HublaWebhookSchema } from "./schemas.ts";

export const TOKEN_HEADER = "x-hubla-token";
export const IDEMPOTENCY_HEADER = "x-hubla-idempotency";

/** Longest idempotency header used as is (longer ones are hashed). */
const MAX_KEY = 200;

/** The status each invoice event means (WIRE-FORMATS §1.8). */
const EVENT_STATUS: Record<string, PurchaseStatus> = {
  "invoice.payment_succeeded": "approved",
  "invoice.refunded": "refunded",
  "invoice.payment_failed": "canceled",
  "invoice.expired": "expired",
  "invoice.created": "billet_printed",
};

/** `invoice.status` values, for `invoice.status_updated` and other invoice events. */
const INVOICE_STATUS: Record<string, PurchaseStatus> = {
  paid: "approved",
  refunded: "refunded",
  expired: "expired",
  canceled: "canceled",
  cancelled: "canceled",
  failed: "canceled",
  chargeback: "chargeback",
};

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return typeof value === "string" ? value.trim() : undefined;
}

/**
 * `x-hubla-token: <token>` (a static per-account token, no HMAC), compared in constant time. The key is
 * the `x-hubla-idempotency` header, else the body's sha256.
 */
export function verifyHubla(input: {
  rawBody: Uint8Array;
  headers: Record<string, string | string[] | undefined>;
  config: Record<string, unknown>;
}): Verification {
  const token = typeof input.config.token === "string" ? input.config.token : "";
  if (token === "") return { ok: false };
  const presented = headerOf(input.headers, TOKEN_HEADER);
  if (presented === undefined || presented === "" || !safeEqual(presented, token)) return { ok: false };
  const idempotency = headerOf(input.headers, IDEMPOTENCY_HEADER);
  const idempotencyKey =
    idempotency && idempotency.length <= MAX_KEY ? idempotency : bodyDigestKey(input.rawBody);
  return { ok: true, idempotencyKey };
}

function parseEnvelope(body: unknown): HublaWebhook {
  return HublaWebhookSchema.parse(body);
}

function phoneOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const digits = value.replace(/\D/g, "");
  if (digits === "") return undefined;
  return value.startsWith("+") ? `+${digits}` : digits;
}

/** A Hubla event as lead fields: name, e-mail, phone and UTMs; never the document or address. */
export function decodeHubla(body: unknown): Record<string, unknown> {
  const envelope = parseEnvelope(body);
  const { user, invoice } = envelope.event;
  const name = [user?.firstName, user?.lastName].filter(Boolean).join(" ");
  const phone = phoneOf(user?.phone);
  const utm = invoice?.firstPaymentSession?.utm;
  const product = envelope.event.product?.name ?? envelope.event.products?.[0]?.name;
  return {
    ...(name ? { name } : {}),
    ...(user?.email ? { email: user.email } : {}),
    ...(phone ? { phone } : {}),
    ...(utm?.source ? { utm_source: utm.source } : {}),
    ...(utm?.medium ? { utm_medium: utm.medium } : {}),
    ...(utm?.campaign ? { utm_campaign: utm.campaign } : {}),
    source: "hubla",
    custom: {
      hubla: {
        event: envelope.type,
        ...(product ? { product } : {}),
        ...(utm?.content ? { utm_content: utm.content } : {}),
        ...(utm?.term ? { utm_term: utm.term } : {}),
      },
    },
  };
}

/**
 * What a Hubla invoice event says about a purchase (the invoice is the transaction). Events without an
 * invoice (customer.member_added, subscription.*) carry no purchase and give null. Hubla does not
 * order deliveries, so the status machine decides by the invoice's own dates.
 */
export function hublaFacts(body: unknown): SourceFacts | null {
  const envelope = parseEnvelope(body);
  const { invoice } = envelope.event;
  if (!envelope.type.startsWith("invoice.") || !invoice?.id) return null;
  const product = envelope.event.product ?? envelope.event.products?.[0];
  if (!product?.id) return null;
  const status =
    EVENT_STATUS[envelope.type] ??
    (invoice.status ? INVOICE_STATUS[invoice.status.toLowerCase()] : undefined) ??
    null;
  const occurredAt =
    (status === "refunded" ? invoice.refundedAt : undefined) ??
    invoice.updatedAt ??
    invoice.paidAt ??
    invoice.createdAt ??
    new Date(0);
  const total = invoice.amount?.totalCents ?? invoice.amount?.subtotalCents;
  const offer = envelope.event.products?.find((item) => item.id === product.id)?.offers?.[0]?.id;
  return {
    kind: "purchase",
    transaction: invoice.id.slice(0, 100),
    status,
    event: envelope.type,
    occurredAt,
    product: { externalId: product.id.slice(0, 100), name: (product.name ?? product.id).slice(0, 500) },
    offerCode: offer?.slice(0, 100) ?? null,
    price:
      total === undefined ? null : { value: total / 100, currency: (invoice.currency ?? "BRL").slice(0, 10) },
    paymentType: invoice.paymentMethod?.slice(0, 50) ?? null,
    approvedAt: invoice.paidAt ?? null,
    vendorStatus: invoice.status?.slice(0, 100) ?? null,
  };
}

/** The Hubla door: `hubla` connections (webhooks v2.0.0 with `x-hubla-token`). */
export const hublaSource: SourceAdapter = {
  isConnectionType: true,
  configSchema: HublaConfigSchema,
  verify: ({ rawBody, headers, config }) => verifyHubla({ rawBody, headers, config }),
  defaultSource: "hubla",
  decode: (body) => decodeHubla(body),
  facts: (body) => hublaFacts(body),
};
