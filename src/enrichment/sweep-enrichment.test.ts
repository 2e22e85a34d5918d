import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import { replaceEnrichmentRuntime } from "./create-enrichment-runtime.ts";
import {
  discoveryBody,
  type FakeApi,
  graphError,
  startFakeGraphApi,
  startFakeYouTubeApi,
} from "./fake-apis.ts";
import type { EnrichmentStats } from "./get-enrichment-stats.ts";
import { sweepEnrichment } from "./sweep-enrichment.ts";

const IG_USER = "17841455500011122";
const TOKEN = "EAAG-sweep-token";
const YT_KEY = "AIza-sweep";

let t: TestApp;
let graph: FakeApi;
let yt: FakeApi;
const recent = new Date(new Date(FIXED_NOW).getTime() - 2 * 86_400_000)
  .toISOString()
  .replace(".000Z", "+0000");

const profile = (username: string, followers = 500) =>
  discoveryBody({
    username,
    followers,
    media: [{ id: `${username}-1`, likes: 10, comments: 1, timestamp: recent }],
  });
const channel = {
  items: [
    {
      id: "UCsweep00000000000000000",
      statistics: { subscriberCount: "10", videoCount: "3", viewCount: "99" },
    },
  ],
};

async function lead(body: Record<string, unknown>): Promise<string> {
  return ((await t.request("POST", "/api/v1/leads", { body })).json() as { id: string }).id;
}

beforeAll(async () => {
  graph = await startFakeGraphApi({ igUserId: IG_USER, accessToken: TOKEN });
  yt = await startFakeYouTubeApi({ apiKey: YT_KEY });
  t = await createTestApp({
    FUNIL_META_GRAPH_URL: graph.url,
    FUNIL_YOUTUBE_API_URL: yt.url,
    FUNIL_YOUTUBE_API_KEY: YT_KEY,
  });
  await t.request("POST", "/api/v1/connections", {
    body: {
      type: "meta",
      name: "Instagram",
      config: { appSecret: "s", verifyToken: "v", accessToken: TOKEN, igUserId: IG_USER },
    },
  });
  replaceEnrichmentRuntime(t.app.deps, { initialDelayMs: 1, maxDelayMs: 2, timeoutMs: 500 });
});
afterEach(() => {
  try {
    graph.verify();
    yt.verify();
  } finally {
    graph.reset();
    yt.reset();
  }
});
afterAll(async () => {
  await t.close();
  await graph.close();
  await yt.close();
});

