import { Agent } from "undici";
import { z } from "zod";
import { parseRetryAfter } from "../../platform/http/retry-after.ts";

/**
 * WhatsApp Cloud API sends (WIRE-FORMATS §1.3): `POST {graphUrl}/{phone-number-id}/messages` with a
 * template or a free-text message. Vendor format only: no database, no queue, no logging. A send either
 * returns Meta's message id (wamid; "accepted" is not "delivered", that comes through status webhooks)
 * or throws a WhatsAppError saying whether trying again may help.
 */

export type WhatsAppErrorKind =
  | "rate_limited"
  | "window_closed"
  | "template"
  | "auth"
  | "recipient"
  | "transient"
  | "other";

/** A failed send. The message never carries Meta's text (it can echo the phone number) or the recipient. */
export class WhatsAppError extends Error {
  constructor(
    readonly kind: WhatsAppErrorKind,
    /** Meta's error code as a string ("130429"), else `http_<status>`, `timeout`, `network`, … */
    readonly code: string,
    /** Throttling, 5xx, timeouts and network failures may succeed later; everything else will not. */
    readonly isRetryable: boolean,
    /** From a Retry-After header, when Meta (or a proxy) sent one. */
    readonly retryAfterSeconds: number | null,
    /** The HTTP status; 0 when no answer came. */
    readonly status: number,
    /**
     * True when the request may have reached Meta although no usable answer came back (a timeout after
     * sending, a connection cut mid-answer, an unreadable 2xx): the send ledger should hold it as
     * unknown and reconcile from status webhooks rather than blindly send again.
     */
    readonly outcomeUnknown = false,
  ) {
    super(`whatsapp ${kind} (${status > 0 ? `http ${status}, ` : ""}code ${code})`);
    this.name = "WhatsAppError";
  }
}

const SuccessSchema = z.object({
  messages: z.array(z.object({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});

const ErrorBodySchema = z.object({
  error: z.object({
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    type: z.string().optional(),
  }),
});

/** Throughput limits: try again later (WIRE-FORMATS §1.3 rate-limit table). */
const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131056]);
/** Meta's own passing trouble: 1 unknown, 2 service down, 131000 something went wrong, 131016 service
 * unavailable, 131057 throughput-upgrade maintenance, 133004 server temporarily unavailable. */
const TRANSIENT_CODES = new Set([1, 2, 131000, 131016, 131057, 133004]);
/** Template missing, paused, disabled, or its parameters not matching what was approved. */
const TEMPLATE_CODES = new Set([132000, 132001, 132005, 132007, 132012, 132015, 132016]);
/** Undeliverable to this person: not a WhatsApp user (131026), is the sender (131021), not on the test
 * list (131030), stopped marketing messages (131050). */
const RECIPIENT_CODES = new Set([131021, 131026, 131030, 131050]);
/** Token expired or invalid (190), permission missing (10, 200–299). */
const AUTH_CODES = new Set([0, 10, 190]);

function classify(status: number, code: number | undefined): { kind: WhatsAppErrorKind; retryable: boolean } {
  if (code !== undefined) {
    if (RATE_LIMIT_CODES.has(code)) return { kind: "rate_limited", retryable: true };
    if (TRANSIENT_CODES.has(code)) return { kind: "transient", retryable: true };
    // Re-engagement: more than 24 h since the customer last wrote; only a template can go now.
    if (code === 131047) return { kind: "window_closed", retryable: false };
    if (TEMPLATE_CODES.has(code)) return { kind: "template", retryable: false };
    if (RECIPIENT_CODES.has(code)) return { kind: "recipient", retryable: false };
    if (AUTH_CODES.has(code) || (code >= 200 && code <= 299)) return { kind: "auth", retryable: false };
  }
  if (status === 429) return { kind: "rate_limited", retryable: true };
  if (status === 401) return { kind: "auth", retryable: false };
  if (status >= 500) return { kind: "transient", retryable: true };
  return { kind: "other", retryable: false };
}

let dispatcher: Agent | null = null;

/**
 * One keep-alive connection pool for every send (per origin, so the Graph host and a local fake each
 * get theirs): at 80 msg/s a new TLS handshake per message would cost more than the message.
 */
function sharedDispatcher(): Agent {
  dispatcher ??= new Agent({
    connections: 64,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connect: { timeout: 10_000 },
  });
  return dispatcher;
}

/** Closes the pooled connections (shutdown, tests). The next send opens a new pool. */
export async function closeWhatsAppConnections(): Promise<void> {
  const closing = dispatcher;
  dispatcher = null;
  await closing?.close();
}

/** Connection errors that mean the request never left: safe to send again without doubt. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

function causeCode(error: unknown): string | undefined {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === "string" ? cause.code : undefined;
}

interface Connection {
  graphUrl: string;
  phoneNumberId: string;
  accessToken: string;
  /** E.164 digits without "+". */
  to: string;
  /** `biz_opaque_callback_data`: comes back in the status webhooks (at most 512 characters). */
  callbackData?: string;
  /** Whole request, answer included. 10 s by default. */
  timeoutMs?: number;
}

