import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { reenqueueStalledRuns } from "../platform/queue/recover-stalled-runs.ts";
import { outboundDb, RUN_LEASE_MS, RUN_SOURCE_JOB } from "./schemas.ts";
import { RunInProgressError, startRun } from "./start-run.ts";

const DAY_MS = 24 * 3600_000;
/** A source is due a little early, so a cron that fires every 15 minutes does not drift later each day. */
const SLACK_MS = 20 * 60_000;

/**
 * The scheduler's sweep: starts a run of every enabled daily/weekly source whose last run is older
 * than its period (or that never ran), and re-enqueues unfinished runs whose lease ran out or whose
 * job was lost. Returns how many runs it started.
 */
export async function startDueSources(deps: Deps): Promise<{ started: number; recovered: number }> {
  const db = outboundDb(deps.db);
  const now = deps.clock.now();
  const due = await db
    .selectFrom("outbound_sources as s")
    .select(["s.id", "s.workspace_id"])
    .where("s.enabled", "=", true)
    .where("s.schedule", "in", ["daily", "weekly"])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("outbound_runs as r")
            .select("r.id")
            .whereRef("r.source_id", "=", "s.id")
            .where(
              "r.created_at",
              ">",
              sql<Date>`${now}::timestamptz - (case s.schedule when 'weekly' then ${7 * DAY_MS - SLACK_MS}::bigint else ${DAY_MS - SLACK_MS}::bigint end) * interval '1 millisecond'`,
            ),
        ),
      ),
    )
    .execute();
  let started = 0;
  for (const source of due) {
    try {
      await startRun(deps, {
        workspaceId: source.workspace_id,
        sourceId: source.id,
        trigger: "schedule",
        userId: null,
      });
      started++;
    } catch (error) {
      if (!(error instanceof RunInProgressError)) throw error;
    }
  }
  const recovered = await reenqueueStalledRuns(deps.db, {
    table: "outbound_runs",
    job: RUN_SOURCE_JOB,
    now,
    leaseMs: RUN_LEASE_MS,
  });
  return { started, recovered };
}
