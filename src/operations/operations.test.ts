import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signStandardWebhook } from "../../test/sign-webhook.ts";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { SOURCES, type SourceAdapter } from "../capture/sources.ts";
import { createLogger } from "../platform/log.ts";

let t: TestApp;
const lines: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ level: "debug" }, sink);
  t = await createTestApp({}, { log });
});
afterAll(async () => {
  await t.close();
});

describe("health, metrics and docs", () => {
  it("answers /health with ok once the database is reachable", async () => {
    const response = await t.request("GET", "/health", { token: null });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
  });

  it("exposes Prometheus metrics, including request durations", async () => {
    await t.request("GET", "/api/v1/leads");
    const response = await t.request("GET", "/metrics", { token: null });
    expect(response.headers["content-type"]).toContain("text/plain");
    expect(response.body).toContain(
      'funil_http_request_duration_seconds_count{method="GET",route="/api/v1/leads",status="200"}',
    );
    expect(response.body).toContain("funil_process_cpu_seconds_total");
  });

  it("documents the API as OpenAPI at /api/docs", async () => {
    const response = await t.request("GET", "/api/docs/json", { token: null });
    expect(response.statusCode).toBe(200);
    const spec = response.json() as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of [
      "/api/v1/leads",
      "/api/v1/leads/{id}",
      "/api/v1/auth/login",
      "/api/v1/events/{id}/replay",
    ]) {
      expect(spec.paths, path).toHaveProperty([path]);
    }
  });

  it("answers unknown API routes with a problem", async () => {
    const response = await t.request("GET", "/api/v1/nope");
    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).toContain("application/problem+json");
  });
});

describe("logs", () => {
  it("never contain the personal data of a lead", async () => {
    lines.length = 0;
    await t.request("POST", "/api/v1/leads", {
      body: { name: "Privada da Silva", email: "privada@example.com", phone: "(11) 95555-4444" },
    });
    await t.request("GET", "/api/v1/leads?q=privada@example.com");
    const connection = (
      await t.request("POST", "/api/v1/connections", { body: { type: "generic", name: "x" } })
    ).json() as {
      webhookUrl: string;
      secret: string;
    };
    const body = JSON.stringify({ type: "x", data: { city: "Privadópolis" } });
    const headers = signStandardWebhook(connection.secret, body, t.clock.now());
    await t.request("POST", connection.webhookUrl, { token: null, rawBody: body, headers });
    await t.drain();
    const output = lines.join("");
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [
      "Privada",
      "privada@example.com",
      "95555",
      "Privadópolis",
      connection.secret,
      t.adminToken,
    ]) {
      expect(output).not.toContain(secret);
    }
  });
});

describe("dead letters", () => {
  it("lists jobs that ran out of retries to operators, and can retry them", async () => {
    const connection = (
      await t.request("POST", "/api/v1/connections", { body: { type: "generic", name: "y" } })
    ).json() as {
      webhookUrl: string;
      secret: string;
    };
    const spy = vi.spyOn(SOURCES.generic as SourceAdapter, "decode").mockImplementation(() => {
      throw new Error("database is on fire");
    });
    const body = JSON.stringify({ type: "x", data: { name: "Fogo", email: "fogo@example.com" } });
    await t.request("POST", connection.webhookUrl, {
      token: null,
      rawBody: body,
      headers: signStandardWebhook(connection.secret, body, t.clock.now()),
    });
    // Exhaust the retries: make every retry due at once.
    for (let attempt = 0; attempt < 7; attempt++) {
      await t.drain();
      await t.app.deps.database.executeSql(
        "update pgboss.job set start_after = now() where state = 'retry'",
        [],
      );
    }
    spy.mockRestore();
    const failed = await t.request("GET", "/api/v1/jobs/failed");
    expect(failed.statusCode).toBe(200);
    const items = (failed.json() as { items: { id: string; name: string; error: string }[] }).items;
    expect(items).toEqual([
      expect.objectContaining({ name: "capture.process-event", error: "database is on fire" }),
    ]);

    const other = (await t.request("POST", "/api/v1/workspaces", { body: { name: "Cliente" } })).json() as {
      id: string;
    };
    const clientAdmin = await t.login(undefined, undefined, other.id);
    expect((await t.request("GET", "/api/v1/jobs/failed", { token: clientAdmin })).statusCode).toBe(403);

    const retried = await t.request("POST", `/api/v1/jobs/capture.process-event/${items[0]?.id}/retry`);
    expect(retried.statusCode).toBe(202);
    await t.drain();
    const events = (await t.request("GET", "/api/v1/events?status=processed")).json() as {
      items: { contactId: string }[];
    };
    expect(events.items.length).toBeGreaterThan(0);
    expect(((await t.request("GET", "/api/v1/jobs/failed")).json() as { items: unknown[] }).items).toEqual(
      [],
    );
  });
});
