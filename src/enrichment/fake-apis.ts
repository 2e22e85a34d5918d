import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Local stand-ins for the Graph API and the YouTube Data API (tests and the bench): node:http on
 * 127.0.0.1 and a random port, speaking the vendors' formats. Every answer must be expected: any
 * other request is recorded as unexpected (and answered 599), and `verify()` throws.
 */

export interface FakeAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (timeouts, latency). */
  delayMs?: number;
}

interface Expectation {
  key: string;
  answer: FakeAnswer;
  remaining: number;
}

export interface FakeRequest {
  key: string;
  url: string;
  at: number;
}

export interface FakeApi {
  url: string;
  requests: FakeRequest[];
  unexpected: string[];
  /** Answers the next `times` requests for `key` with `answer` (in the order expected). */
  expect(key: string, answer: FakeAnswer, times?: number): void;
  /** Answers every request no expectation matched (instead of failing it). */
  fallback(handler: ((key: string) => FakeAnswer | Promise<FakeAnswer>) | null): void;
  /** Requests made for `key`. */
  count(key: string): number;
  /** Throws when a request was unexpected or an expected one never came. */
  verify(): void;
  reset(): void;
  close(): Promise<void>;
}

async function startFake(keyOf: (url: URL) => string | null): Promise<FakeApi> {
  let expectations: Expectation[] = [];
  let fallbackHandler: ((key: string) => FakeAnswer | Promise<FakeAnswer>) | null = null;
  const requests: FakeRequest[] = [];
  const unexpected: string[] = [];

  const answer = async (response: ServerResponse, reply: FakeAnswer) => {
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (response.destroyed) return;
    response.writeHead(reply.status ?? 200, { "content-type": "application/json", ...(reply.headers ?? {}) });
    response.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const key = request.method === "GET" ? keyOf(url) : null;
    if (key === null) {
      unexpected.push(`${request.method} ${url.pathname}`);
      void answer(response, { status: 599, body: { error: "unexpected request" } });
      return;
    }
    requests.push({ key, url: url.toString(), at: performance.now() });
    const found = expectations.find((expectation) => expectation.key === key && expectation.remaining > 0);
    if (found) {
      found.remaining -= 1;
      void answer(response, found.answer);
      return;
    }
    if (fallbackHandler) {
      const handler = fallbackHandler;
      void Promise.resolve(handler(key)).then((reply) => answer(response, reply));
      return;
    }
    unexpected.push(key);
    void answer(response, { status: 599, body: { error: "unexpected request" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unexpected,
    expect(key, reply, times = 1) {
      expectations.push({ key, answer: reply, remaining: times });
    },
    fallback(handler) {
      fallbackHandler = handler;
    },
    count: (key) => requests.filter((request) => request.key === key).length,
    verify() {
      const left = expectations.filter((expectation) => expectation.remaining > 0);
      if (unexpected.length > 0 || left.length > 0) {
        throw new Error(
          `fake API: unexpected [${unexpected.join(", ")}], never requested [${left.map((e) => e.key).join(", ")}]`,
        );
      }
    },
    reset() {
      expectations = [];
      requests.length = 0;
      unexpected.length = 0;
      fallbackHandler = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The Graph API: `GET /{igUserId}?fields=business_discovery.username(U){…media[.after(C)].limit(N){…}}`
 * with the right token. Keys are `U` for the first page and `U@C` for the page after cursor C.
 */
export function startFakeGraphApi(options: { igUserId: string; accessToken: string }): Promise<FakeApi> {
  return startFake((url) => {
    if (url.pathname !== `/${options.igUserId}`) return null;
    if (url.searchParams.get("access_token") !== options.accessToken) return null;
    const fields = url.searchParams.get("fields") ?? "";
    const username = /^business_discovery\.username\(([^)]+)\)\{/.exec(fields)?.[1];
    if (!username || !/media(?:\.after\([^)]+\))?\.limit\(\d+\)\{/.test(fields)) return null;
    const after = /media\.after\(([^)]+)\)/.exec(fields)?.[1];
    return after ? `${username}@${after}` : username;
  });
}

/** The YouTube Data API: `GET /channels?part=snippet,statistics&forHandle=@h|id=…&key=K`; key `@h` or the id. */
export function startFakeYouTubeApi(options: { apiKey: string }): Promise<FakeApi> {
  return startFake((url) => {
    if (url.pathname !== "/channels" || url.searchParams.get("key") !== options.apiKey) return null;
    if (url.searchParams.get("part") !== "snippet,statistics") return null;
    return url.searchParams.get("forHandle") ?? url.searchParams.get("id");
  });
}

/** A Graph error body, as Meta sends it. */
export function graphError(code: number, message: string, subcode?: number, type = "OAuthException") {
  return {
    error: {
      message,
      type,
      code,
      ...(subcode !== undefined ? { error_subcode: subcode } : {}),
      fbtrace_id: "AbCdEfGhIjK",
    },
  };
}

/** A business_discovery answer for a made-up profile with `media` (newest first). */
export function discoveryBody(input: {
  username: string;
  followers: number;
  mediaCount?: number;
  biography?: string;
  website?: string;
  media: {
    id: string;
    likes?: number;
    comments?: number;
    timestamp: string;
    type?: string;
    productType?: string;
    permalink?: string;
  }[];
  after?: string;
}) {
  return {
    business_discovery: {
      id: "17841400000000001",
      username: input.username,
      name: input.username,
      ...(input.biography !== undefined ? { biography: input.biography } : {}),
      ...(input.website !== undefined ? { website: input.website } : {}),
      followers_count: input.followers,
      follows_count: 100,
      media_count: input.mediaCount ?? input.media.length,
      media: {
        data: input.media.map((media) => ({
          id: media.id,
          ...(media.likes !== undefined ? { like_count: media.likes } : {}),
          ...(media.comments !== undefined ? { comments_count: media.comments } : {}),
          timestamp: media.timestamp,
          media_type: media.type ?? "IMAGE",
          ...(media.productType ? { media_product_type: media.productType } : {}),
          permalink: media.permalink ?? `https://www.instagram.com/p/${media.id}/`,
        })),
        ...(input.after ? { paging: { cursors: { after: input.after } } } : {}),
      },
    },
    id: "17841455500011122",
  };
}
