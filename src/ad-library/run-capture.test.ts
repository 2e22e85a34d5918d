import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import { createApiKey } from "../auth/create-api-key.ts";
import { createWorkspace } from "../auth/create-workspace.ts";
import { updateSettings } from "./manage-settings.ts";
import { type AdvertiserView, adLibraryDb, type RunView, type SettingsView } from "./schemas.ts";
import { startWeeklyRuns } from "./start-weekly-runs.ts";

const TOKEN = "EAAGfakeTokenForAdLibraryTests123456";
const VERSION = "/v21.0";
const DAY_MS = 24 * 3600_000;

interface FakeAd {
  id: string;
  page_id: string;
  page_name: string;
  platforms: string[];
  start?: string;
  stop?: string;
}

interface GraphResponse {
  status: number;
  body: unknown;
}

/**
 * A local Graph API serving `ads_archive` pages for each search term, with `paging.next` absolute URLs
 * back to itself. Anything unexpected (another path, a missing parameter or token, a term or window it
 * was not told about) is recorded and fails the test.
 */
async function fakeGraph() {
  const state = {
    /** term → pages of ads */
    pages: new Map<string, FakeAd[][]>(),
    /** `term:pageIndex` → answers to give before the real page (once each) */
    failures: new Map<string, GraphResponse[]>(),
    /** term → an answer given every time (a permanent error) */
    broken: new Map<string, GraphResponse>(),
    expected: { countries: ["DE", "PT"], since: "", until: "" },
    requests: [] as { term: string; page: number }[],
    unexpected: [] as string[],
  };
  let base = "";
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const problems: string[] = [];
    if (url.pathname !== `${VERSION}/ads_archive`) problems.push(`path ${url.pathname}`);
    if (request.method !== "GET") problems.push(`method ${request.method}`);
    const params = url.searchParams;
    if (params.get("access_token") !== TOKEN) problems.push("missing or wrong access_token");
    const term = params.get("search_terms") ?? "";
    if (!state.pages.has(term) && !state.broken.has(term)) problems.push(`unknown search_terms ${term}`);
    if (params.get("ad_reached_countries") !== JSON.stringify(state.expected.countries))
      problems.push(`ad_reached_countries ${params.get("ad_reached_countries")}`);
    if (params.get("ad_delivery_date_min") !== state.expected.since)
      problems.push(`ad_delivery_date_min ${params.get("ad_delivery_date_min")}`);
    if (params.get("ad_delivery_date_max") !== state.expected.until)
      problems.push(`ad_delivery_date_max ${params.get("ad_delivery_date_max")}`);
    const fields = (params.get("fields") ?? "").split(",");
    for (const field of ["id", "page_id", "page_name", "ad_snapshot_url", "publisher_platforms"]) {
      if (!fields.includes(field)) problems.push(`fields without ${field}`);
    }
    if (problems.length > 0) {
      state.unexpected.push(`${url.pathname}: ${problems.join("; ")}`);
      response.writeHead(500, { "content-type": "application/json" }).end("{}");
      return;
    }
    const index = Number(params.get("after") ?? "0");
    state.requests.push({ term, page: index });
    const send = (answer: GraphResponse) =>
      response
        .writeHead(answer.status, {
          "content-type": "application/json",
          "x-app-usage": JSON.stringify({ call_count: 3, total_time: 2, total_cputime: 1 }),
        })
        .end(JSON.stringify(answer.body));
    const broken = state.broken.get(term);
    if (broken) return send(broken);
    const queued = state.failures.get(`${term}:${index}`);
    const failure = queued?.shift();
    if (failure) return send(failure);
    const pages = state.pages.get(term) ?? [];
    const ads = pages[index] ?? [];
    const nextParams = new URLSearchParams(params);
    nextParams.set("after", String(index + 1));
    send({
      status: 200,
      body: {
        data: ads.map((ad) => ({
          id: ad.id,
          ad_creation_time: ad.start ?? "2026-11-18",
          ad_delivery_start_time: ad.start ?? "2026-11-18",
          ...(ad.stop ? { ad_delivery_stop_time: ad.stop } : {}),
          ad_snapshot_url: `https://www.facebook.com/ads/archive/render_ad/?id=${ad.id}&access_token=${TOKEN}`,
          languages: ["pt"],
          page_id: ad.page_id,
          page_name: ad.page_name,
          publisher_platforms: ad.platforms,
        })),
        paging: {
          cursors: { before: `b${index}`, after: `a${index}` },
          ...(index + 1 < pages.length ? { next: `${base}/ads_archive?${nextParams.toString()}` } : {}),
        },
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}${VERSION}`;
  return {
    base,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ESTUDIO = "Estúdio Aurora";
const WEEK_1: Record<string, FakeAd[][]> = {
  fotografia: [
    [
      { id: "1001", page_id: "104455667788990", page_name: ESTUDIO, platforms: ["facebook", "instagram"] },
      { id: "1002", page_id: "104455667788990", page_name: ESTUDIO, platforms: ["instagram"] },
    ],
    [
      {
        id: "2001",
        page_id: "209988776655443",
        page_name: "Lumina Fotografia Online",
        platforms: ["instagram"],
      },
      // Another page with the same name: must stay another person.
      { id: "3001", page_id: "300000000000001", page_name: ESTUDIO, platforms: ["facebook"] },
      // Stopped before the window: not active in the last 7 days.
      {
        id: "4001",
        page_id: "400000000000001",
        page_name: "Antigo",
        platforms: ["facebook"],
        start: "2026-10-01",
        stop: "2026-11-01",
      },
    ],
  ],
  mentoria: [
    [
      // Also found by "fotografia": one ad, counted once.
      { id: "1001", page_id: "104455667788990", page_name: ESTUDIO, platforms: ["facebook", "instagram"] },
      { id: "5001", page_id: "500000000000001", page_name: "Mentoria Clara", platforms: ["messenger"] },
    ],
  ],
};

let graph: Awaited<ReturnType<typeof fakeGraph>>;
let t: TestApp;
let workspaceId: string;

beforeAll(async () => {
  graph = await fakeGraph();
  t = await createTestApp({ FUNIL_META_GRAPH_URL: graph.base });
  workspaceId = (
    await t.app.deps.db
      .selectFrom("workspaces")
      .select("id")
      .where("is_default", "=", true)
      .executeTakeFirstOrThrow()
  ).id;
  // Session tokens expire when the clock moves a week: an admin API key does not.
  t.adminToken = (
    await createApiKey(t.app.deps, { workspaceId, name: "admin", role: "admin", createdBy: null })
  ).key;
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});
afterEach(() => {
  expect(graph.state.unexpected).toEqual([]);
});

function setWeek(now: Date, pages: Record<string, FakeAd[][]>) {
  t.clock.set(now);
  graph.state.expected.until = now.toISOString().slice(0, 10);
  graph.state.expected.since = new Date(now.getTime() - 6 * DAY_MS).toISOString().slice(0, 10);
  graph.state.pages = new Map(Object.entries(pages));
  graph.state.requests.length = 0;
}

async function putSettings(body: Record<string, unknown>, token?: string) {
  return t.request("PUT", "/api/v1/ad-library/settings", { body, ...(token ? { token } : {}) });
}

async function searchNow(): Promise<RunView> {
  const started = await t.request("POST", "/api/v1/ad-library/runs");
  expect(started.statusCode, started.body).toBe(202);
  const { id } = started.json() as { id: string };
  await t.drain();
  const run = await t.request("GET", `/api/v1/ad-library/runs/${id}`);
  expect(run.statusCode).toBe(200);
  return run.json() as RunView;
}

async function advertisers(query = ""): Promise<AdvertiserView[]> {
  const response = await t.request("GET", `/api/v1/ad-library/advertisers?limit=200${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { items: AdvertiserView[] }).items;
}

async function metaAdsContacts() {
  return t.app.deps.db
    .selectFrom("contacts")
    .select(["id", "name", "custom", "first_source", "deleted_at"])
    .where("workspace_id", "=", workspaceId)
    .where("first_source", "=", "meta_ads")
    .orderBy("created_at")
    .execute();
}

/** Everything the capture stored, as text: no access token may appear in it. */
async function storedText(): Promise<string> {
  const db = adLibraryDb(t.app.deps.db);
  const parts = await Promise.all([
    db.selectFrom("ad_library_ads").selectAll().execute(),
    db.selectFrom("ad_library_advertisers").selectAll().execute(),
    db.selectFrom("ad_library_runs").selectAll().execute(),
    db.selectFrom("ad_library_settings").selectAll().execute(),
    t.app.deps.db.selectFrom("contacts").select(["name", "custom"]).execute(),
    t.app.deps.db.selectFrom("audit_log").select(["before", "after"]).execute(),
    sql<{ body: string }>`select convert_from(body, 'UTF8') as body from inbox_events`.execute(t.app.deps.db),
  ]);
  return JSON.stringify(parts);
}

describe("Ad Library capture", () => {
  it("refuses settings it cannot use", async () => {
    const bad = [
      { searchTerms: [], countries: ["DE"], enabled: true },
      { searchTerms: ["fotografia"], countries: [], enabled: true },
      { searchTerms: ["fotografia"], countries: ["Alemanha"], enabled: false },
      { searchTerms: [""], countries: ["DE"], enabled: false },
      { searchTerms: ["fotografia"], countries: ["DE"], publisherPlatforms: ["orkut"], enabled: false },
      { searchTerms: ["fotografia"], countries: ["DE"], enabled: true, extra: 1 },
    ];
    for (const body of bad) {
      const response = await putSettings(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.headers["content-type"]).toContain("application/problem+json");
    }
    // Nothing saved yet: a search has nothing to look for.
    expect((await t.request("POST", "/api/v1/ad-library/runs")).statusCode).toBe(409);
    const empty = (await t.request("GET", "/api/v1/ad-library/settings")).json() as SettingsView;
    expect(empty).toMatchObject({ searchTerms: [], countries: [], enabled: false, hasMetaToken: false });
  });

  it("pages through every term, records advertisers and lands each page as one meta_ads lead", async () => {
    const connection = await t.request("POST", "/api/v1/connections", {
      body: {
        type: "meta",
        name: "Meta",
        config: { appSecret: "app-secret", verifyToken: "verify", accessToken: TOKEN },
      },
    });
    expect(connection.statusCode, connection.body).toBe(201);
    const saved = await putSettings({
      searchTerms: [" fotografia ", "mentoria", "fotografia"],
      countries: ["de", "PT"],
      enabled: true,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      searchTerms: ["fotografia", "mentoria"],
      countries: ["DE", "PT"],
      publisherPlatforms: [],
      enabled: true,
      hasMetaToken: true,
    });

    setWeek(new Date(FIXED_NOW), WEEK_1);
    // Meta throttles the second page once (code 613, HTTP 429): retried, not failed.
    graph.state.failures.set("fotografia:1", [
      {
        status: 429,
        body: {
          error: {
            message: "(#613) Calls to this api have exceeded the rate limit.",
            type: "OAuthException",
            code: 613,
          },
        },
      },
    ]);
    const run = await searchNow();
    expect(run).toMatchObject({
      status: "done",
      trigger: "manual",
      since: "2026-11-17",
      until: "2026-11-23",
      searchTerms: ["fotografia", "mentoria"],
      countries: ["DE", "PT"],
      pages: 3,
      ads: 5,
      adsNew: 5,
      advertisers: 4,
      advertisersNew: 4,
      advertisersUpdated: 0,
      error: null,
    });
    expect(graph.state.requests).toEqual([
      { term: "fotografia", page: 0 },
      { term: "fotografia", page: 1 },
      { term: "fotografia", page: 1 },
      { term: "mentoria", page: 0 },
    ]);

    const found = await advertisers("&sort=ads_seen");
    expect(found.map((a) => [a.pageId, a.adsSeen])).toEqual([
      ["104455667788990", 2],
      expect.any(Array),
      expect.any(Array),
      expect.any(Array),
    ]);
    const estudio = found.find((a) => a.pageId === "104455667788990");
    expect(estudio).toMatchObject({
      pageName: ESTUDIO,
      adsSeen: 2,
      firstSeenAt: FIXED_NOW,
      lastSeenAt: FIXED_NOW,
      platforms: ["facebook", "instagram"],
      terms: ["fotografia", "mentoria"],
      lastRunId: run.id,
      run: { outcome: "new", ads: 2, adsNew: 2 },
    });
    expect(estudio?.snapshotUrls.sort()).toEqual([
      "https://www.facebook.com/ads/archive/render_ad/?id=1001",
      "https://www.facebook.com/ads/archive/render_ad/?id=1002",
    ]);
    expect(found.some((a) => a.pageId === "400000000000001")).toBe(false);
    expect((await advertisers("&term=mentoria")).map((a) => a.pageId).sort()).toEqual([
      "104455667788990",
      "500000000000001",
    ]);

    const people = await metaAdsContacts();
    expect(people).toHaveLength(4);
    // Two pages named alike are two people.
    expect(people.filter((p) => p.name === ESTUDIO)).toHaveLength(2);
    for (const advertiser of found) {
      const person = people.find((p) => p.id === advertiser.contactId);
      expect(person, advertiser.pageId).toBeDefined();
      expect(person?.custom.metaAds).toMatchObject({
        pageId: advertiser.pageId,
        adsSeen: advertiser.adsSeen,
        firstSeenAt: FIXED_NOW,
        lastSeenAt: FIXED_NOW,
      });
    }
    const events = await t.app.deps.db
      .selectFrom("inbox_events")
      .select(["idempotency_key", "status", "contact_id"])
      .where("source", "=", "meta_ads")
      .execute();
    expect(events.map((e) => e.idempotency_key).sort()).toEqual(
      found.map((a) => `${run.id}:${a.pageId}`).sort(),
    );
    expect(events.every((e) => e.status === "processed" && e.contact_id)).toBe(true);

    const text = await storedText();
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain("access_token");
  });

  it("allows one search at a time and keeps workspaces apart", async () => {
    setWeek(new Date(FIXED_NOW), WEEK_1);
    const first = await t.request("POST", "/api/v1/ad-library/runs");
    expect(first.statusCode).toBe(202);
    const second = await t.request("POST", "/api/v1/ad-library/runs");
    expect(second.statusCode).toBe(409);
    const { id } = first.json() as { id: string };
    await t.drain();
    expect(((await t.request("GET", `/api/v1/ad-library/runs/${id}`)).json() as RunView).advertisersNew).toBe(
      0,
    );

    const admin = await t.app.deps.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    const other = await createWorkspace(t.app.deps, { name: "Outra", adminUserId: admin.id });
    const otherKey = (
      await createApiKey(t.app.deps, { workspaceId: other.id, name: "other", role: "admin", createdBy: null })
    ).key;
    expect((await t.request("GET", `/api/v1/ad-library/runs/${id}`, { token: otherKey })).statusCode).toBe(
      404,
    );
    expect(
      (await t.request("GET", `/api/v1/ad-library/advertisers?runId=${id}`, { token: otherKey })).statusCode,
    ).toBe(404);
    const otherAdvertisers = await t.request("GET", "/api/v1/ad-library/advertisers", { token: otherKey });
    expect((otherAdvertisers.json() as { items: unknown[] }).items).toEqual([]);
    const viewerKey = (
      await createApiKey(t.app.deps, { workspaceId, name: "viewer", role: "viewer", createdBy: null })
    ).key;
    expect((await t.request("GET", "/api/v1/ad-library/settings", { token: viewerKey })).statusCode).toBe(
      200,
    );
    expect(
      (await putSettings({ searchTerms: ["x"], countries: ["DE"], enabled: false }, viewerKey)).statusCode,
    ).toBe(403);
    expect((await t.request("POST", "/api/v1/ad-library/runs", { token: viewerKey })).statusCode).toBe(403);
  });

  it("a week later updates the same people: ads seen grows by new Library IDs only, last seen moves", async () => {
    const before = await advertisers();
    const peopleBefore = await metaAdsContacts();
    const nextWeek = new Date(new Date(FIXED_NOW).getTime() + 7 * DAY_MS);
    setWeek(nextWeek, {
      fotografia: [
        [
          {
            id: "1001",
            page_id: "104455667788990",
            page_name: ESTUDIO,
            platforms: ["facebook", "instagram"],
          },
          { id: "1003", page_id: "104455667788990", page_name: ESTUDIO, platforms: ["threads"] },
        ],
      ],
      mentoria: [
        [{ id: "5001", page_id: "500000000000001", page_name: "Mentoria Clara", platforms: ["messenger"] }],
      ],
    });
    const run = await searchNow();
    expect(run).toMatchObject({
      status: "done",
      since: "2026-11-24",
      until: "2026-11-30",
      pages: 2,
      ads: 3,
      adsNew: 1,
      advertisers: 2,
      advertisersNew: 0,
      advertisersUpdated: 2,
    });
    const after = await advertisers();
    const estudio = after.find((a) => a.pageId === "104455667788990");
    const estudioBefore = before.find((a) => a.pageId === "104455667788990");
    expect(estudio).toMatchObject({
      adsSeen: 3,
      firstSeenAt: FIXED_NOW,
      lastSeenAt: nextWeek.toISOString(),
      contactId: estudioBefore?.contactId,
      platforms: ["facebook", "instagram", "threads"],
      run: { outcome: "updated", ads: 2, adsNew: 1 },
    });
    expect(estudio?.snapshotUrls[0]).toBe("https://www.facebook.com/ads/archive/render_ad/?id=1003");
    const lumina = after.find((a) => a.pageId === "209988776655443");
    expect(lumina?.lastSeenAt).toBe(FIXED_NOW);
    // Most recently seen first.
    expect(
      after
        .slice(0, 2)
        .map((a) => a.pageId)
        .sort(),
    ).toEqual(["104455667788990", "500000000000001"]);
    expect((await advertisers(`&runId=${run.id}`)).map((a) => a.pageId).sort()).toEqual([
      "104455667788990",
      "500000000000001",
    ]);

    const people = await metaAdsContacts();
    expect(people.map((p) => p.id).sort()).toEqual(peopleBefore.map((p) => p.id).sort());
    const person = people.find((p) => p.id === estudio?.contactId);
    expect(person?.custom.metaAds).toMatchObject({
      adsSeen: 3,
      lastSeenAt: nextWeek.toISOString(),
      firstSeenAt: FIXED_NOW,
    });
    expect(await storedText()).not.toContain(TOKEN);
  });

  it("fails a run with Meta's error in plain words, never the token", async () => {
    const saved = await putSettings({ searchTerms: ["quebrado"], countries: ["DE", "PT"], enabled: true });
    expect(saved.statusCode).toBe(200);
    setWeek(new Date(new Date(FIXED_NOW).getTime() + 14 * DAY_MS), {});
    graph.state.broken.set("quebrado", {
      status: 400,
      body: {
        error: {
          message: `(#100) Invalid parameter (url ${graph.base}/ads_archive?access_token=${TOKEN})`,
          type: "OAuthException",
          code: 100,
          fbtrace_id: "AbC",
        },
      },
    });
    const run = await searchNow();
    expect(run.status).toBe("failed");
    expect(run.error).toContain("(#100) Invalid parameter");
    expect(run.error).toContain("code 100");
    expect(run.error).not.toContain(TOKEN);
    // A 4xx is not retried.
    expect(graph.state.requests).toEqual([{ term: "quebrado", page: 0 }]);
    expect(await storedText()).not.toContain(TOKEN);
    graph.state.broken.clear();
  });

  it("the weekly sweep starts enabled workspaces only, once a week", async () => {
    const admin = await t.app.deps.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    const enabled = await createWorkspace(t.app.deps, { name: "Ligado", adminUserId: admin.id });
    const disabled = await createWorkspace(t.app.deps, { name: "Desligado", adminUserId: admin.id });
    const actor = { type: "system" as const, id: null, label: "test" };
    await updateSettings(t.app.deps, {
      workspaceId: enabled.id,
      actor,
      userId: null,
      settings: { searchTerms: ["fotografia"], countries: ["DE"], publisherPlatforms: [], enabled: true },
    });
    await updateSettings(t.app.deps, {
      workspaceId: disabled.id,
      actor,
      userId: null,
      settings: { searchTerms: ["fotografia"], countries: ["DE"], publisherPlatforms: [], enabled: false },
    });
    const db = adLibraryDb(t.app.deps.db);
    const runsOf = (id: string) =>
      db.selectFrom("ad_library_runs").selectAll().where("workspace_id", "=", id).execute();

    // The default workspace searched minutes ago (the failed run above): not due.
    const first = await startWeeklyRuns(t.app.deps);
    expect(first.started).toBe(1);
    expect(await runsOf(enabled.id)).toHaveLength(1);
    expect(await runsOf(disabled.id)).toHaveLength(0);
    expect((await runsOf(enabled.id))[0]?.trigger).toBe("schedule");
    const defaultRuns = (await runsOf(workspaceId)).length;

    // The workspace without a Meta token fails in plain words.
    await t.drain();
    const [failed] = await runsOf(enabled.id);
    expect(failed?.status).toBe("failed");
    expect(failed?.error).toContain("No Meta connection");

    // A second sweep in the same week starts nothing.
    expect((await startWeeklyRuns(t.app.deps)).started).toBe(0);
    // A week later both enabled workspaces are due again.
    t.clock.advance(7 * DAY_MS);
    expect((await startWeeklyRuns(t.app.deps)).started).toBe(2);
    expect(await runsOf(enabled.id)).toHaveLength(2);
    expect(await runsOf(workspaceId)).toHaveLength(defaultRuns + 1);
    expect(await runsOf(disabled.id)).toHaveLength(0);
  });
});
