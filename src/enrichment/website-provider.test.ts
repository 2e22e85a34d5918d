import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { load } from "cheerio";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import { replaceEnrichmentRuntime } from "./create-enrichment-runtime.ts";
import { extractSiteContacts } from "./extract-site-contacts.ts";
import { discoveryBody, type FakeApi, startFakeGraphApi } from "./fake-apis.ts";
import type { EnrichmentStats } from "./get-enrichment-stats.ts";
import type { LeadEnrichmentDetail } from "./get-lead-enrichment.ts";
import { instagramProvider } from "./instagram-provider.ts";
import { websiteProvider } from "./website-provider.ts";
import { youtubeProvider } from "./youtube-provider.ts";

const IG_USER = "17841455500011122";
const TOKEN = "EAAG-test-token";
const now = new Date(FIXED_NOW).getTime();
const at = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString().replace(".000Z", "+0000");

/** A creator's own site on 127.0.0.1 (allow-listed); unexpected paths are recorded and fail the test. */
type Route = { status: number; type?: string; body?: string };
let routes: Record<string, Route> = {};
const requests: string[] = [];
const unexpected: string[] = [];
let server: Server;
let origin = "";
let graph: FakeApi;
let t: TestApp;

const HOME = `<!doctype html><html lang="pt-BR"><head><title>Marina Lopes · Finanças sem drama</title></head>
<body>
  <header><nav><a href="/">Início</a> <a href="https://www.instagram.com/marinalopes.oficial/">Instagram</a></nav></header>
  <main>
    <h1>Finanças sem drama</h1>
    <p>Cursos e mentorias. <a href="https://www.youtube.com/@MarinaLopesFin">Meu canal</a></p>
    <div class="share-buttons"><a href="https://www.instagram.com/sharer/">Compartilhar</a><a href="https://www.tiktok.com/@outra.pessoa">TikTok</a></div>
    <p>Leia também o perfil da <a href="https://www.instagram.com/amiga.convidada/">convidada</a>.</p>
  </main>
  <footer class="contato">
    <a href="mailto:parcerias@marinalopes.example.com?subject=Oi">parcerias@marinalopes.example.com</a>
    <a href="https://wa.me/5511987654321">WhatsApp</a>
    <span>Atendimento: (11) 3456-7890</span>
    <span>CNPJ 12.345.678/0001-90</span>
  </footer>
</body></html>`;

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? "/";
    requests.push(path);
    const route = routes[path];
    if (!route) {
      unexpected.push(path);
      response.writeHead(500).end();
      return;
    }
    response
      .writeHead(route.status, { "content-type": route.type ?? "text/html; charset=utf-8" })
      .end(route.body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  graph = await startFakeGraphApi({ igUserId: IG_USER, accessToken: TOKEN });
  t = await createTestApp({ FUNIL_META_GRAPH_URL: graph.url, FUNIL_FETCH_ALLOW_HOSTS: `127.0.0.1:${port}` });
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
  routes = {};
  requests.length = 0;
  unexpected.length = 0;
  replaceEnrichmentRuntime(t.app.deps, {
    timeoutMs: 2000,
    maxAttempts: 3,
    initialDelayMs: 1,
    maxDelayMs: 4,
    breakerThreshold: 50,
    halfOpenAfterMs: 60_000,
    providers: [
      websiteProvider({ ratePerSecond: 50, hostIntervalMs: 50 }),
      instagramProvider({ mediaLimit: 12, maxMediaPages: 2, ratePerSecond: 50 }),
      youtubeProvider({ ratePerSecond: 50 }),
    ],
  });
});
afterEach(() => {
  try {
    expect(unexpected).toEqual([]);
    graph.verify();
  } finally {
    graph.reset();
  }
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
  await new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
});

async function lead(body: Record<string, unknown>): Promise<string> {
  const response = await t.request("POST", "/api/v1/leads", { body });
  expect([200, 201]).toContain(response.statusCode);
  return (response.json() as { id: string }).id;
}
async function enrichNow(id: string) {
  expect((await t.request("POST", `/api/v1/leads/${id}/enrich`)).statusCode).toBe(202);
  await t.drain();
}
const detail = async (id: string) =>
  (await t.request("GET", `/api/v1/leads/${id}/enrichment`)).json() as LeadEnrichmentDetail;

