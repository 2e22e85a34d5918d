import { get, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import { createLogger } from "../platform/log.ts";
import type { LiveFigures } from "./dashboard-schemas.ts";
import { overviewStreams } from "./stream-overview.ts";

// The live overview over a real socket: a listening server, node's HTTP client reading the
// text/event-stream, then a disconnect, an expired session and a server stop, each cleaned up.

interface Message {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

interface Client {
  response: IncomingMessage;
  messages: Message[];
  /** The first message from `from` on that `match`es (waits for it). */
  next(match: (message: Message) => boolean, from?: number): Promise<Message>;
  ended: Promise<void>;
  close(): void;
}

const STREAM_MS = 100;
let t: TestApp;
let base: string;
const logLines: string[] = [];

function openStream(path: string, headers: Record<string, string> = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const request = get(
      `${base}${path}`,
      { headers: { accept: "text/event-stream", ...headers } },
      (response) => {
        const messages: Message[] = [];
        const waiters = new Set<() => void>();
        let buffer = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          buffer += chunk;
          let cut = buffer.indexOf("\n\n");
          while (cut >= 0) {
            const message: Message = {};
            for (const line of buffer.slice(0, cut).split("\n")) {
              if (line.startsWith(":")) message.comment = line.slice(1).trim();
              const [field, ...rest] = line.split(":");
              const value = rest.join(":").replace(/^ /, "");
              if (field === "id" || field === "event" || field === "data" || field === "retry")
                message[field] = value;
            }
            messages.push(message);
            buffer = buffer.slice(cut + 2);
            cut = buffer.indexOf("\n\n");
          }
          for (const wake of waiters) wake();
        });
        const ended = new Promise<void>((done) => {
          response.once("end", done);
          response.once("close", done);
        });
        resolve({
          response,
          messages,
          ended,
          close: () => request.destroy(),
          next: (match, from = 0) =>
            new Promise((found, fail) => {
              const look = () => {
                const hit = messages.slice(from).find(match);
                if (!hit) return false;
                waiters.delete(look);
                clearTimeout(timer);
                found(hit);
                return true;
              };
              const timer = setTimeout(() => {
                waiters.delete(look);
                fail(new Error(`no such message; got ${JSON.stringify(messages)}`));
              }, 5_000);
              if (!look()) waiters.add(look);
            }),
        });
      },
    );
    request.once("error", reject);
  });
}

async function call(method: string, path: string, options: { token?: string | null; body?: unknown } = {}) {
  const token = options.token === undefined ? t.adminToken : options.token;
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: options.body === undefined ? null : JSON.stringify(options.body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function ticket(token?: string) {
  const issued = await call("POST", "/api/v1/analytics/overview/stream-ticket", {
    token: token ?? t.adminToken,
  });
  expect(issued.status).toBe(201);
  return issued.body as { ticket: string; expiresAt: string };
}

const figures = (message: Message) => JSON.parse(message.data ?? "{}") as LiveFigures;
/** The stream's intervals (every 100 ms here) created and not cleared, watched through the globals. */
const streamIntervals = (() => {
  const live = new Set<unknown>();
  const realSet = globalThis.setInterval;
  const realClear = globalThis.clearInterval;
  vi.spyOn(globalThis, "setInterval").mockImplementation(((handler: () => void, ms?: number) => {
    const handle = realSet(handler, ms);
    if (ms === STREAM_MS) live.add(handle);
    return handle;
  }) as typeof setInterval);
  vi.spyOn(globalThis, "clearInterval").mockImplementation(((handle?: NodeJS.Timeout) => {
    live.delete(handle);
    realClear(handle);
  }) as typeof clearInterval);
  return { live: () => live.size };
})();

async function until(what: string, check: () => boolean) {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString("utf8"));
      done();
    },
  });
  t = await createTestApp(
    { FUNIL_ANALYTICS_STREAM_SECONDS: String(STREAM_MS / 1000) },
    { log: createLogger({ level: "trace" }, sink) },
  );
  await t.app.server.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(t.app.server.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await t.close();
});

