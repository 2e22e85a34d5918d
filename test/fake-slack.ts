import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/**
 * A Slack incoming webhook on 127.0.0.1 for tests (WIRE-FORMATS §1.7): `POST /services/T000/B000/XXXX`
 * with a JSON `{text, blocks?}` body, answered `200 ok` in plain text, as Slack does.
 *
 * - `failWith`: every well-formed post gets that status and body (`404 channel_not_found`, …);
 * - `rateLimitAfter`: posts beyond that many get `429` with `Retry-After` (`retryAfterSeconds`, 1 by
 *   default) and body `rate_limited`;
 * - anything else (path, method, content type, body) is recorded in `unexpected` (tests assert it stays
 *   empty) and answered `400 invalid_payload` (`404 no_service` for another path).
 */

export const FAKE_SLACK_PATH = "/services/T000/B000/XXXX";

const PayloadSchema = z
  .object({
    text: z.string().min(1).max(40_000).optional(),
    blocks: z.array(z.record(z.string(), z.unknown())).max(50).optional(),
    attachments: z.array(z.unknown()).optional(),
  })
  .refine((payload) => payload.text !== undefined || payload.blocks !== undefined);

export interface FakeSlackMessage {
  text: string;
  blocks?: Array<Record<string, unknown>>;
}

export async function startFakeSlack(
  options: {
    failWith?: { status: number; body: string };
    rateLimitAfter?: number;
    retryAfterSeconds?: number;
  } = {},
) {
  const messages: FakeSlackMessage[] = [];
  const unexpected: string[] = [];
  const state = { posts: 0, rateLimited: 0 };

  const answer = (response: ServerResponse, status: number, body: string, headers = {}) => {
    response.writeHead(status, { "content-type": "text/html", ...headers });
    response.end(body);
  };

  const handle = (request: IncomingMessage, response: ServerResponse, raw: Buffer) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const refuse = (reason: string, status = 400, body = "invalid_payload") => {
      unexpected.push(`${request.method} ${path}: ${reason}`);
      answer(response, status, body);
    };
    if (path !== FAKE_SLACK_PATH) return refuse("unknown path", 404, "no_service");
    if (request.method !== "POST") return refuse("not a POST", 405, "invalid_request");
    if (!/^application\/json\b/.test(request.headers["content-type"] ?? "")) {
      return refuse("content type is not application/json");
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      return refuse("body is not JSON");
    }
    const parsed = PayloadSchema.safeParse(json);
    if (!parsed.success) return refuse("body is not {text, blocks?}");
    state.posts++;
    if (options.rateLimitAfter !== undefined && state.posts > options.rateLimitAfter) {
      state.rateLimited++;
      return answer(response, 429, "rate_limited", { "retry-after": String(options.retryAfterSeconds ?? 1) });
    }
    if (options.failWith) return answer(response, options.failWith.status, options.failWith.body);
    messages.push({
      text: parsed.data.text ?? "",
      ...(parsed.data.blocks ? { blocks: parsed.data.blocks } : {}),
    });
    return answer(response, 200, "ok");
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handle(request, response, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    /** The full webhook URL (`http://127.0.0.1:PORT/services/T000/B000/XXXX`). */
    url: `http://127.0.0.1:${port}${FAKE_SLACK_PATH}`,
    /** `127.0.0.1:PORT`, for the guarded fetch's allowHosts. */
    host: `127.0.0.1:${port}`,
    messages,
    unexpected,
    /** Well-formed posts answered 429. */
    get rateLimited() {
      return state.rateLimited;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;
