import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { adLibraryDb, RUN_AD_LIBRARY_JOB, type RunTrigger, WINDOW_DAYS } from "./schemas.ts";

const DAY_MS = 24 * 3600_000;

/** A capture of this workspace is already queued or running (the unique index allows one). */
export class RunInProgressError extends AppError {
  constructor(readonly runId: string | null) {
    super("conflict", "An Ad Library search is already queued or running");
  }
}

/** The window of a run started at `now`: the last 7 days, today included (UTC dates). */
export function captureWindow(now: Date): { since: string; until: string } {
  const until = now.toISOString().slice(0, 10);
  const since = new Date(now.getTime() - (WINDOW_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  return { since, until };
}

/**
 * Queues a capture with the workspace's current settings (and its job, in the same transaction). One
 * unfinished run per workspace: a second start is a conflict (409), enforced by a unique index.
 */
export async function startRun(
  deps: Deps,
  input: { workspaceId: string; trigger: RunTrigger; userId: string | null },
): Promise<{ id: string }> {
  const now = deps.clock.now();
  const started = await deps.db.transaction().execute(async (tx) => {
    const trx = adLibraryDb(tx);
    const settings = await trx
      .selectFrom("ad_library_settings")
      .selectAll()
      .where("workspace_id", "=", input.workspaceId)
      .executeTakeFirst();
    if (!settings || settings.search_terms.length === 0 || settings.countries.length === 0) {
      throw new AppError("conflict", "Save at least one search term and one country before searching");
    }
    const { since, until } = captureWindow(now);
    const run = await trx
      .insertInto("ad_library_runs")
      .values({
        workspace_id: input.workspaceId,
        trigger: input.trigger,
        since,
        until,
        search_terms: JSON.stringify(settings.search_terms),
        countries: JSON.stringify(settings.countries),
        publisher_platforms: JSON.stringify(settings.publisher_platforms),
        created_by: input.userId,
        created_at: now,
      })
      .onConflict((oc) =>
        oc.column("workspace_id").where(sql<boolean>`status in ('queued', 'running')`).doNothing(),
      )
      .returning("id")
      .executeTakeFirst();
    if (!run) return null;
    await enqueue(tx, RUN_AD_LIBRARY_JOB, { runId: run.id });
    return run;
  });
  if (started) return started;
  const active = await adLibraryDb(deps.db)
    .selectFrom("ad_library_runs")
    .select("id")
    .where("workspace_id", "=", input.workspaceId)
    .where("status", "in", ["queued", "running"])
    .executeTakeFirst();
  throw new RunInProgressError(active?.id ?? null);
}
