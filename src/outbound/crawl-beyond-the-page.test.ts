import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { load } from "cheerio";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { storeVendorOf, storeVendorOfUrl } from "./extract-store-page.ts";
import { decodeSitemapBody } from "./fetch-politely.ts";
import { runSource } from "./run-source.ts";
import type { CandidateView, RunView, SourceView } from "./schemas.ts";

/**
 * The crawler past a single HTML page: gzipped sitemaps (and gzip bombs), robots.txt of the hosts a
 * redirect leads to, and Kiwify/Hubla store pages met inside a listing crawl.
 */

const FIXTURES = join(import.meta.dirname, "../../fixtures/outbound");
const HTML = "text/html; charset=utf-8";

type Route = { status?: number; type?: string; body?: string | Buffer; location?: () => string };

/** A local site; a request for a path it does not serve is recorded as unexpected. */
async function site(routes: Record<string, Route>) {
  const requests: string[] = [];
  const unexpected: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? "/";
    requests.push(path);
    const route = routes[path];
    if (!route) {
      unexpected.push(path);
      response.writeHead(500).end();
      return;
    }
    if (route.location) {
      response.writeHead(route.status ?? 302, { location: route.location() }).end();
      return;
    }
    response.writeHead(route.status ?? 200, { "content-type": route.type ?? HTML }).end(route.body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    routes,
    requests,
    unexpected,
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

type Site = Awaited<ReturnType<typeof site>>;

const creatorCard = (name: string, handle: string) =>
  `<li class="creator-card"><h3>${name}</h3><a href="https://www.instagram.com/${handle}/">Instagram</a></li>`;
const page = (title: string, body: string) =>
  `<!doctype html><html lang="pt-BR"><head><title>${title}</title></head><body><main>${body}</main></body></html>`;
const urlset = (urls: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls
    .map((url) => `<url><loc>${url}</loc></url>`)
    .join("")}</urlset>`;

let a: Site;
let b: Site;
let store: Site;
let t: TestApp;
/** The Kiwify checkout host, served by `store` (DNS stubbed to 127.0.0.1). */
let kiwifyOrigin = "";
const resolve = async (host: string) => {
  if (host === "pay.kiwify.com.br") return ["127.0.0.1"];
  throw new Error(`unexpected DNS lookup of ${host}`);
};

beforeAll(async () => {
  b = await site({
    "/robots.txt": { type: "text/plain", body: "User-agent: *\nDisallow: /privado/\n" },
    "/ok/": { body: page("Lista B", creatorCard("Beatriz Ramos", "beatriz.ramos.fin")) },
    "/privado/lista/": { body: page("Privado", creatorCard("Nunca Lida", "nunca.lida")) },
  });
  store = await site({
    "/robots.txt": { status: 404 },
    "/Xy7Qa2B": { body: readFileSync(join(FIXTURES, "kiwify-product.html"), "utf8") },
  });
  kiwifyOrigin = `http://pay.kiwify.com.br:${store.port}`;
  a = await site({});
  const pageUrls = [`${a.origin}/lista-gz/`, `${a.origin}/privado/x/`];
  Object.assign(a.routes, {
    "/robots.txt": { type: "text/plain", body: "User-agent: *\nDisallow: /privado/\n" },
    "/sitemap.xml.gz": { type: "application/x-gzip", body: gzipSync(urlset(pageUrls)) },
    "/sitemap_index.xml": {
      type: "application/xml",
      body: `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${a.origin}/posts.xml.gz</loc></sitemap></sitemapindex>`,
    },
    "/posts.xml.gz": {
      type: "application/octet-stream",
      body: gzipSync(urlset([`${a.origin}/lista-gz/`])),
    },
    // 64 MiB of spaces inflating from ~64 KiB: over the cap once inflated.
    "/bomb.xml.gz": { type: "application/gzip", body: gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)) },
    "/fake.xml.gz": { type: "application/gzip", body: "not gzip at all" },
    "/lista-gz/": { body: page("Lista gz", creatorCard("Glória Zanetti", "gloria.zanetti")) },
    "/para-b-privado": { location: () => `${b.origin}/privado/lista/` },
    "/para-b-ok": { location: () => `${b.origin}/ok/` },
    "/lojas/": {
      body: page(
        "Cursos de criadores",
        `${creatorCard("Otávio Lima", "otavio.lima.cursos")}
         <p><a href="${kiwifyOrigin}/Xy7Qa2B">Método Orçamento Zero</a></p>
         <p><a href="${a.origin}/comunidade/">Comunidade (Hubla)</a></p>`,
      ),
    },
    // A producer's own domain pointing at Hubla: known by the page, not the host.
    "/comunidade/": { body: readFileSync(join(FIXTURES, "hubla-product.html"), "utf8") },
  });
  t = await createTestApp({
    FUNIL_FETCH_ALLOW_HOSTS: `127.0.0.1:${a.port},127.0.0.1:${b.port},pay.kiwify.com.br:${store.port}`,
  });
});
afterAll(async () => {
  await t?.close();
  for (const server of [a, b, store]) await server?.close();
});
beforeEach(() => {
  for (const server of [a, b, store]) server.reset();
});

