import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { type EnrichmentRuntimeOptions, replaceEnrichmentRuntime } from "./create-enrichment-runtime.ts";
import {
  discoveryBody,
  type FakeApi,
  graphError,
  startFakeGraphApi,
  startFakeYouTubeApi,
} from "./fake-apis.ts";
import type { LeadEnrichmentDetail, LeadEnrichmentView } from "./get-lead-enrichment.ts";
import { instagramProvider } from "./instagram-provider.ts";
import type { EnrichmentProvider } from "./providers.ts";
import { ENRICH_CONTACT_JOB } from "./schemas.ts";

const IG_USER = "17841455500011122";
const TOKEN = "EAAG-test-token";
const YT_KEY = "AIza-test-key";
const FAST: EnrichmentRuntimeOptions = {
  timeoutMs: 500,
  maxAttempts: 3,
  initialDelayMs: 1,
  maxDelayMs: 4,
  breakerThreshold: 50,
  halfOpenAfterMs: 60_000,
};

let t: TestApp;
let graph: FakeApi;
let yt: FakeApi;

const now = new Date(FIXED_NOW).getTime();
const at = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString().replace(".000Z", "+0000");

interface Lead {
  id: string;
  score: number;
  scoreReasons: { rule: string; points: number }[];
  enrichment: LeadEnrichmentView | null;
}

async function lead(body: Record<string, unknown>, token?: string): Promise<string> {
  const response = await t.request("POST", "/api/v1/leads", { body, ...(token ? { token } : {}) });
  expect([200, 201]).toContain(response.statusCode);
  return (response.json() as { id: string }).id;
}

async function enrichNow(id: string) {
  const response = await t.request("POST", `/api/v1/leads/${id}/enrich`);
  expect(response.statusCode).toBe(202);
  await t.drain();
}

const getLead = async (id: string) => (await t.request("GET", `/api/v1/leads/${id}`)).json() as Lead;
const getDetail = async (id: string) =>
  (await t.request("GET", `/api/v1/leads/${id}/enrichment`)).json() as LeadEnrichmentDetail;

