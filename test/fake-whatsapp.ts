import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/**
 * A WhatsApp Cloud API on 127.0.0.1 for tests, speaking Meta's wire format (WIRE-FORMATS §1.3):
 * `POST /v21.0/{phone-number-id}/messages` with the Bearer token and a template or text body.
 *
 * - success: 200 `{"messaging_product":"whatsapp","contacts":[{input,wa_id}],"messages":[{id:"wamid.…",
 *   message_status:"accepted"}]}`;
 * - over `ratePerSecond` (a token bucket holding one second's worth): 429 with error 130429 (Meta's
 *   status for it is reported as 400 or 429; 429 here), with a Retry-After header if `retryAfterSeconds`;
 * - a template named in `failTemplates`: 400 with that Meta error code;
 * - free text to a `closedWindowRecipients` number: 400 with 131047 (re-engagement);
 * - a missing or wrong token: 401 with 190;
 * - anything that is not a well-formed send (path, method, token, content type, body) is recorded in
 *   `unexpected` (tests assert it stays empty) and answered 400 (401 for the token).
 */

const TextParameter = z.object({ type: z.literal("text"), text: z.string().min(1).max(32_768) }).strict();
const Parameter = z.union([
  TextParameter,
  z
    .object({
      type: z.literal("currency"),
      currency: z.object({ fallback_value: z.string(), code: z.string(), amount_1000: z.number() }),
    })
    .strict(),
  z.object({ type: z.literal("date_time"), date_time: z.object({ fallback_value: z.string() }) }).strict(),
  z.object({ type: z.literal("payload"), payload: z.string() }).strict(),
  z.object({ type: z.literal("image"), image: z.object({ link: z.string() }) }).strict(),
  z.object({ type: z.literal("document"), document: z.object({ link: z.string() }).loose() }).strict(),
  z.object({ type: z.literal("video"), video: z.object({ link: z.string() }) }).strict(),
]);
const Component = z.union([
  z.object({ type: z.enum(["header", "body"]), parameters: z.array(Parameter) }).strict(),
  z
    .object({
      type: z.literal("button"),
      sub_type: z.enum(["url", "quick_reply", "copy_code"]),
      index: z.string().regex(/^\d$/),
      parameters: z.array(Parameter).length(1),
    })
    .strict(),
]);

const Common = {
  messaging_product: z.literal("whatsapp"),
  recipient_type: z.literal("individual").optional(),
  to: z.string().regex(/^\d{8,15}$/),
  biz_opaque_callback_data: z.string().max(512).optional(),
};