describe("the enrichment sweep", () => {
  it("picks new, changed and stale contacts once each, and an edit that changes no handle costs no request", async () => {
    const ana = await lead({ name: "Ana", instagram: "ana.cria" });
    const bia = await lead({ name: "Bia", custom: { youtube: "@biacanal" } });
    await lead({ name: "Sem rede", email: "semrede@example.com" });

    expect(await sweepEnrichment(t.app.deps)).toBe(2);
    expect(await sweepEnrichment(t.app.deps)).toBe(0); // already queued
    graph.expect("ana.cria", { body: profile("ana.cria") });
    yt.expect("@biacanal", { body: channel });
    await t.drain();
    expect(await sweepEnrichment(t.app.deps)).toBe(0); // fresh

    // An edit that changes no handle: the contact is looked at, nobody is called.
    t.clock.advance(60_000);
    await t.request("PATCH", `/api/v1/leads/${ana}`, { body: { city: "Recife" } });
    expect(await sweepEnrichment(t.app.deps)).toBe(1);
    await t.drain();
    expect(await sweepEnrichment(t.app.deps)).toBe(0);

    // A new handle is looked up.
    t.clock.advance(60_000);
    await t.request("PATCH", `/api/v1/leads/${ana}`, { body: { instagram: "ana.nova" } });
    expect(await sweepEnrichment(t.app.deps)).toBe(1);
    graph.expect("ana.nova", { body: profile("ana.nova", 700) });
    await t.drain();
    const view = (await t.request("GET", `/api/v1/leads/${ana}`)).json() as {
      enrichment: { instagram: { followers: number } };
    };
    expect(view.enrichment.instagram.followers).toBe(700);

    // Past freshness (30 days), both are due again.
    t.clock.advance(31 * 86_400_000);
    t.adminToken = await t.login(); // the session token expired meanwhile
    expect(await sweepEnrichment(t.app.deps)).toBe(2);
    graph.expect("ana.nova", { body: profile("ana.nova", 710) });
    yt.expect("@biacanal", { body: channel });
    await t.drain();
    expect(await sweepEnrichment(t.app.deps)).toBe(0);
    const biaView = (await t.request("GET", `/api/v1/leads/${bia}/enrichment`)).json() as {
      attempts: number;
    };
    expect(biaView.attempts).toBe(2);
  });

  it("queues in bounded batches", async () => {
    for (let i = 0; i < 5; i++) await lead({ name: `Lote ${i}`, instagram: `lote.${i}` });
    expect(await sweepEnrichment(t.app.deps, { maxContacts: 3 })).toBe(3);
    expect(await sweepEnrichment(t.app.deps, { maxContacts: 3 })).toBe(2);
    for (let i = 0; i < 5; i++) {
      graph.expect(
        `lote.${i}`,
        i === 4
          ? { status: 400, body: graphError(110, "Invalid user id", 2207013) }
          : { body: profile(`lote.${i}`) },
      );
    }
    await t.drain();
  });

  it("runs a bulk request through the sweep, and reports coverage, success rate, time and failures by reason", async () => {
    const bulk = await t.request("POST", "/api/v1/enrichment/runs", { body: { scope: "all" } });
    expect(bulk.statusCode).toBe(202);
    expect((bulk.json() as { requested: number }).requested).toBe(7);
    expect((await t.request("POST", "/api/v1/enrichment/runs", { body: {} })).statusCode).toBe(400);

    expect(await sweepEnrichment(t.app.deps)).toBe(7);
    graph.expect("ana.nova", { body: profile("ana.nova", 710) });
    yt.expect("@biacanal", { status: 500, body: { error: { code: 500, message: "x" } } }, 3);
    for (let i = 0; i < 5; i++) {
      graph.expect(
        `lote.${i}`,
        i === 4
          ? { status: 400, body: graphError(110, "Invalid user id", 2207013) }
          : { body: profile(`lote.${i}`) },
      );
    }
    await t.drain();
    expect(await sweepEnrichment(t.app.deps)).toBe(0);

    const stats = (await t.request("GET", "/api/v1/enrichment/stats")).json() as EnrichmentStats;
    expect(stats).toMatchObject({
      eligible: 7,
      enriched: 5,
      coverage: 0.7143,
      attempted: 7,
      successRate: 0.7143,
      byStatus: { enriched: 5, failed: 1, not_business_account: 1 },
    });
    expect(stats.averageMsPerLead).toBeGreaterThanOrEqual(0);
    expect(stats.providers).toEqual([
      expect.objectContaining({
        provider: "meta_business_discovery",
        runs: 6,
        enriched: 5,
        failed: 1,
        successRate: 0.8333,
      }),
      expect.objectContaining({
        provider: "youtube_data_api",
        runs: 1,
        enriched: 0,
        failed: 1,
        successRate: 0,
      }),
    ]);
    expect(stats.failuresByReason).toEqual(
      expect.arrayContaining([
        { reason: "not_business_account", count: 1 },
        { reason: "upstream_error", count: 1 },
      ]),
    );
    const metrics = await t.app.deps.metrics.registry.getSingleMetricAsString(
      "funil_enrichment_coverage_ratio",
    );
    expect(metrics).toContain("funil_enrichment_coverage_ratio 0.7142857142857143");
  });
});
