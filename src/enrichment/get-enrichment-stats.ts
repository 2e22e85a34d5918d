import type { Deps } from "../deps.ts";
import { ENRICHABLE_CONTACT, enrichmentDb } from "./schemas.ts";

export interface EnrichmentStats {
  /** Contacts with an Instagram handle, a YouTube channel or a website (not deleted). */
  eligible: number;
  /** Of those, enriched or partially enriched (the minimum-data rule met). */
  enriched: number;
  /** enriched ÷ eligible, a fraction. */
  coverage: number;
  /** Contacts that were run at least once. */
  attempted: number;
  /** (enriched + partial) ÷ attempted, a fraction. */
  successRate: number;
  averageMsPerLead: number | null;
  byStatus: Record<string, number>;
  providers: {
    provider: string;
    network: string;
    runs: number;
    enriched: number;
    partial: number;
    failed: number;
    successRate: number;
    averageMs: number | null;
  }[];
  failuresByReason: { reason: string; count: number }[];
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);

/** Coverage, success rate, time per lead, per provider and failures by reason, for one workspace. */
export async function getEnrichmentStats(
  deps: Deps,
  input: { workspaceId: string },
): Promise<EnrichmentStats> {
  const db = enrichmentDb(deps.db);
  const [coverage, statuses, providers, reasons] = await Promise.all([
    db
      .selectFrom("contacts as c")
      .leftJoin("contact_enrichments as e", "e.contact_id", "c.id")
      .select((eb) => [
        eb.fn.countAll<number>().as("eligible"),
        eb.fn.count<number>("c.id").filterWhere("e.status", "in", ["enriched", "partial"]).as("enriched"),
      ])
      .where("c.workspace_id", "=", input.workspaceId)
      .where("c.deleted_at", "is", null)
      .where("c.merged_into", "is", null)
      .where(ENRICHABLE_CONTACT)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("contact_enrichments")
      .select((eb) => [
        "status",
        eb.fn.countAll<number>().as("count"),
        eb.fn.count<number>("finished_at").as("finished"),
        eb.fn.avg<number>("duration_ms").as("avg_ms"),
      ])
      .where("workspace_id", "=", input.workspaceId)
      .groupBy("status")
      .execute(),
    db
      .selectFrom("contact_enrichment_providers")
      .select((eb) => [
        "provider",
        "network",
        eb.fn.countAll<number>().filterWhere("status", "<>", "skipped").as("runs"),
        eb.fn.countAll<number>().filterWhere("status", "=", "enriched").as("enriched"),
        eb.fn.countAll<number>().filterWhere("status", "=", "partial").as("partial"),
        eb.fn.avg<number>("duration_ms").filterWhere("status", "<>", "skipped").as("avg_ms"),
      ])
      .where("workspace_id", "=", input.workspaceId)
      .groupBy(["provider", "network"])
      .orderBy("provider")
      .execute(),
    db
      .selectFrom("contact_enrichment_providers")
      .select((eb) => ["error_code", eb.fn.countAll<number>().as("count")])
      .where("workspace_id", "=", input.workspaceId)
      .where("error_code", "is not", null)
      .where("status", "not in", ["enriched"])
      .groupBy("error_code")
      .orderBy("count", "desc")
      .execute(),
  ]);
  const byStatus: Record<string, number> = {};
  let attempted = 0;
  let succeeded = 0;
  let weighted = 0;
  for (const row of statuses) {
    byStatus[row.status] = Number(row.count);
    const finished = Number(row.finished);
    attempted += finished;
    if (row.status === "enriched" || row.status === "partial") succeeded += finished;
    if (row.avg_ms !== null) weighted += Number(row.avg_ms) * finished;
  }
  const eligible = Number(coverage.eligible);
  const enriched = Number(coverage.enriched);
  return {
    eligible,
    enriched,
    coverage: ratio(enriched, eligible),
    attempted,
    successRate: ratio(succeeded, attempted),
    averageMsPerLead: attempted > 0 ? Math.round(weighted / attempted) : null,
    byStatus,
    providers: providers.map((row) => {
      const runs = Number(row.runs);
      const ok = Number(row.enriched) + Number(row.partial);
      return {
        provider: row.provider,
        network: row.network,
        runs,
        enriched: Number(row.enriched),
        partial: Number(row.partial),
        failed: runs - ok,
        successRate: ratio(ok, runs),
        averageMs: row.avg_ms === null ? null : Math.round(Number(row.avg_ms)),
      };
    }),
    failuresByReason: reasons.map((row) => ({
      reason: row.error_code ?? "unknown",
      count: Number(row.count),
    })),
  };
}
