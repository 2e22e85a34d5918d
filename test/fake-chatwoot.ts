import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/**
 * Chatwoot's conversation labels API on 127.0.0.1 for tests (WIRE-FORMATS §1.6):
 * `GET|POST /api/v1/accounts/{account_id}/conversations/{display_id}/labels` with the
 * `api_access_token` header. GET answers `{"payload":[…]}`; POST `{"labels":[…]}` *replaces* the list
 * (as Chatwoot does) and answers the new one. An unknown conversation is 404
 * `{"error":"Resource could not be found"}`; a wrong token 401 `{"error":"Invalid Access Token"}`.
 * Anything not one of those two calls with the right token and a valid body is recorded in
 * `unexpected` (tests assert it stays empty) and answered 400 (401 for the token).
 */

const PostBody = z.object({ labels: z.array(z.string().min(1).max(255)) }).strict();

export async function startFakeChatwoot(options: {
  apiToken: string;
  accountId: string | number;
  conversations: Record<number, string[]>;
}) {
  const conversations = new Map<number, string[]>(
    Object.entries(options.conversations).map(([id, labels]) => [Number(id), [...labels]]),
  );
  const requests: Array<{ method: string; path: string }> = [];
  const unexpected: string[] = [];
  const failNext: Array<{ status: number; headers?: Record<string, string>; method?: "GET" | "POST" }> = [];
  const account = String(options.accountId).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const route = new RegExp(`^/api/v1/accounts/${account}/conversations/(\\d+)/labels$`);

  const json = (response: ServerResponse, status: number, body: unknown, headers = {}) => {
    response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    response.end(JSON.stringify(body));
  };

  const handle = (request: IncomingMessage, response: ServerResponse, raw: Buffer) => {
    const method = request.method ?? "";
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    requests.push({ method, path });
    const refuse = (reason: string, status = 400, body: unknown = { error: reason }) => {
      unexpected.push(`${method} ${path}: ${reason}`);
      json(response, status, body);
    };
    const match = route.exec(path);
    if (!match || (method !== "GET" && method !== "POST")) return refuse("unknown path or method", 404);
    if (request.headers.api_access_token !== options.apiToken) {
      return refuse("missing or wrong api_access_token", 401, { error: "Invalid Access Token" });
    }
    let labels: string[] | null = null;
    if (method === "POST") {
      if (!/^application\/json\b/.test(request.headers["content-type"] ?? "")) {
        return refuse("content type is not application/json");
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return refuse("body is not JSON");
      }
      const parsed = PostBody.safeParse(body);
      if (!parsed.success) return refuse("body is not {labels: string[]}");
      labels = parsed.data.labels;
    }
    const at = failNext.findIndex((answer) => answer.method === undefined || answer.method === method);
    const forced = at >= 0 ? failNext.splice(at, 1)[0] : undefined;
    if (forced) return json(response, forced.status, { error: "forced failure" }, forced.headers);
    const id = Number(match[1]);
    const current = conversations.get(id);
    if (!current) return json(response, 404, { error: "Resource could not be found" });
    if (labels) conversations.set(id, [...new Set(labels)]);
    return json(response, 200, { payload: conversations.get(id) ?? [] });
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handle(request, response, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    /** `127.0.0.1:PORT`, for the guarded fetch's allowHosts. */
    host: `127.0.0.1:${port}`,
    /** The conversation's labels now ([] when it does not exist). */
    labels: (conversationId: number): string[] => [...(conversations.get(conversationId) ?? [])],
    requests,
    unexpected,
    /**
     * The next well-formed calls (of `method`, when given) get these statuses (429 with a Retry-After
     * header, 503, …) and change nothing.
     */
    failNext(
      ...answers: Array<{ status: number; headers?: Record<string, string>; method?: "GET" | "POST" }>
    ) {
      failNext.push(...answers);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type FakeChatwoot = Awaited<ReturnType<typeof startFakeChatwoot>>;
