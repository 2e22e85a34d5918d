import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { sweepSla } from "./sweep-sla.ts";

export const SWEEP_SLA_JOB = "crm.sweep-sla";

export function crmJobs(deps: Deps) {
  return [
    defineJob({
      name: SWEEP_SLA_JOB,
      schema: z.object({}).passthrough(),
      cron: "* * * * *",
      batchSize: 1,
      handler: async () => {
        const counts = await sweepSla(deps);
        if (counts.breached > 0) deps.log.warn(counts, "first-response SLA breached");
      },
    }),
  ];
}
