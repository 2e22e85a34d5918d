import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { checkEnrichmentHealth } from "./check-enrichment-health.ts";
import { enrichmentRuntime } from "./create-enrichment-runtime.ts";
import { enrichContacts } from "./enrich-contacts.ts";
import { retierWorkspace } from "./retier-workspace.ts";
import {
  CHECK_ENRICHMENT_HEALTH_JOB,
  ENRICH_CONTACT_JOB,
  EnrichContactJobSchema,
  RETIER_WORKSPACE_JOB,
  SWEEP_ENRICHMENT_JOB,
} from "./schemas.ts";
import { sweepEnrichment } from "./sweep-enrichment.ts";

export function enrichmentJobs(deps: Deps) {
  return [
    defineJob({
      name: ENRICH_CONTACT_JOB,
      schema: EnrichContactJobSchema,
      // Contacts in a batch run concurrently; each provider's budget paces the vendor requests.
      batchSize: 100,
      retryLimit: 3,
      retryDelaySeconds: 30,
      handleBatch: (jobs) => enrichContacts(deps, enrichmentRuntime(deps), jobs),
    }),
    defineJob({
      name: SWEEP_ENRICHMENT_JOB,
      schema: z.object({}).passthrough(),
      cron: "* * * * *",
      batchSize: 1,
      retryLimit: 0,
      handler: async () => {
        const queued = await sweepEnrichment(deps);
        if (queued > 0) deps.log.info({ queued }, "contacts queued for enrichment");
      },
    }),
    defineJob({
      name: CHECK_ENRICHMENT_HEALTH_JOB,
      schema: z.object({}).passthrough(),
      cron: "17 * * * *",
      batchSize: 1,
      retryLimit: 0,
      handler: async () => {
        const alerted = await checkEnrichmentHealth(deps);
        if (alerted.length > 0)
          deps.log.warn({ workspaces: alerted.length }, "enrichment success rate alert");
      },
    }),
    defineJob({
      name: RETIER_WORKSPACE_JOB,
      schema: z.object({ workspaceId: z.string().uuid(), version: z.number().int().optional() }),
      batchSize: 1,
      expireInSeconds: 3600,
      handler: async (data) => {
        const changed = await retierWorkspace(deps, { workspaceId: data.workspaceId });
        deps.log.info({ workspaceId: data.workspaceId, changed }, "creator tiers recomputed");
      },
    }),
  ];
}