beforeAll(async () => {
  graph = await startFakeGraphApi({ igUserId: IG_USER, accessToken: TOKEN });
  yt = await startFakeYouTubeApi({ apiKey: YT_KEY });
  t = await createTestApp({
    FUNIL_META_GRAPH_URL: graph.url,
    FUNIL_YOUTUBE_API_URL: yt.url,
    FUNIL_YOUTUBE_API_KEY: YT_KEY,
  });
  const connection = await t.request("POST", "/api/v1/connections", {
    body: {
      type: "meta",
      name: "Instagram",
      config: { appSecret: "app-secret", verifyToken: "verify", accessToken: TOKEN, igUserId: IG_USER },
    },
  });
  expect(connection.statusCode).toBe(201);
});
beforeEach(() => {
  replaceEnrichmentRuntime(t.app.deps, FAST);
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

describe("enrichment of a lead", () => {
  it("reads Instagram (with media paging) and YouTube, shows it on the lead per CONTRACT, with provenance, and the tier feeds the score", async () => {
    const id = await lead({
      name: "Estúdio Aurora",
      email: "contato@aurora.example",
      instagram: "@estudio.aurora.foto",
      custom: { youtube: "@aurorafoto" },
    });
    const before = await getLead(id);
    expect(before.enrichment).toBeNull();

    graph.expect("estudio.aurora.foto", {
      body: discoveryBody({
        username: "estudio.aurora.foto",
        followers: 10_000,
        mediaCount: 655,
        biography: "Retratos em BH | agenda@aurora.example | (31) 98765-4321 | linktr.ee/aurora",
        website: "https://aurora.example/agenda",
        media: [
          { id: "m1", likes: 300, comments: 20, timestamp: at(1), type: "VIDEO", productType: "REELS" },
          { id: "m2", likes: 150, comments: 10, timestamp: at(9), type: "CAROUSEL_ALBUM" },
        ],
        after: "PAGE2",
      }),
      headers: { "x-app-usage": JSON.stringify({ call_count: 5, total_time: 3, total_cputime: 2 }) },
    });
    graph.expect("estudio.aurora.foto@PAGE2", {
      body: discoveryBody({
        username: "estudio.aurora.foto",
        followers: 10_000,
        mediaCount: 655,
        media: [
          { id: "m3", likes: 90, comments: 10, timestamp: at(20), type: "IMAGE" },
          { id: "m4", likes: 40, comments: 0, timestamp: at(45), type: "VIDEO" },
        ],
      }),
    });
    yt.expect("@aurorafoto", {
      body: {
        items: [
          {
            id: "UCaurora0000000000000000",
            snippet: { title: "Aurora" },
            statistics: { viewCount: "90000", subscriberCount: "1200", videoCount: "35" },
          },
        ],
      },
    });
    await enrichNow(id);

    const after = await getLead(id);
    expect(after.enrichment).toMatchObject({
      status: "enriched",
      tier: "micro",
      instagram: {
        followers: 10_000,
        mediaCount: 655,
        // (0.032 + 0.016 + 0.01 + 0.004) / 4
        engagementRate: 0.0155,
        // 3 posts in the 30 days before the fixed clock
        postsPerWeek: 0.7,
        contentMix: { image: 0.25, video: 0.25, carousel: 0.25, reels: 0.25 },
        bio: "Retratos em BH | agenda@aurora.example | (31) 98765-4321 | linktr.ee/aurora",
        website: "https://aurora.example/agenda",
        emailsInBio: ["agenda@aurora.example"],
        phonesInBio: ["+5531987654321"],
        linksInBio: ["https://linktr.ee/aurora"],
        fetchedAt: FIXED_NOW,
      },
      youtube: { channelId: "UCaurora0000000000000000", subscribers: 1200, videos: 35, views: 90000 },
    });
    // The tier feeds the score: +3 for a micro creator, with its reason.
    expect(after.score).toBe(before.score + 3);
    expect(after.scoreReasons).toContainEqual({
      rule: "creator_tier",
      label: "Nível de criador (enriquecimento)",
      points: 3,
    });

    const detail = await getDetail(id);
    expect(detail.providers.map((p) => [p.provider, p.status, p.errorCode])).toEqual([
      ["meta_business_discovery", "enriched", null],
      ["youtube_data_api", "enriched", null],
    ]);
    const followers = detail.fields.find((f) => f.network === "instagram" && f.field === "followers");
    expect(followers).toEqual({
      network: "instagram",
      field: "followers",
      value: 10_000,
      raw: 10_000,
      provider: "meta_business_discovery",
      fetchedAt: FIXED_NOW,
    });
    const engagement = detail.fields.find((f) => f.field === "engagementRate");
    expect(engagement?.raw).toEqual([
      { id: "m1", likes: 300, comments: 20 },
      { id: "m2", likes: 150, comments: 10 },
      { id: "m3", likes: 90, comments: 10 },
      { id: "m4", likes: 40, comments: 0 },
    ]);
    expect(detail.nextDueAt).toBe(new Date(now + 30 * 86_400_000).toISOString());
    expect(detail.stale).toBe(false);

    const metrics = await t.app.deps.metrics.registry.getSingleMetricAsString(
      "funil_enrichment_contacts_total",
    );
    expect(metrics).toContain('funil_enrichment_contacts_total{status="enriched"} 1');
  });

  it("keeps Instagram's result when YouTube fails (partial), retrying 5xx only, and an explicit request runs once", async () => {
    const id = await lead({ name: "Parcial", instagram: "parcial.ig", custom: { youtube: "@parcialyt" } });
    graph.expect("parcial.ig", {
      body: discoveryBody({
        username: "parcial.ig",
        followers: 800,
        media: [{ id: "p1", likes: 10, comments: 2, timestamp: at(2) }],
      }),
    });
    yt.expect("@parcialyt", { status: 503, body: { error: { code: 503, message: "Backend Error" } } }, 3);
    await enrichNow(id);
    expect(yt.count("@parcialyt")).toBe(3);

    const detail = await getDetail(id);
    expect(detail.status).toBe("partial");
    expect(detail.errorCode).toBe("upstream_error");
    expect(detail.instagram?.followers).toBe(800);
    expect(detail.youtube).toBeNull();
    expect(detail.providers.find((p) => p.provider === "youtube_data_api")).toMatchObject({
      status: "failed",
      errorCode: "upstream_error",
      failures: 1,
    });

    // The same job delivered again does nothing (its request is done).
    await enqueue(t.app.deps.db, ENRICH_CONTACT_JOB, { contactId: id, requestId: detail.contactId });
    await t.drain();
    expect(graph.count("parcial.ig")).toBe(1);
  });

  it("does not retry a 400, and says plainly when the account is not a professional one", async () => {
    const bad = await lead({ name: "Ruim", instagram: "ruim.ig" });
    graph.expect("ruim.ig", { status: 400, body: graphError(100, "Invalid parameter") });
    await enrichNow(bad);
    expect(graph.count("ruim.ig")).toBe(1);
    expect((await getDetail(bad)).errorCode).toBe("bad_request");

    const personal = await lead({ name: "Pessoal", instagram: "perfil.pessoal" });
    graph.expect("perfil.pessoal", { status: 400, body: graphError(110, "Invalid user id", 2207013) });
    await enrichNow(personal);
    const view = await getLead(personal);
    expect(view.enrichment).toMatchObject({
      status: "not_business_account",
      errorCode: "not_business_account",
    });
    const detail = await getDetail(personal);
    expect(detail.providers[0]?.errorMessage).toMatch(/professional \(Business or Creator\)/);
    expect(detail.providers[0]?.errorMessage).not.toContain("perfil.pessoal");
    expect(detail.nextDueAt).toBe(new Date(now + 30 * 86_400_000).toISOString());
  });

  it("falls back to the next provider of the waterfall", async () => {
    const paid: EnrichmentProvider = {
      id: "fake_paid",
      network: "instagram",
      ratePerSecond: 100,
      handleFor: (subject) => subject.instagram,
      classify: () => ({ code: "upstream_error", message: "x", retryable: false, fault: true }),
      connect: async () => ({
        fetch: async () => ({
          fields: {
            followers: { value: 2_000, raw: "2k" },
            mediaCount: { value: 40, raw: 40 },
            engagementRate: { value: 0.05, raw: null },
            contentMix: { value: { image: 1, video: 0, carousel: 0, reels: 0 }, raw: null },
            postsPerWeek: { value: 2, raw: null },
          },
        }),
      }),
    };
    replaceEnrichmentRuntime(t.app.deps, {
      ...FAST,
      providers: [instagramProvider({ mediaLimit: 12, maxMediaPages: 2, ratePerSecond: 100 }), paid],
    });
    const id = await lead({ name: "Fallback", instagram: "privado.ig" });
    graph.expect("privado.ig", { status: 400, body: graphError(110, "Invalid user id", 2207013) });
    await enrichNow(id);
    const detail = await getDetail(id);
    expect(detail.status).toBe("enriched");
    expect(detail.instagram?.followers).toBe(2_000);
    expect(detail.fields.find((f) => f.field === "followers")).toMatchObject({
      provider: "fake_paid",
      raw: "2k",
    });
    expect(detail.providers.map((p) => [p.provider, p.status])).toEqual([
      ["fake_paid", "enriched"],
      ["meta_business_discovery", "not_business_account"],
    ]);
  });

  it("opens the circuit after repeated provider faults and stops calling", async () => {
    replaceEnrichmentRuntime(t.app.deps, { ...FAST, breakerThreshold: 3 });
    const first = await lead({ name: "Cai 1", instagram: "cai.um" });
    graph.expect("cai.um", { status: 500, body: graphError(1, "An unknown error occurred") }, 3);
    await enrichNow(first);
    expect((await getDetail(first)).errorCode).toBe("upstream_error");

    const second = await lead({ name: "Cai 2", instagram: "cai.dois" });
    await enrichNow(second); // no request reaches the fake (verify() would fail)
    const detail = await getDetail(second);
    expect(detail.status).toBe("failed");
    expect(detail.errorCode).toBe("circuit_open");
    expect(detail.nextDueAt).toBe(new Date(now + 60_000).toISOString());
  });

  it("times out a slow answer and retries it", async () => {
    replaceEnrichmentRuntime(t.app.deps, { ...FAST, timeoutMs: 50 });
    const id = await lead({ name: "Lento", instagram: "lento.ig" });
    graph.expect(
      "lento.ig",
      { delayMs: 200, body: discoveryBody({ username: "lento.ig", followers: 1, media: [] }) },
      2,
    );
    graph.expect("lento.ig", { body: discoveryBody({ username: "lento.ig", followers: 1, media: [] }) });
    await enrichNow(id);
    expect(graph.count("lento.ig")).toBe(3);
    // Followers and media count are there: partial (no posts to compute engagement from).
    expect((await getDetail(id)).status).toBe("partial");
  });

  it("stops calling when the usage headers reach the limit, and comes back after the pause", async () => {
    const busy = await lead({ name: "Cheio", instagram: "cheio.ig" });
    graph.expect("cheio.ig", {
      body: discoveryBody({ username: "cheio.ig", followers: 10, media: [] }),
      headers: {
        "x-business-use-case-usage": JSON.stringify({
          [IG_USER]: [
            {
              type: "instagram",
              call_count: 99,
              total_time: 10,
              total_cputime: 10,
              estimated_time_to_regain_access: 12,
            },
          ],
        }),
      },
    });
    await enrichNow(busy);
    const next = await lead({ name: "Depois", instagram: "depois.ig" });
    await enrichNow(next); // the budget is spent: no request
    const detail = await getDetail(next);
    expect(detail.errorCode).toBe("budget_exhausted");
    expect(detail.providers[0]?.errorCode).toBe("budget_exhausted");
    // Due again when Meta said access comes back (12 minutes).
    expect(detail.nextDueAt).toBe(new Date(now + 12 * 60_000).toISOString());
  });

  it("says why when nothing can run: no handle, or no connection", async () => {
    const none = await lead({ name: "Sem rede", email: "semrede@example.com" });
    await enrichNow(none);
    expect((await getDetail(none)).errorCode).toBe("no_handle");

    const created = await t.request("POST", "/api/v1/workspaces", { body: { name: "Sem conexão" } });
    const tokenB = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD, (created.json() as { id: string }).id);
    const other = await lead({ name: "Outro", instagram: "outro.ig" }, tokenB);
    expect((await t.request("POST", `/api/v1/leads/${other}/enrich`, { token: tokenB })).statusCode).toBe(
      202,
    );
    await t.drain();
    const detail = (
      await t.request("GET", `/api/v1/leads/${other}/enrichment`, { token: tokenB })
    ).json() as LeadEnrichmentDetail;
    expect([detail.status, detail.errorCode]).toEqual(["skipped", "no_connection"]);

    // Another workspace's lead is not found, in both directions.
    for (const [method, url, token] of [
      ["GET", `/api/v1/leads/${other}/enrichment`, t.adminToken],
      ["POST", `/api/v1/leads/${other}/enrich`, t.adminToken],
      ["GET", `/api/v1/leads/${none}/enrichment`, tokenB],
      ["POST", `/api/v1/leads/${none}/enrich`, tokenB],
    ] as const) {
      expect((await t.request(method, url, { token })).statusCode).toBe(404);
    }
  });
});

describe("creator tiers", () => {
  it("validates thresholds, and a change re-tiers and re-scores enriched leads", async () => {
    const id = await lead({ name: "Tier", instagram: "tier.ig" });
    graph.expect("tier.ig", {
      body: discoveryBody({
        username: "tier.ig",
        followers: 20_000,
        media: [{ id: "t1", likes: 900, comments: 100, timestamp: at(3), type: "IMAGE" }],
      }),
    });
    await enrichNow(id);
    const enriched = await getLead(id);
    expect(enriched.enrichment?.tier).toBe("micro");

    const invalid = await t.request("PUT", "/api/v1/enrichment/tiers", {
      body: {
        tiers: [
          { id: "big", label: "Big", minFollowers: 1000, minEngagementRate: 0.01 },
          { id: "small", label: "Small", minFollowers: 10, minEngagementRate: 2 },
        ],
      },
    });
    expect(invalid.statusCode).toBe(400);
    const fields = (invalid.json() as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(["body.tiers.1.minEngagementRate", "body.tiers.1.minFollowers"]),
    );

    const updated = await t.request("PUT", "/api/v1/enrichment/tiers", {
      body: { tiers: [{ id: "macro", label: "Macro", minFollowers: 50_000, minEngagementRate: 0.01 }] },
    });
    expect(updated.statusCode).toBe(200);
    expect((updated.json() as { version: number }).version).toBe(1);
    await t.drain();
    const after = await getLead(id);
    expect(after.enrichment?.tier).toBeNull();
    expect(after.score).toBe(enriched.score - 3);
    const tiers = (await t.request("GET", "/api/v1/enrichment/tiers")).json() as { tiers: { id: string }[] };
    expect(tiers.tiers.map((tier) => tier.id)).toEqual(["macro"]);
  });
});
