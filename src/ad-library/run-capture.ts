import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { connectProvider } from "./connect-provider.ts";
import { landAdvertisers } from "./land-advertisers.ts";
import { type AdLibraryProvider, AdLibraryProviderError, type AdSighting } from "./providers.ts";
import { ADVERTISER_SNAPSHOTS, adLibraryDb, RUN_LEASE_MS, RUN_MAX_ATTEMPTS } from "./schemas.ts";

export type RunCaptureOutcome = "done" | "failed" | "skipped";

/** Advertisers folded per transaction. */
const CHUNK = 200;

interface ClaimedRun {
  id: string;
  workspace_id: string;
  since: string;
  until: string;
  search_terms: string[];
  countries: string[];
  publisher_platforms: string[];
  attempts: number;
}

/** Distinct values in first-seen order (snapshot links: newest first). */
const union = (...lists: string[][]) => [...new Set(lists.flat())];
const sortedUnion = (...lists: string[][]) => union(...lists).sort();

/**
 * One capture (the job): claims the run (one runner at a time, by lease), pages through the provider
 * for every search term over the run's window, records each ad once per Library ID (a re-run moves its
 * last-seen, never counts it twice), folds the ads into advertisers (one per page id: ads seen, first
 * and last seen, snapshot links, platforms, terms) and lands each advertiser as a lead with source
 * `meta_ads` (land-advertisers.ts). A provider failure (token, quota, unreachable after retries) ends the
 * run as failed, keeping what the pages read so far found; any other error releases the lease and is
 * thrown, so the job is retried (everything it wrote is idempotent).
 */
export async function runCapture(
  deps: Deps,
  input: { runId: string; provider?: AdLibraryProvider },
): Promise<RunCaptureOutcome> {
  const db = adLibraryDb(deps.db);
  const now = deps.clock.now();
  const claimed: ClaimedRun | undefined = await db
    .updateTable("ad_library_runs")
    .set((eb) => ({
      status: "running",
      attempts: eb("attempts", "+", 1),
      locked_until: new Date(now.getTime() + RUN_LEASE_MS),
      started_at: sql<Date>`coalesce(started_at, ${now})`,
      error: null,
    }))
    .where("id", "=", input.runId)
    .where("status", "in", ["queued", "running"])
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
    .returning([
      "id",
      "workspace_id",
      sql<string>`since::text`.as("since"),
      sql<string>`until::text`.as("until"),
      "search_terms",
      "countries",
      "publisher_platforms",
      "attempts",
    ])
    .executeTakeFirst();
  if (!claimed) return "skipped";
  const run = claimed;

  const finish = async (status: "done" | "failed", error: string | null) => {
    const counts = await countRun(deps, run);
    await db
      .updateTable("ad_library_runs")
      .set({ ...counts, status, error, locked_until: null, finished_at: deps.clock.now() })
      .where("id", "=", run.id)
      .execute();
    deps.log.info({ runId: run.id, status, ...counts }, "ad library capture finished");
    return status;
  };

  try {
    let providerError: string | null = null;
    let pages = 0;
    try {
      const provider = input.provider ?? (await connectProvider(deps, run.workspace_id));
      const search = provider.search({
        terms: run.search_terms,
        countries: run.countries,
        since: run.since,
        until: run.until,
        publisherPlatforms: run.publisher_platforms,
      });
      for await (const page of search) {
        await recordAds(deps, run, page.term, page.ads, now);
        pages++;
        await db
          .updateTable("ad_library_runs")
          .set({ pages, locked_until: new Date(deps.clock.now().getTime() + RUN_LEASE_MS) })
          .where("id", "=", run.id)
          .execute();
      }
    } catch (error) {
      if (!(error instanceof AdLibraryProviderError)) throw error;
      providerError = error.message;
    }
    await foldAdvertisers(deps, run, now);
    await landAdvertisers(deps, { id: run.id, workspaceId: run.workspace_id });
    return await finish(providerError ? "failed" : "done", providerError);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    if (run.attempts >= RUN_MAX_ATTEMPTS)
      return finish("failed", `gave up after ${run.attempts} attempts: ${message}`);
    await db
      .updateTable("ad_library_runs")
      .set({ locked_until: null, error: message })
      .where("id", "=", run.id)
      .execute();
    throw error;
  }
}

