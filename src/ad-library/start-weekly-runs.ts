import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { reenqueueStalledRuns } from "../platform/queue/recover-stalled-runs.ts";
import { adLibraryDb, RUN_AD_LIBRARY_JOB, RUN_LEASE_MS } from "./schemas.ts";
import { RunInProgressError, startRun } from "./start-run.ts";

const WEEK_MS = 7 * 24 * 3600_000;
/** A workspace is due a little early, so an hourly sweep does not drift later every week. */
const SLACK_MS = 2 * 3600_000;

/**
 * The scheduler's sweep: starts a capture for every enabled workspace whose last run (any trigger) is
 * older than a week, or that never ran, and re-enqueues unfinished runs whose lease ran out or whose
 * job was lost. Disabled workspaces are never started.
 */
export async function startWeeklyRuns(deps: Deps): Promise<{ started: number; recovered: number }> {
  const db = adLibraryDb(deps.db);
  const now = deps.clock.now();
  const due = await db
    .selectFrom("ad_library_settings as s")
    .select("s.workspace_id")
    .where("s.enabled", "=", true)
    .where(sql<boolean>`jsonb_array_length(s.search_terms) > 0 and jsonb_array_length(s.countries) > 0`)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("ad_library_runs as r")
            .select("r.id")
            .whereRef("r.workspace_id", "=", "s.workspace_id")
            .where("r.created_at", ">", new Date(now.getTime() - WEEK_MS + SLACK_MS)),
        ),
      ),
    )
    .execute();
  let started = 0;
  for (const row of due) {
    try {
      await startRun(deps, { workspaceId: row.workspace_id, trigger: "schedule", userId: null });
      started++;
    } catch (error) {
      if (!(error instanceof RunInProgressError)) throw error;
    }
  }
  const recovered = await reenqueueStalledRuns(deps.db, {
    table: "ad_library_runs",
    job: RUN_AD_LIBRARY_JOB,
    now,
    leaseMs: RUN_LEASE_MS,
  });
  return { started, recovered };
}