async function run(body: Record<string, unknown>): Promise<{ run: RunView; candidates: CandidateView[] }> {
  const created = await t.request("POST", "/api/v1/outbound/sources", { body: { rateLimitMs: 50, ...body } });
  expect(created.statusCode, created.body).toBe(201);
  const source = created.json() as SourceView;
  const started = await t.request("POST", `/api/v1/outbound/sources/${source.id}/run`);
  expect(started.statusCode, started.body).toBe(202);
  const { id } = started.json() as { id: string };
  expect(await runSource(t.app.deps, { runId: id }, { resolve })).toBe("done");
  await t.drain(); // the queued job finds the run done
  const view = (await t.request("GET", `/api/v1/outbound/runs/${id}`)).json() as RunView;
  const candidates = (
    (await t.request("GET", `/api/v1/outbound/runs/${id}/candidates?limit=50`)).json() as {
      items: CandidateView[];
    }
  ).items;
  return { run: view, candidates };
}

describe("gzipped sitemaps", () => {
  it("reads sitemap.xml.gz through the guard and crawls its pages (robots still applies)", async () => {
    const { run: result, candidates } = await run({
      name: "gz",
      url: `${a.origin}/sitemap.xml.gz`,
      kind: "sitemap",
    });
    expect(result).toMatchObject({ status: "done", pagesFetched: 1, pagesRefused: 1, pagesFailed: 0 });
    expect(candidates.map((candidate) => candidate.instagram)).toEqual(["gloria.zanetti"]);
    expect(a.requests).toEqual(["/robots.txt", "/sitemap.xml.gz", "/lista-gz/"]);
    expect(a.unexpected).toEqual([]);
  });

  it("follows a sitemap index to its .gz children", async () => {
    const { run: result } = await run({
      name: "index",
      url: `${a.origin}/sitemap_index.xml`,
      kind: "sitemap",
    });
    expect(result).toMatchObject({ status: "done", pagesFetched: 1, candidates: 1 });
    expect(a.requests).toEqual(["/robots.txt", "/sitemap_index.xml", "/posts.xml.gz", "/lista-gz/"]);
  });

  it("refuses a gzip bomb once inflated past the cap, and bytes that only claim to be gzip", async () => {
    const bomb = await run({ name: "bomb", url: `${a.origin}/bomb.xml.gz`, kind: "sitemap" });
    expect(bomb.run).toMatchObject({ status: "done", pagesFetched: 0, pagesFailed: 1, candidates: 0 });
    expect(bomb.run.errors).toEqual([{ url: `${a.origin}/bomb.xml.gz`, reason: "too_large" }]);
    const fake = await run({ name: "fake", url: `${a.origin}/fake.xml.gz`, kind: "sitemap" });
    expect(fake.run.errors).toEqual([{ url: `${a.origin}/fake.xml.gz`, reason: "gzip" }]);
  });

  it("decodes plain and gzipped bodies with one cap", () => {
    const xml = urlset(["https://example.com/a"]);
    expect(decodeSitemapBody(Buffer.from(xml), "application/xml", 1024)).toEqual({ ok: true, xml });
    expect(decodeSitemapBody(gzipSync(xml), "application/xml", 1024)).toEqual({ ok: true, xml });
    expect(decodeSitemapBody(gzipSync(Buffer.alloc(4096)), "application/gzip", 1024)).toEqual({
      ok: false,
      reason: "too_large",
    });
    expect(decodeSitemapBody(Buffer.from("<x/>"), "application/octet-stream", 1024)).toEqual({
      ok: false,
      reason: "content_type",
    });
  });
});

