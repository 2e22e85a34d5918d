import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { createApiKey } from "../auth/create-api-key.ts";
import { createWorkspace } from "../auth/create-workspace.ts";
import { runSource } from "./run-source.ts";
import { type CandidateView, outboundDb, type RunView, type SourceView } from "./schemas.ts";
import { startDueSources } from "./start-due-sources.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/outbound");

/** A local site serving the fixtures; any other path is recorded as unexpected (and fails the test). */
type SiteRoute = { file: string; type: string } | { status: number } | { redirectTo: () => string };

async function fixtureSite(routes: Record<string, SiteRoute>) {
  const requests: { path: string; at: number; userAgent: string }[] = [];
  const unexpected: string[] = [];
  let origin = "";
  const server: Server = createServer((request, response) => {
    const path = request.url ?? "/";
    requests.push({ path, at: Date.now(), userAgent: request.headers["user-agent"] ?? "" });
    const route = routes[path];
    if (!route) {
      unexpected.push(path);
      response.writeHead(500).end();
      return;
    }
    if ("redirectTo" in route) {
      response.writeHead(302, { location: route.redirectTo() }).end();
      return;
    }
    if ("status" in route) {
      response.writeHead(route.status, { "content-type": "text/html" }).end("<p>no</p>");
      return;
    }
    const body = readFileSync(join(FIXTURES, route.file), "utf8").replaceAll("{{origin}}", origin);
    response.writeHead(200, { "content-type": route.type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    requests,
    unexpected,
    paths: () => requests.map((request) => request.path),
    reset: () => {
      requests.length = 0;
      unexpected.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const HTML = "text/html; charset=utf-8";
const LISTING = "/melhores-criadores-financas/";
const PAGE_2 = "/melhores-criadores-financas/pagina-2/";
const PAGE_3 = "/melhores-criadores-financas/pagina-3/";

let site: Awaited<ReturnType<typeof fixtureSite>>;
let canary: Awaited<ReturnType<typeof fixtureSite>>;
let t: TestApp;

beforeAll(async () => {
  site = await fixtureSite({
    "/robots.txt": { file: "robots.txt", type: "text/plain" },
    [LISTING]: { file: "listing.html", type: HTML },
    [PAGE_2]: { file: "listing-page-2.html", type: HTML },
    [PAGE_3]: { file: "listing-page-3.html", type: HTML },
    "/sitemap_index.xml": { file: "sitemap_index.xml", type: "application/xml" },
    "/post-sitemap.xml": { file: "post-sitemap.xml", type: "text/xml; charset=utf-8" },
    "/Xy7Qa2B": { file: "kiwify-product.html", type: HTML },
    "/comunidade-renda-extra": { file: "hubla-product.html", type: HTML },
    "/moved": { redirectTo: () => `${canary.origin}/` },
  });
  canary = await fixtureSite({});
  t = await createTestApp({ FUNIL_FETCH_ALLOW_HOSTS: `127.0.0.1:${site.port}` });
});
afterAll(async () => {
  await t?.close();
  await site?.close();
  await canary?.close();
});
beforeEach(() => {
  site.reset();
  canary.reset();
});

async function createSource(body: Record<string, unknown>): Promise<SourceView> {
  const response = await t.request("POST", "/api/v1/outbound/sources", { body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as SourceView;
}

async function runNow(sourceId: string): Promise<RunView> {
  const started = await t.request("POST", `/api/v1/outbound/sources/${sourceId}/run`);
  expect(started.statusCode, started.body).toBe(202);
  const { id } = started.json() as { id: string };
  await t.drain();
  const run = await t.request("GET", `/api/v1/outbound/runs/${id}`);
  expect(run.statusCode).toBe(200);
  return run.json() as RunView;
}

async function candidatesOf(runId: string): Promise<CandidateView[]> {
  const response = await t.request("GET", `/api/v1/outbound/runs/${runId}/candidates?limit=200`);
  expect(response.statusCode).toBe(200);
  return (response.json() as { items: CandidateView[] }).items;
}

async function countContacts() {
  const row = await t.app.deps.db
    .selectFrom("contacts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const contactByInstagram = (handle: string) =>
  t.app.deps.db.selectFrom("contacts").selectAll().where("instagram", "=", handle).executeTakeFirst();

function expectPaced(paths: string[], minimumMs: number) {
  const times = site.requests.filter((request) => paths.includes(request.path)).map((request) => request.at);
  for (let i = 1; i < times.length; i++) {
    expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(minimumMs - 15);
  }
}

describe("an outbound run of a listing", () => {
  let listingId = "";
  let firstRun: RunView;

  it("crawls politely, lands new creators as outbound leads and recognises known people", async () => {
    // Bruno is already in the base (a form lead).
    const bruno = await t.request("POST", "/api/v1/leads", {
      body: { name: "Bruno T.", instagram: "@brunotavares_fin", source: "typeform" },
    });
    expect(bruno.statusCode).toBe(201);
    const brunoId = (bruno.json() as { id: string }).id;
    const before = await countContacts();

    const source = await createSource({
      name: "Blog Lista: finanças",
      url: `${site.origin}${LISTING}`,
      kind: "listing",
      maxDepth: 1,
      maxPages: 10,
      rateLimitMs: 120,
    });
    listingId = source.id;
    firstRun = await runNow(source.id);

    // robots.txt first, then the listing and its next page; disallowed paths never requested.
    expect(site.paths()).toEqual(["/robots.txt", LISTING, PAGE_2]);
    expect(site.unexpected).toEqual([]);
    expect(site.requests.every((request) => request.userAgent.startsWith("FunilBot/1.0"))).toBe(true);
    expectPaced(["/robots.txt", LISTING, PAGE_2], 120);

    expect(firstRun).toMatchObject({
      status: "done",
      trigger: "manual",
      pagesCap: 10,
      pagesFetched: 2,
      pagesRefused: 1,
      pagesFailed: 0,
      candidates: 7,
      newCount: 6,
      knownCount: 1,
      invalidCount: 0,
    });
    expect(firstRun.errors).toEqual([{ url: `${site.origin}/rascunhos/lista-nova/`, reason: "robots" }]);
    expect(await countContacts()).toBe(before + 6);

    const ana = await contactByInstagram("anapaula.investe");
    expect(ana).toMatchObject({
      name: "Ana Paula Moreira",
      email: "parcerias@anapaula.example.com",
      first_source: "outbound",
      custom: {
        outbound: { runId: firstRun.id, sourceId: source.id, foundOn: `${site.origin}${LISTING}` },
        youtube: "@anapaulainveste",
      },
    });
    const gabi = await contactByInstagram("gabi.souza.fin");
    expect(gabi).toMatchObject({ name: "Gabriela Souza", email: "gabi@exemplo.com.br" });

    // Bruno: recognised, not touched (no new source, still one touch).
    const candidates = await candidatesOf(firstRun.id);
    expect(candidates.find((c) => c.instagram === "brunotavares_fin")).toMatchObject({
      outcome: "known",
      contactId: brunoId,
    });
    const brunoRow = await t.app.deps.db
      .selectFrom("contacts")
      .select(["last_source", "name"])
      .where("id", "=", brunoId)
      .executeTakeFirstOrThrow();
    expect(brunoRow).toEqual({ last_source: "typeform", name: "Bruno T." });
    expect(candidates.filter((c) => c.outcome === "landed").every((c) => c.contactId !== null)).toBe(true);
    // Carla has only a YouTube channel and an e-mail: she lands by e-mail.
    expect(candidates.find((c) => c.youtube === "channel/UC1a2b3c4d5e6f7g8h9i0jKL")).toMatchObject({
      outcome: "landed",
      email: "carla.nunes@example.org",
    });

    // The lead list filters them by source.
    const leads = await t.request("GET", "/api/v1/leads?source=outbound&limit=50");
    expect(leads.statusCode).toBe(200);
    expect((leads.json() as { items: unknown[] }).items).toHaveLength(6);
  });

  it("creates nobody new on a second run: everyone is known", async () => {
    const before = await countContacts();
    const second = await runNow(listingId);
    expect(second).toMatchObject({ status: "done", candidates: 7, newCount: 0, knownCount: 7 });
    expect(await countContacts()).toBe(before);
    const firstCandidates = await candidatesOf(firstRun.id);
    const secondCandidates = await candidatesOf(second.id);
    for (const candidate of secondCandidates) {
      expect(candidate.contactId).toBe(firstCandidates.find((c) => c.key === candidate.key)?.contactId);
    }
  });

  it("paginates candidates and filters them by outcome", async () => {
    const page = await t.request("GET", `/api/v1/outbound/runs/${firstRun.id}/candidates?limit=4`);
    const body = page.json() as { items: CandidateView[]; nextCursor: string | null };
    expect(body.items).toHaveLength(4);
    expect(body.nextCursor).not.toBeNull();
    const rest = await t.request(
      "GET",
      `/api/v1/outbound/runs/${firstRun.id}/candidates?limit=4&cursor=${body.nextCursor}`,
    );
    const restBody = rest.json() as { items: CandidateView[]; nextCursor: string | null };
    expect(restBody.items).toHaveLength(3);
    expect(restBody.nextCursor).toBeNull();
    const known = await t.request("GET", `/api/v1/outbound/runs/${firstRun.id}/candidates?outcome=known`);
    expect((known.json() as { items: CandidateView[] }).items).toHaveLength(1);
  });

  it("respects the page cap and the depth", async () => {
    const source = await createSource({
      name: "Capped",
      url: `${site.origin}${LISTING}`,
      kind: "listing",
      maxDepth: 3,
      maxPages: 2,
      rateLimitMs: 50,
    });
    const run = await runNow(source.id);
    expect(run).toMatchObject({ status: "done", pagesFetched: 2, pagesCap: 2 });
    expect(site.paths()).not.toContain(PAGE_3);
    expect(site.unexpected).toEqual([]);

    const shallow = await createSource({
      name: "Generic",
      url: `${site.origin}${LISTING}`,
      kind: "generic",
      rateLimitMs: 50,
    });
    site.reset();
    const single = await runNow(shallow.id);
    expect(single).toMatchObject({ pagesFetched: 1 });
    expect(site.paths()).toEqual(["/robots.txt", LISTING]);
  });
});

describe("runs are safe to run twice", () => {
  it("lets one worker run a run; the other skips it", async () => {
    const source = await createSource({
      name: "Twice",
      url: `${site.origin}${PAGE_3}`,
      kind: "generic",
      rateLimitMs: 50,
    });
    const started = await t.request("POST", `/api/v1/outbound/sources/${source.id}/run`);
    const { id } = started.json() as { id: string };
    const outcomes = await Promise.all([
      runSource(t.app.deps, { runId: id }),
      runSource(t.app.deps, { runId: id }),
    ]);
    expect(outcomes.sort()).toEqual(["done", "skipped"]);
    await t.drain(); // the queued job finds the run done
    expect(site.paths()).toEqual(["/robots.txt", PAGE_3]);
  });

  it("redoes a crashed run without landing anyone twice", async () => {
    const source = await createSource({
      name: "Crash",
      url: `${site.origin}${PAGE_2}`,
      kind: "generic",
      rateLimitMs: 50,
    });
    const run = await runNow(source.id);
    const before = await countContacts();
    const landed = await candidatesOf(run.id);
    // As if the worker died after landing, before recording the outcomes and finishing.
    const db = outboundDb(t.app.deps.db);
    await db
      .updateTable("outbound_runs")
      .set({ status: "running", locked_until: null })
      .where("id", "=", run.id)
      .execute();
    await db
      .updateTable("outbound_candidates")
      .set({ outcome: "pending", contact_id: null })
      .where("run_id", "=", run.id)
      .execute();
    expect(await runSource(t.app.deps, { runId: run.id })).toBe("done");
    expect(await countContacts()).toBe(before);
    const again = await candidatesOf(run.id);
    expect(again.map((c) => [c.key, c.outcome, c.contactId])).toEqual(
      landed.map((c) => [c.key, c.outcome, c.contactId]),
    );
  });
});

describe("a sitemap run", () => {
  it("reads the index and its same-host sitemap, skips other hosts and robots-disallowed pages", async () => {
    const source = await createSource({
      name: "Sitemap",
      url: `${site.origin}/sitemap_index.xml`,
      kind: "sitemap",
      maxPages: 10,
      rateLimitMs: 80,
    });
    const run = await runNow(source.id);
    expect(site.paths()).toEqual([
      "/robots.txt",
      "/sitemap_index.xml",
      "/post-sitemap.xml",
      LISTING,
      PAGE_2,
      PAGE_3,
    ]);
    expect(site.unexpected).toEqual([]);
    expectPaced(site.paths(), 80);
    expect(run).toMatchObject({ status: "done", pagesFetched: 3, pagesRefused: 1, candidates: 8 });
    expect(run.errors).toEqual([{ url: `${site.origin}/privado/lista-interna/`, reason: "robots" }]);
    // Everyone was found by the earlier runs (Helena, page 3, by the "twice" run).
    expect(run).toMatchObject({ newCount: 0, knownCount: 8 });
    expect(await contactByInstagram("helena.castro.inv")).toMatchObject({ first_source: "outbound" });
  });
});

describe("store pages", () => {
  it("lands the producer of a Kiwify page and the seller of a Hubla page", async () => {
    const kiwify = await createSource({
      name: "Kiwify",
      url: `${site.origin}/Xy7Qa2B`,
      kind: "kiwify",
      maxDepth: 0,
      rateLimitMs: 50,
    });
    const kiwifyRun = await runNow(kiwify.id);
    expect(kiwifyRun).toMatchObject({ status: "done", newCount: 1 });
    expect(await contactByInstagram("marinalopes.oficial")).toMatchObject({
      name: "Marina Lopes",
      email: "suporte@marinalopes.example.com",
      first_source: "outbound",
    });
    const hubla = await createSource({
      name: "Hubla",
      url: `${site.origin}/comunidade-renda-extra`,
      kind: "hubla",
      maxDepth: 0,
      rateLimitMs: 50,
    });
    const hublaRun = await runNow(hubla.id);
    // The embedded seller and the visible seller block are one person.
    expect(hublaRun).toMatchObject({ status: "done", candidates: 1, newCount: 1 });
    expect(await contactByInstagram("rafaeldias.renda")).toMatchObject({
      name: "Rafael Dias",
      custom: expect.objectContaining({ tiktok: "rafaeldias.renda", youtube: "@rafaeldiasrenda" }),
    });
    expect(site.unexpected).toEqual([]);
  });
});

describe("the guard inside a run", () => {
  it.each([
    ["http://169.254.169.254/latest/meta-data/", "guard_address"],
    ["http://10.0.0.1/", "guard_address"],
    ["http://2130706433/", "guard_address"],
    ["http://[::ffff:127.0.0.1]/", "guard_address"],
  ])("refuses %s before connecting and records it", async (url, reason) => {
    const source = await createSource({ name: `Guarded ${url}`, url, kind: "generic" });
    const run = await runNow(source.id);
    expect(run).toMatchObject({ status: "done", pagesFetched: 0, pagesRefused: 1, candidates: 0 });
    expect(run.errors[0]?.reason).toBe(reason);
  });

  it("refuses a redirect to a loopback server that is not allow-listed", async () => {
    const source = await createSource({
      name: "Moved",
      url: `${site.origin}/moved`,
      kind: "generic",
      rateLimitMs: 50,
    });
    const run = await runNow(source.id);
    expect(run).toMatchObject({ pagesFetched: 0, pagesRefused: 1 });
    expect(run.errors[0]?.reason).toBe("guard_port");
    expect(site.paths()).toEqual(["/robots.txt", "/moved"]);
    expect(canary.requests).toHaveLength(0);
  });

  it("never reaches a loopback server that is not allow-listed", async () => {
    const source = await createSource({ name: "Canary", url: `${canary.origin}/`, kind: "generic" });
    const run = await runNow(source.id);
    expect(run).toMatchObject({ pagesFetched: 0, pagesRefused: 1 });
    expect(canary.requests).toHaveLength(0);
  });
});

describe("sources and runs over HTTP", () => {
  it("validates, conflicts on a second run, and hides other workspaces' sources", async () => {
    const invalid = await t.request("POST", "/api/v1/outbound/sources", {
      body: { name: "", url: "ftp://example.com/", kind: "nope", maxPages: 0 },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers["content-type"]).toContain("application/problem+json");

    const source = await createSource({ name: "Conflict", url: `${site.origin}/Xy7Qa2B`, kind: "kiwify" });
    const first = await t.request("POST", `/api/v1/outbound/sources/${source.id}/run`);
    expect(first.statusCode).toBe(202);
    const second = await t.request("POST", `/api/v1/outbound/sources/${source.id}/run`);
    expect(second.statusCode).toBe(409);
    await t.drain();

    const patched = await t.request("PATCH", `/api/v1/outbound/sources/${source.id}`, {
      body: { enabled: false, schedule: "weekly" },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ enabled: false, schedule: "weekly", lastRun: { status: "done" } });
    expect((await t.request("POST", `/api/v1/outbound/sources/${source.id}/run`)).statusCode).toBe(409);

    const admin = await t.app.deps.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    const other = await createWorkspace(t.app.deps, { name: "Other", adminUserId: admin.id });
    const otherKey = (
      await createApiKey(t.app.deps, { workspaceId: other.id, name: "other", role: "admin", createdBy: null })
    ).key;
    expect(
      (await t.request("GET", `/api/v1/outbound/sources/${source.id}`, { token: otherKey })).statusCode,
    ).toBe(404);
    expect(
      (await t.request("POST", `/api/v1/outbound/sources/${source.id}/run`, { token: otherKey })).statusCode,
    ).toBe(404);
    const otherRuns = await t.request("GET", "/api/v1/outbound/runs", { token: otherKey });
    expect((otherRuns.json() as { items: unknown[] }).items).toEqual([]);

    const viewerKey = (
      await createApiKey(t.app.deps, {
        workspaceId: (
          await t.app.deps.db
            .selectFrom("workspaces")
            .select("id")
            .where("is_default", "=", true)
            .executeTakeFirstOrThrow()
        ).id,
        name: "viewer",
        role: "viewer",
        createdBy: null,
      })
    ).key;
    expect((await t.request("GET", "/api/v1/outbound/sources", { token: viewerKey })).statusCode).toBe(200);
    expect(
      (
        await t.request("POST", "/api/v1/outbound/sources", {
          token: viewerKey,
          body: { name: "x", url: "https://example.com/" },
        })
      ).statusCode,
    ).toBe(403);

    expect((await t.request("DELETE", `/api/v1/outbound/sources/${source.id}`)).statusCode).toBe(204);
    expect((await t.request("GET", `/api/v1/outbound/sources/${source.id}`)).statusCode).toBe(404);
  });

  it("starts due scheduled sources once per period", async () => {
    const source = await createSource({
      name: "Daily",
      url: `${site.origin}/Xy7Qa2B`,
      kind: "kiwify",
      schedule: "daily",
    });
    const first = await startDueSources(t.app.deps);
    expect(first.started).toBeGreaterThanOrEqual(1);
    await t.drain();
    expect((await startDueSources(t.app.deps)).started).toBe(0);
    t.clock.advance(24 * 3600_000);
    t.adminToken = await t.login();
    expect((await startDueSources(t.app.deps)).started).toBeGreaterThanOrEqual(1);
    await t.drain();
    const runs = await t.request("GET", `/api/v1/outbound/runs?sourceId=${source.id}`);
    expect(runs.statusCode, runs.body).toBe(200);
    const items = (runs.json() as { items: RunView[] }).items;
    expect(items).toHaveLength(2);
    expect(items.every((run) => run.trigger === "schedule" && run.status === "done")).toBe(true);
  });
});
