import { sql } from "kysely";
import { raiseAlert } from "../alerts/raise-alert.ts";
import type { Deps } from "../deps.ts";
import { enrichmentDb } from "./schemas.ts";

/** Fewer finished runs than this in the window say nothing about the rate. */
export const MIN_RUNS = 20;
const WINDOW_HOURS = 24;
const COOLDOWN_MINUTES = 6 * 60;

/**
 * Per workspace, the success rate of the enrichments finished in the last 24 hours (enriched or partial
 * over those that ran; a personal account is a limitation of the API, not a failure, so it does not
 * count); under the configured threshold, an alert goes to the workspace's Slack connections (at most one
 * every 6 hours). Returns the workspaces alerted.
 */
export async function checkEnrichmentHealth(deps: Deps): Promise<string[]> {
  const since = new Date(deps.clock.now().getTime() - WINDOW_HOURS * 3_600_000);
  const rows = await enrichmentDb(deps.db)
    .selectFrom("contact_enrichments")
    .select((eb) => [
      "workspace_id",
      eb.fn.countAll<string>().filterWhere("status", "in", ["enriched", "partial"]).as("succeeded"),
      eb.fn.countAll<string>().filterWhere("status", "=", "failed").as("failed"),
    ])
    .where("finished_at", ">=", since)
    .groupBy("workspace_id")
    .having(sql<boolean>`count(*) filter (where status in ('enriched', 'partial', 'failed')) >= ${MIN_RUNS}`)
    .execute();
  const alerted: string[] = [];
  for (const row of rows) {
    const succeeded = Number(row.succeeded);
    const runs = succeeded + Number(row.failed);
    const rate = succeeded / runs;
    if (rate >= deps.config.enrichment.alertBelow) continue;
    const percent = Math.round(rate * 100);
    const id = await raiseAlert(deps, {
      workspaceId: row.workspace_id,
      kind: "enrichment.success-rate",
      text:
        `:warning: Funil: a taxa de sucesso do enriquecimento nas últimas 24 h caiu para ${percent}% ` +
        `(${succeeded} de ${runs}; limite ${Math.round(deps.config.enrichment.alertBelow * 100)}%). ` +
        "Veja os motivos na página Enriquecimento.",
      details: { rate, succeeded, runs, threshold: deps.config.enrichment.alertBelow },
      cooldownMinutes: COOLDOWN_MINUTES,
    });
    if (id) alerted.push(row.workspace_id);
  }
  return alerted;
}