describe("the website provider", () => {
  it("reads a website-only contact's site, records what it shows with provenance, and Instagram then uses the handle found", async () => {
    routes = {
      "/robots.txt": { status: 200, type: "text/plain", body: "User-agent: *\nDisallow: /admin/\n" },
      "/": { status: 200, body: HOME },
    };
    graph.expect("marinalopes.oficial", {
      body: discoveryBody({
        username: "marinalopes.oficial",
        followers: 48_000,
        mediaCount: 310,
        media: [
          { id: "m1", likes: 900, comments: 40, timestamp: at(2), type: "VIDEO", productType: "REELS" },
          { id: "m2", likes: 500, comments: 20, timestamp: at(6) },
        ],
      }),
    });
    const id = await lead({
      name: "Marina Lopes",
      email: "marina@example.com",
      custom: { website: `${origin}/` },
    });
    await enrichNow(id);

    expect(requests).toEqual(["/robots.txt", "/"]);
    const view = await detail(id);
    // The site showed a YouTube channel too, and no YouTube key is configured: partial, and why.
    expect(view).toMatchObject({ status: "partial", errorCode: "no_connection" });
    expect(view.website).toMatchObject({
      url: `${origin}/`,
      title: "Marina Lopes · Finanças sem drama",
      instagram: "marinalopes.oficial",
      youtube: "@marinalopesfin",
      tiktok: null,
      emails: ["parcerias@marinalopes.example.com"],
      phones: ["+5511987654321", "+551134567890"],
    });
    // Instagram was asked for the handle the site showed; its numbers are on the lead.
    expect(view.instagram).toMatchObject({ followers: 48_000, mediaCount: 310 });
    expect(view.providers.map((p) => [p.provider, p.status])).toEqual([
      ["meta_business_discovery", "enriched"],
      ["website", "enriched"],
      ["youtube_data_api", "skipped"],
    ]);
    const provenance = (network: string, field: string) =>
      view.fields.find((f) => f.network === network && f.field === field);
    expect(provenance("website", "instagram")).toMatchObject({
      provider: "website",
      value: "marinalopes.oficial",
      raw: expect.arrayContaining(["instagram:marinalopes.oficial", "instagram:amiga.convidada"]),
      fetchedAt: FIXED_NOW,
    });
    expect(provenance("website", "url")).toMatchObject({ value: `${origin}/`, raw: `${origin}/` });
    expect(provenance("instagram", "followers")).toMatchObject({ provider: "meta_business_discovery" });

    // A website-only contact counts in the coverage.
    const stats = (await t.request("GET", "/api/v1/enrichment/stats")).json() as EnrichmentStats;
    expect(stats.eligible).toBeGreaterThanOrEqual(1);
    expect(stats.providers.find((p) => p.provider === "website")).toMatchObject({ runs: 1, enriched: 1 });
  });

  it("keeps the contact's own handle over one the site shows", async () => {
    routes = { "/robots.txt": { status: 404 }, "/": { status: 200, body: HOME } };
    graph.expect("marina.propria", {
      body: discoveryBody({
        username: "marina.propria",
        followers: 1000,
        media: [{ id: "x", timestamp: at(1) }],
      }),
    });
    const id = await lead({
      name: "Marina",
      instagram: "@marina.propria",
      custom: { website: `${origin}/` },
    });
    await enrichNow(id);
    const view = await detail(id);
    expect(view.website?.instagram).toBe("marinalopes.oficial");
    expect(graph.count("marinalopes.oficial")).toBe(0);
  });

  it("says partial when the site shows nothing, and respects robots.txt", async () => {
    routes = {
      "/robots.txt": { status: 200, type: "text/plain", body: "User-agent: *\nDisallow: /privado/\n" },
      "/vazio/": {
        status: 200,
        body: "<html><head><title>Em breve</title></head><body><p>Em breve.</p></body></html>",
      },
    };
    const empty = await lead({
      name: "Site Vazio",
      email: "vazio@example.com",
      custom: { website: `${origin}/vazio/` },
    });
    await enrichNow(empty);
    const emptyView = await detail(empty);
    expect(emptyView).toMatchObject({ status: "partial", errorCode: "insufficient_data" });
    expect(emptyView.website).toMatchObject({ title: "Em breve", emails: [], phones: [], instagram: null });

    const hidden = await lead({
      name: "Privado",
      email: "privado@example.com",
      custom: { website: `${origin}/privado/` },
    });
    await enrichNow(hidden);
    const hiddenView = await detail(hidden);
    expect(hiddenView).toMatchObject({ status: "failed", errorCode: "refused" });
    expect(hiddenView.providers[0]).toMatchObject({
      provider: "website",
      status: "failed",
      errorCode: "refused",
      errorMessage: "the site's robots.txt does not allow reading this page",
      failures: 1,
    });
    expect(requests).not.toContain("/privado/");
  });

  it("retries a failing site with backoff, then records the failure per contact and in aggregate", async () => {
    routes = { "/robots.txt": { status: 404 }, "/fora/": { status: 503 } };
    const id = await lead({
      name: "Fora do Ar",
      email: "fora@example.com",
      custom: { website: `${origin}/fora/` },
    });
    await enrichNow(id);
    expect(requests.filter((path) => path === "/fora/")).toHaveLength(3);
    expect(await detail(id)).toMatchObject({ status: "failed", errorCode: "upstream_error" });
    const stats = (await t.request("GET", "/api/v1/enrichment/stats")).json() as EnrichmentStats;
    expect(stats.failuresByReason).toEqual(expect.arrayContaining([{ reason: "upstream_error", count: 1 }]));
    expect(stats.providers.find((p) => p.provider === "website")?.averageMs).not.toBeNull();
  });

  it("is refused by the SSRF guard for a private address", async () => {
    const id = await lead({
      name: "Interno",
      email: "interno@example.com",
      custom: { website: "http://10.0.0.7/" },
    });
    await enrichNow(id);
    expect(await detail(id)).toMatchObject({ status: "failed", errorCode: "refused" });
  });
});

describe("extractSiteContacts", () => {
  it("prefers the site's own chrome, skips share buttons, reads phones only where contacts are written", () => {
    const found = extractSiteContacts(load(HOME), "https://marinalopes.example.com/");
    expect(found).toMatchObject({
      instagram: "marinalopes.oficial",
      youtube: "@marinalopesfin",
      tiktok: null,
      emails: ["parcerias@marinalopes.example.com"],
      phones: ["+5511987654321", "+551134567890"],
    });
    expect(found.profiles).not.toContain("tiktok:outra.pessoa");
  });
});
