import type { Deps } from "../deps.ts";

const BATCH = 5_000;

/**
 * Retention: drops audit entries older than FUNIL_AUDIT_RETENTION_DAYS (6 months by default), a
 * batch at a time so no transaction grows long. Returns how many went.
 */
export async function pruneAudit(deps: Deps): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.config.retention.auditDays * 86_400_000);
  let total = 0;
  for (;;) {
    const result = await deps.db
      .deleteFrom("audit_log")
      .where("id", "in", deps.db.selectFrom("audit_log").select("id").where("at", "<", cutoff).limit(BATCH))
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    total += deleted;
    if (deleted < BATCH) return total;
  }
}