const MessageSchema = z.discriminatedUnion("type", [
  z
    .object({
      ...Common,
      type: z.literal("template"),
      template: z
        .object({
          name: z.string().regex(/^[a-z0-9_]{1,512}$/),
          language: z
            .object({
              code: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/),
              policy: z.literal("deterministic"),
            })
            .strict(),
          components: z.array(Component).optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      ...Common,
      type: z.literal("text"),
      text: z.object({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }).strict(),
    })
    .strict(),
]);

type WireMessage = z.infer<typeof MessageSchema>;

export interface FakeWhatsAppMessage {
  id: string;
  to: string;
  type: "template" | "text";
  /** The template as sent, read back: its body parameters' texts and the URL button's parameter. */
  template?: { name: string; language: string; bodyParameters: string[]; urlButtonParameter?: string };
  text?: string;
  previewUrl?: boolean;
  callbackData?: string;
  /** The JSON body exactly as received. */
  raw: WireMessage;
  at: Date;
}

const ERROR_TEXT: Record<number, string> = {
  4: "(#4) Application request limit reached",
  190: "Invalid OAuth access token - Cannot parse access token",
  80007: "(#80007) Rate limit issues",
  130429: "(#130429) Rate limit hit",
  131026: "(#131026) Message undeliverable",
  131047: "(#131047) Re-engagement message",
  131056: "(#131056) (Business Account, Consumer Account) pair rate limit hit",
  132000: "(#132000) Number of parameters does not match the expected number of params",
  132001: "(#132001) Template name does not exist in the translation",
  132005: "(#132005) Translated text too long",
  132007: "(#132007) Template Format Character Policy Violated",
  132012: "(#132012) Parameter format does not match format in the created template",
  132015: "(#132015) Template is Paused",
  132016: "(#132016) Template is Disabled",
};

function graphError(code: number, details: string) {
  return {
    error: {
      message: ERROR_TEXT[code] ?? `(#${code}) Error`,
      type: "OAuthException",
      code,
      error_data: { messaging_product: "whatsapp", details },
      fbtrace_id: `A${randomBytes(9).toString("base64url")}`,
    },
  };
}

function readTemplate(message: Extract<WireMessage, { type: "template" }>): FakeWhatsAppMessage["template"] {
  const components = message.template.components ?? [];
  const body = components.find((component) => component.type === "body");
  const button = components.find((component) => component.type === "button" && component.sub_type === "url");
  const urlParameter = button?.parameters[0];
  return {
    name: message.template.name,
    language: message.template.language.code,
    bodyParameters: (body?.parameters ?? []).map((parameter) =>
      parameter.type === "text" ? parameter.text : `[${parameter.type}]`,
    ),
    ...(urlParameter?.type === "text" ? { urlButtonParameter: urlParameter.text } : {}),
  };
}

export async function startFakeWhatsApp(
  options: {
    ratePerSecond?: number;
    accessToken?: string;
    phoneNumberId?: string;
    failTemplates?: Record<string, number>;
    closedWindowRecipients?: string[];
    /** Sent as Retry-After (seconds) with every 429. */
    retryAfterSeconds?: number;
  } = {},
) {
  const ratePerSecond = options.ratePerSecond ?? 80;
  const accessToken = options.accessToken ?? "fake-whatsapp-token";
  const phoneNumberId = options.phoneNumberId ?? "106540352242922";
  const closed = new Set(options.closedWindowRecipients ?? []);
  const messages: FakeWhatsAppMessage[] = [];
  const unexpected: string[] = [];
  const state = { rateLimited: 0, connections: 0, failNext: [] as number[] };
  let tokens = ratePerSecond;
  let refilledAt = performance.now();
  let sequence = 0;

  const takeToken = (): boolean => {
    const now = performance.now();
    tokens = Math.min(ratePerSecond, tokens + ((now - refilledAt) / 1000) * ratePerSecond);
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  const answer = (response: ServerResponse, status: number, body: unknown, headers = {}) => {
    response.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
    response.end(JSON.stringify(body));
  };

  const handle = (request: IncomingMessage, response: ServerResponse, raw: Buffer) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const refuse = (reason: string, status = 400, code = 100) => {
      unexpected.push(`${request.method} ${path}: ${reason}`);
      answer(response, status, graphError(code, reason));
    };
    if (request.method !== "POST" || path !== `/v21.0/${phoneNumberId}/messages`) {
      return refuse("unknown path or method");
    }
    if (request.headers.authorization !== `Bearer ${accessToken}`) {
      return refuse("missing or wrong access token", 401, 190);
    }
    if (!/^application\/json\b/.test(request.headers["content-type"] ?? "")) {
      return refuse("content type is not application/json");
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      return refuse("body is not JSON");
    }
    const parsed = MessageSchema.safeParse(json);
    if (!parsed.success) {
      return refuse(
        `invalid message: ${parsed.error.issues.map((issue) => issue.path.join(".")).join(", ")}`,
      );
    }
    const message = parsed.data;
    const forced = state.failNext.shift();
    if (forced !== undefined) {
      return answer(response, forced, graphError(2, "Service temporarily unavailable"));
    }
    if (!takeToken()) {
      state.rateLimited++;
      return answer(
        response,
        429,
        graphError(130429, "Cloud API message throughput has been reached."),
        options.retryAfterSeconds !== undefined ? { "retry-after": String(options.retryAfterSeconds) } : {},
      );
    }
    if (message.type === "template") {
      const code = options.failTemplates?.[message.template.name];
      if (code !== undefined) return answer(response, 400, graphError(code, "Template refused"));
    }
    if (message.type === "text" && closed.has(message.to)) {
      return answer(
        response,
        400,
        graphError(
          131047,
          "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
        ),
      );
    }
    sequence++;
    const id = `wamid.${Buffer.from(`fake-${phoneNumberId}-${sequence}-${randomBytes(6).toString("hex")}`).toString("base64")}`;
    const template = message.type === "template" ? readTemplate(message) : undefined;
    messages.push({
      id,
      to: message.to,
      type: message.type,
      ...(template ? { template } : {}),
      ...(message.type === "text"
        ? { text: message.text.body, previewUrl: message.text.preview_url ?? false }
        : {}),
      ...(message.biz_opaque_callback_data !== undefined
        ? { callbackData: message.biz_opaque_callback_data }
        : {}),
      raw: message,
      at: new Date(),
    });
    return answer(response, 200, {
      messaging_product: "whatsapp",
      contacts: [{ input: message.to, wa_id: message.to }],
      messages: [{ id, message_status: "accepted" }],
    });
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handle(request, response, Buffer.concat(chunks)));
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", () => {
    state.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v21.0`,
    accessToken,
    phoneNumberId,
    messages,
    unexpected,
    /** Well-formed sends answered 429 (130429) by the token bucket. */
    get rateLimited() {
      return state.rateLimited;
    },
    /** TCP connections accepted so far (keep-alive keeps this far below the number of sends). */
    get connections() {
      return state.connections;
    },
    /** The next well-formed sends get these HTTP statuses (with Meta's code 2, service unavailable). */
    failNext(...statuses: number[]) {
      state.failNext.push(...statuses);
    },
    /** Empties the records and refills the bucket. */
    reset() {
      messages.length = 0;
      unexpected.length = 0;
      state.rateLimited = 0;
      state.failNext = [];
      tokens = ratePerSecond;
      refilledAt = performance.now();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type FakeWhatsApp = Awaited<ReturnType<typeof startFakeWhatsApp>>;
