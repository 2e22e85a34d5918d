import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { outboundDb, RUN_SOURCE_JOB } from "./schemas.ts";

/** A run of this source is already queued or running (the unique index allows one). */
export class RunInProgressError extends AppError {
  constructor(readonly runId: string | null) {
    super("conflict", "A run of this source is already queued or running");
  }
}

/**
 * Queues a run of a source (and its job, in the same transaction). One unfinished run per source:
 * a second start is a conflict (409), enforced by a unique index so two schedulers cannot race.
 */
export async function startRun(
  deps: Deps,
  input: { workspaceId: string; sourceId: string; trigger: "manual" | "schedule"; userId: string | null },
): Promise<{ id: string }> {
  const started = await deps.db.transaction().execute(async (tx) => {
    const trx = outboundDb(tx);
    const source = await trx
      .selectFrom("outbound_sources")
      .select(["id", "enabled", "max_pages"])
      .where("workspace_id", "=", input.workspaceId)
      .where("id", "=", input.sourceId)
      .executeTakeFirst();
    if (!source) throw notFound("Source");
    if (!source.enabled) throw new AppError("conflict", "The source is disabled; enable it to run it");
    const run = await trx
      .insertInto("outbound_runs")
      .values({
        workspace_id: input.workspaceId,
        source_id: source.id,
        trigger: input.trigger,
        pages_cap: source.max_pages,
        errors: JSON.stringify([]),
        created_by: input.userId,
        created_at: deps.clock.now(),
      })
      .onConflict((oc) =>
        oc.column("source_id").where(sql<boolean>`status in ('queued', 'running')`).doNothing(),
      )
      .returning("id")
      .executeTakeFirst();
    if (!run) return null;
    await enqueue(tx, RUN_SOURCE_JOB, { runId: run.id });
    return run;
  });
  if (started) return started;
  const active = await outboundDb(deps.db)
    .selectFrom("outbound_runs")
    .select("id")
    .where("source_id", "=", input.sourceId)
    .where("status", "in", ["queued", "running"])
    .executeTakeFirst();
  throw new RunInProgressError(active?.id ?? null);
}
