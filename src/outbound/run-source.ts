import { loadBuffer } from "cheerio";
import { type Selectable, sql } from "kysely";
import type { Deps } from "../deps.ts";
import { extractLinks, extractProfiles } from "./extract-profiles.ts";
import { extractStorePage, storeVendorOf, storeVendorOfUrl } from "./extract-store-page.ts";
import { createPoliteFetcher, htmlEncodingOf, type PoliteFetcher } from "./fetch-politely.ts";
import { landCandidates } from "./land-candidates.ts";
import { readSitemap } from "./read-sitemap.ts";
import {
  type Candidate,
  type OutboundSourcesTable,
  outboundDb,
  RUN_LEASE_MS,
  RUN_MAX_ATTEMPTS,
  RUN_MAX_ERRORS,
  type RunError,
} from "./schemas.ts";

/** Sitemap documents read per run (an index and its children). */
const MAX_SITEMAPS = 20;
/** Sitemap index nesting followed. */
const MAX_SITEMAP_LEVELS = 2;
const INSERT_CHUNK = 500;
/** The depth of a page whose links are never followed (a store page reached from another host). */
const LEAF = Number.POSITIVE_INFINITY;

type Source = Pick<
  Selectable<OutboundSourcesTable>,
  "id" | "workspace_id" | "name" | "url" | "kind" | "max_pages" | "max_depth" | "rate_limit_ms"
>;

interface Stats {
  fetched: number;
  refused: number;
  failed: number;
  errors: RunError[];
}

export interface RunSourceOptions {
  /** Tests stub DNS; default: the system resolver. */
  resolve?: (host: string) => Promise<string[]>;
}