describe("GET /api/v1/analytics/overview/stream", () => {
  it("pushes the figures, then changes, keep-alives and refreshes; a disconnect leaves no interval", async () => {
    const { ticket: value, expiresAt } = await ticket();
    expect(Date.parse(expiresAt) - Date.parse(FIXED_NOW)).toBe(60_000);
    const client = await openStream(`/api/v1/analytics/overview/stream?ticket=${encodeURIComponent(value)}`);
    expect(client.response.statusCode).toBe(200);
    expect(client.response.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(client.response.headers["cache-control"]).toBe("no-cache, no-transform");

    expect((await client.next((message) => message.retry !== undefined)).retry).toBe("3000");
    const first = await client.next((message) => message.event === "figures");
    expect(first.id).toBe("1");
    expect(figures(first)).toMatchObject({
      at: FIXED_NOW,
      today: "2026-11-23",
      newLeadsToday: 0,
      backlog: 0,
      failed: 0,
      intake: { lastHour: 0, lastMinute: 0 },
    });
    expect(overviewStreams(t.app.deps).count()).toEqual({ streams: 1, topics: 1 });
    expect(streamIntervals.live()).toBe(1);
    // Nothing changed: the ticks (every 0.1 s here) send keep-alive comments only.
    await client.next((message) => message.comment === "keep-alive");

    // A lead comes in: the next tick pushes the new figures.
    const seen = client.messages.length;
    expect(
      (await call("POST", "/api/v1/leads", { body: { name: "Ana", email: "ana@example.com" } })).status,
    ).toBe(201);
    const changed = await client.next((message) => message.event === "figures", seen);
    expect(figures(changed)).toMatchObject({ newLeadsToday: 1, intake: { lastHour: 1, lastMinute: 1 } });
    expect(changed.id).toBe("2");

    // On demand: the figures go out at once, unchanged or not.
    const asked = client.messages.length;
    expect(await call("POST", "/api/v1/analytics/overview/stream/refresh", { body: {} })).toEqual({
      status: 200,
      body: { streams: 1 },
    });
    const refreshed = await client.next((message) => message.event === "figures", asked);
    expect(figures(refreshed).newLeadsToday).toBe(1);

    client.close();
    await until("the stream to be dropped", () => overviewStreams(t.app.deps).count().streams === 0);
    expect(overviewStreams(t.app.deps).count()).toEqual({ streams: 0, topics: 0 });
    expect(streamIntervals.live()).toBe(0);
    expect(await call("POST", "/api/v1/analytics/overview/stream/refresh", { body: {} })).toEqual({
      status: 200,
      body: { streams: 0 },
    });
  });

  it("opens with a Bearer header too, and one reading serves every stream of a workspace", async () => {
    const a = await openStream("/api/v1/analytics/overview/stream", {
      authorization: `Bearer ${t.adminToken}`,
    });
    const b = await openStream(`/api/v1/analytics/overview/stream?ticket=${(await ticket()).ticket}`);
    const c = await openStream(
      `/api/v1/analytics/overview/stream?source=instagram&ticket=${(await ticket()).ticket}`,
    );
    for (const client of [a, b, c]) {
      expect(client.response.statusCode).toBe(200);
      await client.next((message) => message.event === "figures");
    }
    expect(overviewStreams(t.app.deps).count()).toEqual({ streams: 3, topics: 2 });
    expect(streamIntervals.live()).toBe(2);
    expect(figures(await c.next((message) => message.event === "figures")).newLeadsToday).toBe(0);
    for (const client of [a, b, c]) client.close();
    await until("all streams to be dropped", () => overviewStreams(t.app.deps).count().topics === 0);
    expect(streamIntervals.live()).toBe(0);
  });

  it("refuses no credential, a session token or an expired ticket in the URL, a ticket elsewhere, no Accept", async () => {
    const none = await openStream("/api/v1/analytics/overview/stream");
    expect(none.response.statusCode).toBe(401);
    expect(none.response.headers["content-type"]).toContain("application/problem+json");
    const session = await openStream(`/api/v1/analytics/overview/stream?ticket=${t.adminToken}`);
    expect(session.response.statusCode).toBe(401);

    const { ticket: value } = await ticket();
    // A ticket opens the stream route only.
    expect((await call("GET", `/api/v1/analytics/overview?ticket=${value}`, { token: null })).status).toBe(
      401,
    );
    const plain = await fetch(`${base}/api/v1/analytics/overview/stream?ticket=${value}`);
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("headers.accept");

    t.clock.advance(61_000);
    try {
      const expired = await openStream(`/api/v1/analytics/overview/stream?ticket=${value}`);
      expect(expired.response.statusCode).toBe(401);
    } finally {
      t.clock.set(FIXED_NOW);
    }
    const viewerLess = await call("POST", "/api/v1/analytics/overview/stream-ticket", { token: null });
    expect(viewerLess.status).toBe(401);
    const head = await fetch(`${base}/api/v1/analytics/overview/stream`, {
      method: "HEAD",
      headers: { authorization: `Bearer ${t.adminToken}`, accept: "text/event-stream" },
    });
    expect(head.status).toBe(404);
    expect(overviewStreams(t.app.deps).count().streams).toBe(0);
  });

  it("ends a stream when its session expires", async () => {
    const client = await openStream(`/api/v1/analytics/overview/stream?ticket=${(await ticket()).ticket}`);
    await client.next((message) => message.event === "figures");
    t.clock.advance(12 * 3_600_000 + 1_000);
    try {
      await client.ended;
      await until("the stream to be dropped", () => overviewStreams(t.app.deps).count().streams === 0);
      expect(streamIntervals.live()).toBe(0);
    } finally {
      t.clock.set(FIXED_NOW);
    }
  });

  it("keeps tickets and tokens out of the logs, and streams out of the request metrics", async () => {
    const { ticket: value } = await ticket();
    const client = await openStream(`/api/v1/analytics/overview/stream?ticket=${value}`);
    await client.next((message) => message.event === "figures");
    client.close();
    await until("the stream to be dropped", () => overviewStreams(t.app.deps).count().streams === 0);
    const metrics = await fetch(`${base}/metrics`).then((response) => response.text());
    expect(metrics).toContain('route="/api/v1/analytics/overview/stream-ticket"');
    expect(metrics).not.toContain('route="/api/v1/analytics/overview/stream"');
    expect(logLines.length).toBeGreaterThan(0);
    const logs = logLines.join("");
    expect(logs).not.toContain(value);
    expect(logs).not.toContain(t.adminToken);
  });

  it("ends every open stream when the server stops, and stopping does not wait for them", async () => {
    const clients = [
      await openStream(`/api/v1/analytics/overview/stream?ticket=${(await ticket()).ticket}`),
      await openStream(`/api/v1/analytics/overview/stream?source=typeform&ticket=${(await ticket()).ticket}`),
    ];
    for (const client of clients) await client.next((message) => message.event === "figures");
    const started = Date.now();
    await t.app.server.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    await Promise.all(clients.map((client) => client.ended));
    expect(overviewStreams(t.app.deps).count()).toEqual({ streams: 0, topics: 0 });
    expect(streamIntervals.live()).toBe(0);
  });
});