export interface WhatsAppTemplate {
  name: string;
  /** Meta's locale code of the approved translation, e.g. `pt_BR`. */
  language: string;
  /** `{{1}}`, `{{2}}`, … in order: their number must match the approved template. */
  bodyParameters: string[];
  /** The dynamic suffix of the template's first button when it is a URL button. */
  urlButtonParameter?: string;
}

export type SendTemplateInput = Connection & { template: WhatsAppTemplate };
export type SendTextInput = Connection & { text: string; previewUrl?: boolean };

/** The JSON body of a template send, exactly as WIRE-FORMATS §1.3 shows it. */
export function templateMessageBody(input: SendTemplateInput): Record<string, unknown> {
  const components: Record<string, unknown>[] = [
    {
      type: "body",
      parameters: input.template.bodyParameters.map((text) => ({ type: "text", text })),
    },
  ];
  if (input.template.urlButtonParameter !== undefined) {
    components.push({
      type: "button",
      sub_type: "url",
      index: "0",
      parameters: [{ type: "text", text: input.template.urlButtonParameter }],
    });
  }
  return {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: input.to,
    type: "template",
    template: {
      name: input.template.name,
      language: { code: input.template.language, policy: "deterministic" },
      components,
    },
    ...(input.callbackData !== undefined ? { biz_opaque_callback_data: input.callbackData } : {}),
  };
}

/** The JSON body of a free-text send (only inside the 24 h customer-service window). */
export function textMessageBody(input: SendTextInput): Record<string, unknown> {
  return {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: input.to,
    type: "text",
    text: { preview_url: input.previewUrl ?? false, body: input.text },
    ...(input.callbackData !== undefined ? { biz_opaque_callback_data: input.callbackData } : {}),
  };
}

function checkInput(input: Connection): void {
  if (!/^\d{8,15}$/.test(input.to)) {
    throw new WhatsAppError("recipient", "invalid_recipient", false, null, 0);
  }
  if (input.callbackData !== undefined && input.callbackData.length > 512) {
    throw new WhatsAppError("other", "callback_data_too_long", false, null, 0);
  }
}

async function post(
  input: Connection,
  body: Record<string, unknown>,
): Promise<{ providerMessageId: string }> {
  checkInput(input);
  const url = `${input.graphUrl.replace(/\/+$/, "")}/${encodeURIComponent(input.phoneNumberId)}/messages`;
  const signal = AbortSignal.timeout(input.timeoutMs ?? 10_000);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${input.accessToken}`,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify(body),
      signal,
      // undici's option on Node's fetch (not in the DOM RequestInit type).
      dispatcher: sharedDispatcher(),
    } as RequestInit);
  } catch (error) {
    if (signal.aborted) throw new WhatsAppError("transient", "timeout", true, null, 0, true);
    const code = causeCode(error);
    const sent = code === undefined || !NOT_SENT_CODES.has(code);
    throw new WhatsAppError("transient", "network", true, null, 0, sent);
  }
  try {
    text = await response.text();
  } catch {
    // The answer was cut: Meta may have taken the message.
    const ok = response.ok;
    throw new WhatsAppError(
      "transient",
      signal.aborted ? "timeout" : "network",
      true,
      null,
      response.status,
      ok,
    );
  }
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
  const failure = ErrorBodySchema.safeParse(json);
  if (!response.ok || failure.success) {
    const code = failure.success ? failure.data.error.code : undefined;
    const { kind, retryable } = classify(response.status, code);
    throw new WhatsAppError(
      kind,
      code !== undefined ? String(code) : `http_${response.status}`,
      retryable,
      retryAfter,
      response.status,
    );
  }
  const first = SuccessSchema.safeParse(json).data?.messages[0];
  if (!first) throw new WhatsAppError("other", "invalid_response", false, null, response.status, true);
  return { providerMessageId: first.id };
}

/** Sends an approved template (allowed outside the 24 h window, still only with opt-in). */
export function sendWhatsAppTemplate(input: SendTemplateInput): Promise<{ providerMessageId: string }> {
  return post(input, templateMessageBody(input));
}

/** Sends free text; Meta refuses it (131047, window_closed) outside the 24 h customer-service window. */
export function sendWhatsAppText(input: SendTextInput): Promise<{ providerMessageId: string }> {
  return post(input, textMessageBody(input));
}
