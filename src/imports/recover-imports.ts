import type { Deps } from "../deps.ts";
import { enqueueMany } from "../platform/queue/queue.ts";
import { importsDb, RUN_IMPORT_JOB } from "./schemas.ts";

/**
 * Imports left queued or running by a process that died (no live lease, no job waiting) get a fresh
 * job; the run resumes after the import's checkpoint.
 */
export async function recoverImports(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const stalled = await importsDb(deps.db)
    .selectFrom("imports")
    .select("id")
    .where("status", "in", ["queued", "running"])
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
    .limit(1000)
    .execute();
  if (stalled.length === 0) return 0;
  const pending = await deps.queue.pendingValues(RUN_IMPORT_JOB, "importId");
  const lost = stalled.filter((row) => !pending.has(row.id));
  await enqueueMany(
    deps.db,
    lost.map((row) => ({ queue: RUN_IMPORT_JOB, payload: { importId: row.id } })),
  );
  return lost.length;
}