/** One page: each Library ID once (its terms merged); a known ad moves its last run and last seen. */
async function recordAds(deps: Deps, run: ClaimedRun, term: string, ads: AdSighting[], now: Date) {
  const byId = new Map<string, AdSighting>();
  for (const ad of ads) if (!byId.has(ad.libraryId)) byId.set(ad.libraryId, ad);
  if (byId.size === 0) return;
  await adLibraryDb(deps.db)
    .insertInto("ad_library_ads")
    .values(
      [...byId.values()].map((ad) => ({
        workspace_id: run.workspace_id,
        library_id: ad.libraryId,
        page_id: ad.pageId,
        page_name: ad.pageName,
        snapshot_url: ad.snapshotUrl,
        platforms: JSON.stringify(ad.platforms),
        terms: JSON.stringify([term]),
        delivery_start: ad.deliveryStart,
        delivery_stop: ad.deliveryStop,
        first_run_id: run.id,
        last_run_id: run.id,
        first_seen_at: now,
        last_seen_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(["workspace_id", "library_id"]).doUpdateSet({
        page_id: (eb) => eb.ref("excluded.page_id"),
        page_name: sql<string | null>`coalesce(excluded.page_name, ad_library_ads.page_name)`,
        snapshot_url: sql<string | null>`coalesce(excluded.snapshot_url, ad_library_ads.snapshot_url)`,
        platforms: sql<string>`(select coalesce(jsonb_agg(distinct p), '[]'::jsonb) from jsonb_array_elements_text(ad_library_ads.platforms || excluded.platforms) as p)`,
        terms: sql<string>`(select coalesce(jsonb_agg(distinct t), '[]'::jsonb) from jsonb_array_elements_text(ad_library_ads.terms || excluded.terms) as t)`,
        delivery_start: sql<string | null>`coalesce(excluded.delivery_start, ad_library_ads.delivery_start)`,
        delivery_stop: (eb) => eb.ref("excluded.delivery_stop"),
        last_run_id: (eb) => eb.ref("excluded.last_run_id"),
        last_seen_at: sql<Date>`greatest(ad_library_ads.last_seen_at, excluded.last_seen_at)`,
      }),
    )
    .execute();
}

interface Folded {
  pageId: string;
  pageName: string | null;
  snapshots: string[];
  platforms: string[];
  terms: string[];
  ads: number;
  adsNew: number;
}

/**
 * The run's ads, per page: the advertiser row (created, or updated: ads seen = its distinct Library IDs,
 * last seen = this run, newest snapshots first) and what this run did for it (new or updated).
 */
async function foldAdvertisers(deps: Deps, run: ClaimedRun, now: Date) {
  const db = adLibraryDb(deps.db);
  const rows = await db
    .selectFrom("ad_library_ads")
    .select(["library_id", "page_id", "page_name", "snapshot_url", "platforms", "terms", "first_run_id"])
    .where("workspace_id", "=", run.workspace_id)
    .where("last_run_id", "=", run.id)
    .orderBy("page_id")
    .orderBy(sql`delivery_start desc nulls last`)
    .orderBy("library_id", "desc")
    .execute();
  const pages = new Map<string, Folded>();
  for (const row of rows) {
    let folded = pages.get(row.page_id);
    if (!folded) {
      folded = {
        pageId: row.page_id,
        pageName: null,
        snapshots: [],
        platforms: [],
        terms: [],
        ads: 0,
        adsNew: 0,
      };
      pages.set(row.page_id, folded);
    }
    folded.pageName ??= row.page_name;
    if (row.snapshot_url && folded.snapshots.length < ADVERTISER_SNAPSHOTS)
      folded.snapshots.push(row.snapshot_url);
    folded.platforms = sortedUnion(folded.platforms, row.platforms);
    folded.terms = sortedUnion(folded.terms, row.terms);
    folded.ads++;
    if (row.first_run_id === run.id) folded.adsNew++;
  }
  const all = [...pages.values()];
  for (let start = 0; start < all.length; start += CHUNK) {
    const chunk = all.slice(start, start + CHUNK);
    const pageIds = chunk.map((page) => page.pageId);
    await deps.db.transaction().execute(async (tx) => {
      const trx = adLibraryDb(tx);
      const totals = new Map(
        (
          await trx
            .selectFrom("ad_library_ads")
            .select(["page_id", (eb) => eb.fn.countAll<string>().as("n")])
            .where("workspace_id", "=", run.workspace_id)
            .where("page_id", "in", pageIds)
            .groupBy("page_id")
            .execute()
        ).map((row) => [row.page_id, Number(row.n)]),
      );
      const existing = new Map(
        (
          await trx
            .selectFrom("ad_library_advertisers")
            .selectAll()
            .where("workspace_id", "=", run.workspace_id)
            .where("page_id", "in", pageIds)
            .forUpdate()
            .execute()
        ).map((row) => [row.page_id, row]),
      );
      const upserted = await trx
        .insertInto("ad_library_advertisers")
        .values(
          chunk.map((page) => {
            const before = existing.get(page.pageId);
            return {
              workspace_id: run.workspace_id,
              page_id: page.pageId,
              page_name: page.pageName ?? before?.page_name ?? null,
              ads_seen: totals.get(page.pageId) ?? page.ads,
              first_seen_at: before?.first_seen_at ?? now,
              last_seen_at: before && before.last_seen_at > now ? before.last_seen_at : now,
              snapshot_urls: JSON.stringify(
                union(page.snapshots, before?.snapshot_urls ?? []).slice(0, ADVERTISER_SNAPSHOTS),
              ),
              platforms: JSON.stringify(sortedUnion(before?.platforms ?? [], page.platforms)),
              terms: JSON.stringify(sortedUnion(before?.terms ?? [], page.terms)),
              first_run_id: before ? before.first_run_id : run.id,
              last_run_id: run.id,
              contact_id: before?.contact_id ?? null,
              created_at: before?.created_at ?? now,
              updated_at: now,
            };
          }),
        )
        .onConflict((oc) =>
          oc.columns(["workspace_id", "page_id"]).doUpdateSet((eb) => ({
            page_name: eb.ref("excluded.page_name"),
            ads_seen: eb.ref("excluded.ads_seen"),
            last_seen_at: eb.ref("excluded.last_seen_at"),
            snapshot_urls: eb.ref("excluded.snapshot_urls"),
            platforms: eb.ref("excluded.platforms"),
            terms: eb.ref("excluded.terms"),
            last_run_id: eb.ref("excluded.last_run_id"),
            updated_at: eb.ref("excluded.updated_at"),
          })),
        )
        .returning(["id", "page_id", "first_run_id"])
        .execute();
      const byPage = new Map(chunk.map((page) => [page.pageId, page]));
      await trx
        .insertInto("ad_library_run_advertisers")
        .values(
          upserted.map((row) => ({
            run_id: run.id,
            advertiser_id: row.id,
            workspace_id: run.workspace_id,
            outcome: row.first_run_id === run.id ? ("new" as const) : ("updated" as const),
            ads: byPage.get(row.page_id)?.ads ?? 0,
            ads_new: byPage.get(row.page_id)?.adsNew ?? 0,
          })),
        )
        .onConflict((oc) =>
          oc.columns(["run_id", "advertiser_id"]).doUpdateSet((eb) => ({
            ads: eb.ref("excluded.ads"),
            ads_new: eb.ref("excluded.ads_new"),
          })),
        )
        .execute();
    });
  }
}

/** The run's counters, from what it recorded (so a retried run counts nothing twice). */
async function countRun(deps: Deps, run: ClaimedRun) {
  const db = adLibraryDb(deps.db);
  const ads = await db
    .selectFrom("ad_library_ads")
    .select([
      (eb) => eb.fn.countAll<string>().as("ads"),
      sql<string>`count(*) filter (where first_run_id = ${run.id})`.as("ads_new"),
    ])
    .where("workspace_id", "=", run.workspace_id)
    .where("last_run_id", "=", run.id)
    .executeTakeFirstOrThrow();
  const advertisers = await db
    .selectFrom("ad_library_run_advertisers")
    .select([
      (eb) => eb.fn.countAll<string>().as("advertisers"),
      sql<string>`count(*) filter (where outcome = 'new')`.as("advertisers_new"),
    ])
    .where("run_id", "=", run.id)
    .executeTakeFirstOrThrow();
  const total = Number(advertisers.advertisers);
  const created = Number(advertisers.advertisers_new);
  return {
    ads: Number(ads.ads),
    ads_new: Number(ads.ads_new),
    advertisers: total,
    advertisers_new: created,
    advertisers_updated: total - created,
  };
}
