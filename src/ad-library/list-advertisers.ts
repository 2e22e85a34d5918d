import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { decodeCursor, encodeCursor } from "../platform/http/cursor.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { type AdvertiserView, adLibraryDb, type ListAdvertisersQuery } from "./schemas.ts";

function invalidCursor() {
  return new AppError("invalid_input", "The cursor is not valid", [
    { field: "cursor", message: "invalid cursor" },
  ]);
}

/**
 * The workspace's advertisers, most ads seen or most recently seen first (keyset-paginated), optionally
 * only those one run found or those a search term found; each with what that run (or its last run) did.
 */
export async function listAdvertisers(
  deps: Deps,
  input: { workspaceId: string } & ListAdvertisersQuery,
): Promise<{ items: AdvertiserView[]; nextCursor: string | null }> {
  const db = adLibraryDb(deps.db);
  if (input.runId) {
    const run = await db
      .selectFrom("ad_library_runs")
      .select("id")
      .where("workspace_id", "=", input.workspaceId)
      .where("id", "=", input.runId)
      .executeTakeFirst();
    if (!run) throw notFound("Run");
  }
  const runId = input.runId ?? null;
  let query = db
    .selectFrom("ad_library_advertisers as a")
    // What the chosen run (or, without one, the advertiser's last run) did for each advertiser.
    .leftJoin("ad_library_run_advertisers as ra", (join) => {
      const onAdvertiser = join.onRef("ra.advertiser_id", "=", "a.id");
      return runId
        ? onAdvertiser.on("ra.run_id", "=", runId)
        : onAdvertiser.onRef("ra.run_id", "=", "a.last_run_id");
    })
    .selectAll("a")
    .select(["ra.outcome as run_outcome", "ra.ads as run_ads", "ra.ads_new as run_ads_new"])
    .where("a.workspace_id", "=", input.workspaceId);
  if (runId) query = query.where("ra.run_id", "=", runId);
  if (input.term) query = query.where(sql<boolean>`a.terms @> ${JSON.stringify([input.term])}::jsonb`);

  const after = decodeCursor(input.cursor);
  if (input.sort === "ads_seen") {
    if (after) {
      const [count, id] = after;
      if (typeof count !== "number" || typeof id !== "string") throw invalidCursor();
      query = query.where(sql<boolean>`(a.ads_seen, a.id) < (${count}, ${id}::uuid)`);
    }
    query = query.orderBy("a.ads_seen", "desc").orderBy("a.id", "desc");
  } else {
    if (after) {
      const [at, id] = after;
      if (typeof at !== "string" || typeof id !== "string" || Number.isNaN(Date.parse(at)))
        throw invalidCursor();
      query = query.where(sql<boolean>`(a.last_seen_at, a.id) < (${new Date(at)}, ${id}::uuid)`);
    }
    query = query.orderBy("a.last_seen_at", "desc").orderBy("a.id", "desc");
  }
  const rows = await query.limit(input.limit + 1).execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(
      (row): AdvertiserView => ({
        id: row.id,
        pageId: row.page_id,
        pageName: row.page_name,
        adsSeen: row.ads_seen,
        firstSeenAt: row.first_seen_at.toISOString(),
        lastSeenAt: row.last_seen_at.toISOString(),
        snapshotUrls: row.snapshot_urls,
        platforms: row.platforms,
        terms: row.terms,
        lastRunId: row.last_run_id,
        contactId: row.contact_id,
        run: row.run_outcome
          ? { outcome: row.run_outcome, ads: row.run_ads ?? 0, adsNew: row.run_ads_new ?? 0 }
          : null,
      }),
    ),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor(
            input.sort === "ads_seen" ? [last.ads_seen, last.id] : [last.last_seen_at.toISOString(), last.id],
          )
        : null,
  };
}
