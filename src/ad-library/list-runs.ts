import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { olderThanCursor, pageOf } from "../platform/http/cursor.ts";
import { notFound } from "../platform/http/errors.ts";
import { adLibraryDb, type RunStatus, type RunTrigger, type RunView } from "./schemas.ts";

interface RunRow {
  id: string;
  trigger: RunTrigger;
  status: RunStatus;
  since: string;
  until: string;
  search_terms: string[];
  countries: string[];
  publisher_platforms: string[];
  pages: number;
  ads: number;
  ads_new: number;
  advertisers: number;
  advertisers_new: number;
  advertisers_updated: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

function toView(row: RunRow): RunView {
  return {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    since: row.since,
    until: row.until,
    searchTerms: row.search_terms,
    countries: row.countries,
    publisherPlatforms: row.publisher_platforms,
    pages: row.pages,
    ads: row.ads,
    adsNew: row.ads_new,
    advertisers: row.advertisers,
    advertisersNew: row.advertisers_new,
    advertisersUpdated: row.advertisers_updated,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

function runsQuery(deps: Deps, workspaceId: string) {
  return adLibraryDb(deps.db)
    .selectFrom("ad_library_runs")
    .select([
      "id",
      "trigger",
      "status",
      sql<string>`since::text`.as("since"),
      sql<string>`until::text`.as("until"),
      "search_terms",
      "countries",
      "publisher_platforms",
      "pages",
      "ads",
      "ads_new",
      "advertisers",
      "advertisers_new",
      "advertisers_updated",
      "error",
      "created_at",
      "started_at",
      "finished_at",
    ])
    .where("workspace_id", "=", workspaceId);
}

/** The workspace's captures, newest first, keyset-paginated. */
export async function listRuns(
  deps: Deps,
  input: { workspaceId: string; limit: number; cursor?: string | undefined },
): Promise<{ items: RunView[]; nextCursor: string | null }> {
  let query = runsQuery(deps, input.workspaceId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(input.limit + 1);
  const after = olderThanCursor(input.cursor, "created_at");
  if (after) query = query.where(after);
  const rows = await query.execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.created_at);
  return { items: page.map(toView), nextCursor };
}

/** One capture with its counts; 404 outside the workspace. */
export async function getRun(deps: Deps, input: { workspaceId: string; runId: string }): Promise<RunView> {
  const row = await runsQuery(deps, input.workspaceId).where("id", "=", input.runId).executeTakeFirst();
  if (!row) throw notFound("Run");
  return toView(row);
}