/** The URL without query or fragment, for error lists (queries may carry anything). */
function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`.slice(0, 300);
  } catch {
    return "(invalid URL)";
  }
}

/** Identifiers of a candidate, strongest first: its key is the first. */
function identifiers(candidate: Candidate): string[] {
  return [
    ...(candidate.instagram ? [`instagram:${candidate.instagram}`] : []),
    ...(candidate.email ? [`email:${candidate.email}`] : []),
    ...(candidate.youtube ? [`youtube:${candidate.youtube}`] : []),
    ...(candidate.tiktok ? [`tiktok:${candidate.tiktok}`] : []),
  ];
}

/** The run's candidates, merged when they share an identifier (one creator on several pages). */
function createCollector() {
  const byId = new Map<string, Candidate>();
  const all: Candidate[] = [];
  return {
    add(candidate: Candidate) {
      const ids = identifiers(candidate);
      if (ids.length === 0) return;
      const existing = ids.map((id) => byId.get(id)).find((found) => found !== undefined);
      const target = existing ?? { foundOn: candidate.foundOn };
      if (!existing) all.push(target);
      for (const field of ["name", "email", "instagram", "youtube", "tiktok"] as const) {
        if (target[field] === undefined && candidate[field] !== undefined) target[field] = candidate[field];
      }
      for (const id of identifiers(target)) if (!byId.has(id)) byId.set(id, target);
    },
    all: () => all,
  };
}

/**
 * One page's candidates and links. A Kiwify or Hubla store page met anywhere in a crawl (by its host,
 * or by what the page says it is) is read with the store parser, not only the generic one.
 */
function parsePage(kind: Source["kind"], body: Buffer, url: string, contentType: string | null) {
  const $ = loadBuffer(body, htmlEncodingOf(contentType));
  const vendor = kind === "kiwify" || kind === "hubla" ? kind : storeVendorOf($, url);
  const candidates = vendor ? extractStorePage($, url, vendor) : extractProfiles($, url);
  return { candidates, links: extractLinks($, url) };
}

const sameHost = (a: string, b: URL) => {
  try {
    return new URL(a).host === b.host;
  } catch {
    return false;
  }
};

/**
 * The crawl: sitemap sources read their sitemap (index files too) for pages; the others start at their
 * URL and (listing, kiwify, hubla) follow same-host links up to `max_depth`. At most `max_pages` pages
 * are requested; robots.txt refusals cost no request and are counted apart.
 */
async function crawl(
  source: Source,
  fetcher: PoliteFetcher,
  onPage: (stats: Stats) => Promise<void>,
): Promise<{ candidates: Candidate[]; stats: Stats }> {
  const stats: Stats = { fetched: 0, refused: 0, failed: 0, errors: [] };
  const collector = createCollector();
  const start = new URL(source.url);
  const seen = new Set<string>([start.toString()]);
  const queue: { url: string; depth: number }[] = [];
  const note = (url: string, reason: string) => {
    if (stats.errors.length < RUN_MAX_ERRORS) stats.errors.push({ url: displayUrl(url), reason });
  };

  if (source.kind === "sitemap") {
    const sitemaps = [{ url: start.toString(), level: 0 }];
    const read = new Set<string>();
    while (sitemaps.length > 0 && read.size < MAX_SITEMAPS && queue.length < source.max_pages) {
      const next = sitemaps.shift();
      if (!next || read.has(next.url)) continue;
      read.add(next.url);
      const outcome = await fetcher.fetch(next.url, "sitemap");
      if (outcome.status !== "ok") {
        if (outcome.status === "refused") stats.refused++;
        else stats.failed++;
        note(next.url, outcome.reason);
        await onPage(stats);
        continue;
      }
      const sitemap = readSitemap(outcome.body.toString("utf8"), outcome.url);
      if (next.level < MAX_SITEMAP_LEVELS) {
        for (const child of sitemap.sitemaps) {
          if (sameHost(child, start)) sitemaps.push({ url: child, level: next.level + 1 });
        }
      }
      for (const page of sitemap.pages) {
        if (queue.length >= source.max_pages) break;
        if (!sameHost(page, start) || seen.has(page)) continue;
        seen.add(page);
        queue.push({ url: page, depth: 0 });
      }
    }
  } else {
    queue.push({ url: start.toString(), depth: 0 });
  }

  const maxDepth = source.kind === "generic" || source.kind === "sitemap" ? 0 : source.max_depth;
  while (queue.length > 0 && stats.fetched + stats.failed < source.max_pages) {
    const next = queue.shift();
    if (!next) break;
    const outcome = await fetcher.fetch(next.url, "page");
    if (outcome.status === "ok") {
      stats.fetched++;
      seen.add(outcome.url);
      const page = parsePage(source.kind, outcome.body, outcome.url, outcome.contentType);
      for (const candidate of page.candidates) collector.add(candidate);
      if (next.depth < maxDepth) {
        for (const link of page.links) {
          if (seen.has(link) || !sameHost(link, start)) continue;
          seen.add(link);
          queue.push({ url: link, depth: next.depth + 1 });
        }
      }
      // Links to Kiwify/Hubla store pages (another host) are read too, as leaves: their links are
      // not followed. A generic source stays one page.
      if (source.kind !== "generic" && next.depth <= maxDepth) {
        for (const link of page.links) {
          if (seen.has(link) || sameHost(link, start) || storeVendorOfUrl(link) === null) continue;
          seen.add(link);
          queue.push({ url: link, depth: LEAF });
        }
      }
    } else {
      if (outcome.status === "refused") stats.refused++;
      else stats.failed++;
      note(next.url, outcome.reason);
    }
    await onPage(stats);
  }
  return { candidates: collector.all(), stats };
}

export type RunSourceOutcome = "done" | "failed" | "skipped";

/**
 * Runs one queued run: claims it (one runner at a time, by lease; a second job for it is a no-op),
 * crawls, stores the candidates (once per key and run), lands them (land-candidates.ts) and records the
 * counts. A failure that is not the target's releases the lease and is thrown so the job is retried;
 * the retry crawls again and lands nobody twice.
 */
export async function runSource(
  deps: Deps,
  input: { runId: string },
  options: RunSourceOptions = {},
): Promise<RunSourceOutcome> {
  const db = outboundDb(deps.db);
  const now = deps.clock.now();
  const run = await db
    .updateTable("outbound_runs")
    .set((eb) => ({
      status: "running",
      attempts: eb("attempts", "+", 1),
      locked_until: new Date(now.getTime() + RUN_LEASE_MS),
      started_at: sql<Date>`coalesce(started_at, ${now})`,
      pages_fetched: 0,
      pages_refused: 0,
      pages_failed: 0,
      errors: JSON.stringify([]),
      error: null,
    }))
    .where("id", "=", input.runId)
    .where("status", "in", ["queued", "running"])
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
    .returningAll()
    .executeTakeFirst();
  if (!run) return "skipped";

  const finish = async (
    status: "done" | "failed",
    error: string | null,
    stats: Stats | null,
  ): Promise<RunSourceOutcome> => {
    const counts = await db
      .selectFrom("outbound_candidates")
      .select(["outcome", (eb) => eb.fn.countAll<number>().as("n")])
      .where("run_id", "=", run.id)
      .groupBy("outcome")
      .execute();
    const count = (outcome: string) => Number(counts.find((row) => row.outcome === outcome)?.n ?? 0);
    await db
      .updateTable("outbound_runs")
      .set({
        status,
        error,
        locked_until: null,
        finished_at: deps.clock.now(),
        candidates: counts.reduce((sum, row) => sum + Number(row.n), 0),
        new_count: count("landed"),
        known_count: count("known"),
        invalid_count: count("invalid"),
        ...(stats
          ? {
              pages_fetched: stats.fetched,
              pages_refused: stats.refused,
              pages_failed: stats.failed,
              errors: JSON.stringify(stats.errors),
            }
          : {}),
      })
      .where("id", "=", run.id)
      .execute();
    deps.log.info(
      { runId: run.id, sourceId: run.source_id, status, pages: stats?.fetched ?? 0 },
      "outbound run finished",
    );
    return status;
  };

  try {
    const source = await db
      .selectFrom("outbound_sources")
      .select(["id", "workspace_id", "name", "url", "kind", "max_pages", "max_depth", "rate_limit_ms"])
      .where("id", "=", run.source_id)
      .executeTakeFirst();
    if (!source) return await finish("failed", "the source no longer exists", null);
    const fetcher = createPoliteFetcher({
      allowHosts: deps.config.outbound.fetchAllowHosts,
      rateLimitMs: source.rate_limit_ms,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
    const { candidates, stats } = await crawl({ ...source, max_pages: run.pages_cap }, fetcher, (progress) =>
      recordProgress(deps, run, progress),
    );
    for (let startAt = 0; startAt < candidates.length; startAt += INSERT_CHUNK) {
      const chunk = candidates.slice(startAt, startAt + INSERT_CHUNK);
      await db
        .insertInto("outbound_candidates")
        .values(
          chunk.map((candidate) => ({
            workspace_id: run.workspace_id,
            run_id: run.id,
            key: identifiers(candidate)[0] as string,
            name: candidate.name ?? null,
            email: candidate.email ?? null,
            instagram: candidate.instagram ?? null,
            youtube: candidate.youtube ?? null,
            tiktok: candidate.tiktok ?? null,
            found_on: candidate.foundOn.slice(0, 2000),
          })),
        )
        .onConflict((oc) => oc.columns(["run_id", "key"]).doNothing())
        .execute();
    }
    await landCandidates(deps, run);
    deps.log.info(
      { runId: run.id, host: new URL(source.url).host, candidates: candidates.length },
      "outbound candidates landed",
    );
    return await finish("done", null, stats);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    if (run.attempts >= RUN_MAX_ATTEMPTS) {
      return finish("failed", `gave up after ${run.attempts} attempts: ${message}`, null);
    }
    await db
      .updateTable("outbound_runs")
      .set({ locked_until: null, error: message })
      .where("id", "=", run.id)
      .execute();
    throw error;
  }
}

/** Progress after each page: counts so far and a longer lease. */
async function recordProgress(deps: Deps, run: { id: string }, stats: Stats) {
  await outboundDb(deps.db)
    .updateTable("outbound_runs")
    .set({
      pages_fetched: stats.fetched,
      pages_refused: stats.refused,
      pages_failed: stats.failed,
      errors: JSON.stringify(stats.errors),
      locked_until: new Date(deps.clock.now().getTime() + RUN_LEASE_MS),
    })
    .where("id", "=", run.id)
    .execute();
}
