import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signStandardWebhook } from "../../test/sign-webhook.ts";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import type { EventView } from "./list-events.ts";
import { recoverEvents } from "./recover-events.ts";
import { SOURCES, type SourceAdapter } from "./sources.ts";

let t: TestApp;
let connection: { id: string; webhookUrl: string; secret: string };

beforeAll(async () => {
  t = await createTestApp();
  const response = await t.request("POST", "/api/v1/connections", {
    body: { type: "generic", name: "Signup" },
  });
  expect(response.statusCode).toBe(201);
  connection = response.json() as typeof connection;
});
afterAll(async () => {
  await t.close();
});

function deliver(body: string, options: { id?: string; at?: Date; secret?: string } = {}) {
  const headers = signStandardWebhook(
    options.secret ?? connection.secret,
    body,
    options.at ?? t.clock.now(),
    options.id,
  );
  return t.request("POST", connection.webhookUrl, { token: null, rawBody: body, headers });
}

async function events(query = "") {
  return ((await t.request("GET", `/api/v1/events?${query}`)).json() as { items: EventView[] }).items;
}

describe("connections", () => {
  it("refuse an unknown type or a bad config, naming the field", async () => {
    const unknown = await t.request("POST", "/api/v1/connections", { body: { type: "myspace", name: "x" } });
    expect(unknown.statusCode).toBe(400);
    expect((unknown.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("body.type");
    const bad = await t.request("POST", "/api/v1/connections", {
      body: { type: "generic", name: "x", config: { secret: "short" } },
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("body.config.secret");
  });

  it("answer GET on a webhook URL only for sources with a handshake", async () => {
    const response = await t.request("GET", `${connection.webhookUrl}?hub.challenge=1`, { token: null });
    expect(response.statusCode).toBe(404);
  });

  it("keep a given secret and do not echo it", async () => {
    const secret = `whsec_${Buffer.from("a-given-secret-of-at-least-24-bytes").toString("base64")}`;
    const response = await t.request("POST", "/api/v1/connections", {
      body: { type: "generic", name: "y", config: { secret } },
    });
    expect(response.statusCode).toBe(201);
    expect(response.body).not.toContain(secret);
    const stored = await t.app.deps.db
      .selectFrom("connections")
      .select("config")
      .where("id", "=", (response.json() as { id: string }).id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.config)).not.toContain(secret.slice(6, 20));
    expect(stored.config).toEqual({ sealed: expect.stringMatching(/^v1:/) });
  });
});

describe("generic (Standard Webhooks) deliveries", () => {
  it("stores the raw delivery before answering 202, then processes it into a scored contact", async () => {
    const body = JSON.stringify({
      type: "signup",
      data: { name: "Nova Pessoa", email: "nova@example.com", source: "signup" },
    });
    const response = await deliver(body, { id: "msg_first" });
    expect(response.statusCode).toBe(202);
    const { eventId } = response.json() as { eventId: string };

    const stored = await t.app.deps.db
      .selectFrom("inbox_events")
      .selectAll()
      .where("id", "=", eventId)
      .executeTakeFirstOrThrow();
    expect(Buffer.from(stored.body).toString()).toBe(body);
    expect(stored.status).toBe("received");
    expect(stored.headers["webhook-id"]).toBe("msg_first");
    expect(stored.headers).not.toHaveProperty("webhook-signature");

    await t.drain();
    const [event] = await events(`connectionId=${connection.id}`);
    expect(event).toMatchObject({ id: eventId, status: "processed", attempts: 1, source: "generic" });
    const lead = (await t.request("GET", `/api/v1/leads/${event?.contactId}`)).json() as {
      sources: string[];
    };
    expect(lead.sources).toEqual(["signup"]);
  });

  it("answers a repeated delivery id with 200 and does not process it twice", async () => {
    const body = JSON.stringify({ type: "signup", data: { name: "Repetida", email: "rep@example.com" } });
    expect((await deliver(body, { id: "msg_rep" })).statusCode).toBe(202);
    expect((await deliver(body, { id: "msg_rep" })).statusCode).toBe(200);
    await t.drain();
    const touches = await t.app.deps.db
      .selectFrom("contact_touches")
      .innerJoin("contacts", "contacts.id", "contact_touches.contact_id")
      .select("contact_touches.id")
      .where("contacts.email", "=", "rep@example.com")
      .execute();
    expect(touches).toHaveLength(1);
  });

  it("refuses a bad or stale signature with 401 and stores nothing", async () => {
    const before = (await events()).length;
    const body = JSON.stringify({ type: "signup", data: { name: "X", email: "x@example.com" } });
    const wrongSecret = `whsec_${Buffer.from("some-other-secret-of-32-bytes!!!").toString("base64")}`;
    expect((await deliver(body, { secret: wrongSecret })).statusCode).toBe(401);
    expect((await deliver(body, { at: new Date(t.clock.now().getTime() - 6 * 60_000) })).statusCode).toBe(
      401,
    );
    const unsigned = await t.request("POST", connection.webhookUrl, { token: null, rawBody: body });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.headers["content-type"]).toContain("application/problem+json");
    expect((await events()).length).toBe(before);
    expect(
      (await t.request("POST", "/hooks/unknown-token-123", { token: null, rawBody: body })).statusCode,
    ).toBe(404);
    // Counted on the connection (its page shows a sender with the wrong secret), when, and nothing else.
    const listed = (await t.request("GET", "/api/v1/connections")).json() as {
      items: { id: string; counts: { rejected: number }; lastRejectedAt: string | null }[];
    };
    const mine = listed.items.find((item) => item.id === connection.id);
    expect(mine?.counts.rejected).toBe(3);
    expect(mine?.lastRejectedAt).toBe(t.clock.now().toISOString());
  });

  it("keeps a delivery it cannot process: stored, failed with a reason, listed, replayable", async () => {
    const bodies = [
      "not json at all \u0000\u00ff",
      JSON.stringify({ type: "signup", data: { city: "Recife" } }),
      JSON.stringify({ nothing: "here" }),
    ];
    for (const [index, body] of bodies.entries()) {
      expect((await deliver(body, { id: `msg_bad_${index}` })).statusCode).toBe(202);
    }
    await t.drain();
    const failed = await events("status=failed");
    expect(failed).toHaveLength(3);
    const byError = (text: string) => failed.find((event) => event.error?.includes(text));
    expect(byError("does not match the expected shape")).toBeDefined();
    expect(byError("cannot identify a person")).toBeDefined();
    const notJson = byError("the body is not valid JSON");
    for (const event of failed) expect(event.error).not.toContain("Recife");

    const detail = (await t.request("GET", `/api/v1/events/${notJson?.id}`)).json() as { bodyBase64: string };
    expect(Buffer.from(detail.bodyBase64, "base64").toString("latin1")).toContain("not json at all");

    const replayed = await t.request("POST", `/api/v1/events/${byError("cannot identify")?.id}/replay`);
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json()).toMatchObject({ status: "failed", attempts: 2, outcome: "failed" });
  });

  it("retries a transient failure, and a replay after the fix processes the event", async () => {
    const spy = vi.spyOn(SOURCES.generic as SourceAdapter, "decode").mockImplementation(() => {
      throw new Error("connection reset by peer");
    });
    const body = JSON.stringify({
      type: "signup",
      data: { name: "Transitória", email: "trans@example.com" },
    });
    const { eventId } = (await deliver(body, { id: "msg_transient" })).json() as { eventId: string };
    await t.drain();
    spy.mockRestore();
    const failed = (await t.request("GET", `/api/v1/events/${eventId}`)).json() as EventView;
    expect(failed).toMatchObject({ status: "failed", error: "connection reset by peer" });

    const replayed = await t.request("POST", `/api/v1/events/${eventId}/replay`);
    expect(replayed.json()).toMatchObject({
      status: "processed",
      outcome: "processed",
      contactId: expect.any(String),
    });
  });

  it("replaying a processed event is harmless: same person, no second touch", async () => {
    const [event] = await events(`connectionId=${connection.id}&status=processed`);
    const before = (await t.request("GET", `/api/v1/leads/${event?.contactId}`)).json() as {
      touches: unknown[];
    };
    await t.request("POST", `/api/v1/events/${event?.id}/replay`);
    const after = (await t.request("GET", `/api/v1/leads/${event?.contactId}`)).json() as {
      touches: unknown[];
    };
    expect(after.touches).toHaveLength(before.touches.length);
  });

  it("re-enqueues an acknowledged event whose job was lost (a worker killed mid-fetch)", async () => {
    const body = JSON.stringify({ type: "signup", data: { name: "Perdida", email: "perdida@example.com" } });
    const { eventId } = (await deliver(body, { id: "msg_lost" })).json() as { eventId: string };
    // The job vanishes: relayed to pg-boss, then "fetched" by a process that died.
    await t.app.deps.queue.relay();
    await t.app.deps.database.executeSql("delete from pgboss.job where data->>'eventId' = $1", [eventId]);
    expect(await t.drain()).toBe(0);
    expect(await recoverEvents(t.app.deps, { olderThanSeconds: 0 })).toBe(1);
    expect(await recoverEvents(t.app.deps, { olderThanSeconds: 0 })).toBe(0);
    await t.drain();
    const event = (await t.request("GET", `/api/v1/events/${eventId}`)).json() as EventView;
    expect(event.status).toBe("processed");
  });

  it("lists connections with their last delivery, counts by status and a silence flag", async () => {
    const watched = (
      await t.request("POST", "/api/v1/connections", {
        body: { type: "generic", name: "Vigiada", silentAfterHours: 2 },
      })
    ).json() as { id: string };
    type Listed = {
      items: {
        id: string;
        lastReceivedAt: string | null;
        counts: Record<string, number>;
        isSilent: boolean;
      }[];
    };
    const list = async () => ((await t.request("GET", "/api/v1/connections")).json() as Listed).items;
    const mine = (await list()).find((item) => item.id === connection.id);
    expect(mine?.counts.processed).toBeGreaterThan(0);
    expect(mine?.counts.failed).toBeGreaterThan(0);
    expect(mine?.lastReceivedAt).toBe(t.clock.now().toISOString());
    expect((await list()).find((item) => item.id === watched.id)).toMatchObject({
      lastReceivedAt: null,
      isSilent: false,
    });
    t.clock.advance(3 * 3_600_000);
    try {
      expect((await list()).find((item) => item.id === watched.id)?.isSilent).toBe(true);
      expect((await list()).find((item) => item.id === connection.id)?.isSilent).toBe(false);
    } finally {
      t.clock.advance(-3 * 3_600_000);
    }
  });

  it("pages events with a cursor and hides other workspaces' events", async () => {
    const first = (await t.request("GET", "/api/v1/events?limit=2")).json() as {
      items: EventView[];
      nextCursor: string;
    };
    expect(first.items).toHaveLength(2);
    const second = (await t.request("GET", `/api/v1/events?limit=2&cursor=${first.nextCursor}`)).json() as {
      items: EventView[];
    };
    expect(second.items[0]?.id).not.toBe(first.items[1]?.id);

    const other = (await t.request("POST", "/api/v1/workspaces", { body: { name: "Outra" } })).json() as {
      id: string;
    };
    const token = await t.login(undefined, undefined, other.id);
    expect(
      ((await t.request("GET", "/api/v1/events", { token })).json() as { items: unknown[] }).items,
    ).toEqual([]);
    expect((await t.request("GET", `/api/v1/events/${first.items[0]?.id}`, { token })).statusCode).toBe(404);
    expect(
      (await t.request("POST", `/api/v1/events/${first.items[0]?.id}/replay`, { token })).statusCode,
    ).toBe(404);
  });
});
