import { randomBytes } from "node:crypto";
import { z } from "zod";
import { chatwootSource } from "../adapters/chatwoot/webhook.ts";
import { hotmartSource } from "../adapters/hotmart/webhook.ts";
import { hublaSource } from "../adapters/hubla/webhook.ts";
import { kiwifySource } from "../adapters/kiwify/webhook.ts";
import { metaSource } from "../adapters/meta/webhook.ts";
import { slackConnection } from "../adapters/slack/connection.ts";
import { typeformSource } from "../adapters/typeform/webhook.ts";
import type { ConversationFact } from "../conversations/schemas.ts";
import { verifyStandardWebhook } from "../platform/crypto/hmac.ts";
import type { SourceFacts } from "../students/schemas.ts";

export type Verification = { ok: true; idempotencyKey: string } | { ok: false };

/**
 * One door: how a connection of this type is configured, how its deliveries are verified (over the raw
 * bytes, before anything is parsed), and how a stored body becomes lead fields. Adding a source means
 * an adapter under src/adapters/<vendor>/ and one entry here.
 */
export interface SourceAdapter {
  /** Can be created as a connection (the API door cannot). */
  isConnectionType: boolean;
  /** A connection we only send through (Slack): its webhook URL refuses every delivery. */
  isOutboundOnly?: boolean;
  configSchema: z.ZodType<Record<string, unknown>>;
  /** Completes a new connection's config (e.g. generates a secret); `shownOnce` is returned to the caller once. */
  prepareConfig?(config: Record<string, unknown>): {
    config: Record<string, unknown>;
    shownOnce: Record<string, string>;
  };
  verify(input: {
    rawBody: Uint8Array;
    headers: Record<string, string | string[] | undefined>;
    /** The delivery URL's query string (some vendors sign there). */
    query: Record<string, string>;
    config: Record<string, unknown>;
    now: Date;
  }): Verification;
  /**
   * A subscription check sent as GET to the webhook URL (e.g. Meta's hub.challenge): the text to
   * echo, or null to refuse. Sources without one answer 404 to GET.
   */
  handshake?(query: Record<string, string>, config: Record<string, unknown>): string | null;
  /** Default lead source when the payload names none. */
  defaultSource: string;
  /** Lead fields, or null when the delivery names no person (processed with no contact). */
  decode(body: unknown, config: Record<string, unknown>): unknown;
  /** What the event says beyond the person (purchases, enrollments); null when nothing. */
  facts?(body: unknown, config: Record<string, unknown>): SourceFacts | null;
  /** Messages, delivery statuses and label changes the event carries (`receivedAt`: ISO fallback time). */
  conversation?(body: unknown, config: Record<string, unknown>, receivedAt: string): ConversationFact[];
  /**
   * What to do with a message from someone no contact matches: `triage` keeps the sender in the triage
   * inbox until a person accepts (→ lead) or declines; `lead` (the default) creates the lead at once.
   */
  unknownSenders?(config: Record<string, unknown>): "triage" | "lead";
}

const GenericEnvelopeSchema = z.object({
  type: z.string().max(100),
  data: z.record(z.string(), z.unknown()),
});

const generic: SourceAdapter = {
  isConnectionType: true,
  configSchema: z
    .object({
      secret: z
        .string()
        .regex(
          /^whsec_[A-Za-z0-9+/=]{32,}$/,
          "a Standard Webhooks secret: whsec_ followed by base64 (24+ bytes)",
        )
        .optional(),
    })
    .strict(),
  prepareConfig(config) {
    const none: Record<string, string> = {};
    if (typeof config.secret === "string") return { config, shownOnce: none };
    const secret = `whsec_${randomBytes(32).toString("base64")}`;
    return { config: { ...config, secret }, shownOnce: { secret } };
  },
  verify({ rawBody, headers, config, now }) {
    const secret = typeof config.secret === "string" ? config.secret : "";
    const verified = verifyStandardWebhook({ secret, headers, rawBody, now });
    return verified.ok ? { ok: true, idempotencyKey: verified.id } : { ok: false };
  },
  defaultSource: "webhook",
  decode: (body) => GenericEnvelopeSchema.parse(body).data,
};

const api: SourceAdapter = {
  isConnectionType: false,
  configSchema: z.object({}).strict(),
  verify: () => ({ ok: false }),
  defaultSource: "api",
  decode: (body) => body,
};

/** Rows of a CSV/XLSX import, stored as events whose body is the mapped lead fields. */
const importRows: SourceAdapter = { ...api, defaultSource: "import" };

export const SOURCES: Record<string, SourceAdapter> = {
  import: importRows,
  api,
  generic,
  typeform: typeformSource,
  hotmart: hotmartSource,
  kiwify: kiwifySource,
  hubla: hublaSource,
  meta: metaSource,
  chatwoot: chatwootSource,
  slack: slackConnection,
};

export function sourceFor(type: string): SourceAdapter | undefined {
  return Object.hasOwn(SOURCES, type) ? SOURCES[type] : undefined;
}

export function connectionTypes(): string[] {
  return Object.entries(SOURCES)
    .filter(([, adapter]) => adapter.isConnectionType)
    .map(([type]) => type);
}