describe("robots.txt of a redirect's target", () => {
  it("does not follow a redirect to a path the other host's robots.txt disallows", async () => {
    const { run: result } = await run({
      name: "to B (private)",
      url: `${a.origin}/para-b-privado`,
      kind: "generic",
    });
    expect(result).toMatchObject({ status: "done", pagesFetched: 0, pagesRefused: 1 });
    expect(result.errors).toEqual([{ url: `${a.origin}/para-b-privado`, reason: "robots" }]);
    expect(b.requests).toEqual(["/robots.txt"]);
  });

  it("follows one the other host allows, reading its robots.txt first", async () => {
    const { run: result, candidates } = await run({
      name: "to B",
      url: `${a.origin}/para-b-ok`,
      kind: "generic",
    });
    expect(result).toMatchObject({ status: "done", pagesFetched: 1, pagesRefused: 0 });
    expect(candidates.map((candidate) => candidate.instagram)).toEqual(["beatriz.ramos.fin"]);
    expect(b.requests).toEqual(["/robots.txt", "/ok/"]);
  });
});

describe("store pages met inside a crawl", () => {
  it("reads Kiwify (by host) and Hubla (by page) pages linked from a listing with their own parsers", async () => {
    const { run: result, candidates } = await run({
      name: "lojas",
      url: `${a.origin}/lojas/`,
      kind: "listing",
      maxDepth: 1,
    });
    expect(result).toMatchObject({ status: "done", pagesFetched: 3, pagesFailed: 0 });
    // The producer's support e-mail sits only in Kiwify's __NEXT_DATA__: the generic parser misses it.
    expect(candidates.find((candidate) => candidate.instagram === "marinalopes.oficial")).toMatchObject({
      name: "Marina Lopes",
      email: "suporte@marinalopes.example.com",
      outcome: "landed",
    });
    expect(candidates.find((candidate) => candidate.instagram === "rafaeldias.renda")).toMatchObject({
      name: "Rafael Dias",
      email: "contato@rafaeldias.example.com",
    });
    expect(candidates.some((candidate) => candidate.instagram === "otavio.lima.cursos")).toBe(true);
    expect(store.requests).toEqual(["/robots.txt", "/Xy7Qa2B"]);
    expect([...a.unexpected, ...store.unexpected]).toEqual([]);
  });

  it("tells store pages by host or by what the page says it is", () => {
    expect(storeVendorOfUrl("https://pay.kiwify.com.br/Xy7Qa2B")).toBe("kiwify");
    expect(storeVendorOfUrl("https://hub.la/comunidade")).toBe("hubla");
    expect(storeVendorOfUrl("https://notkiwify.com.br/")).toBeNull();
    const next = (title: string) =>
      load(
        `<html><head><title>${title}</title></head><body><script id="__NEXT_DATA__">{}</script></body></html>`,
      );
    expect(storeVendorOf(next("Comunidade | Hubla"), "https://cursos.example.com/x")).toBe("hubla");
    expect(storeVendorOf(next("Método - Kiwify"), "https://cursos.example.com/x")).toBe("kiwify");
    expect(storeVendorOf(next("Minha loja"), "https://cursos.example.com/x")).toBeNull();
    expect(storeVendorOf(load("<title>Algo | Hubla</title>"), "https://cursos.example.com/x")).toBeNull();
  });
});
