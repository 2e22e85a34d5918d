import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { pruneOperationalLogs } from "./prune-operational-logs.ts";

export const PRUNE_OPERATIONAL_LOGS_JOB = "operations.prune-logs";

export function operationsJobs(deps: Deps) {
  return [
    defineJob({
      name: PRUNE_OPERATIONAL_LOGS_JOB,
      schema: z.object({}).passthrough(),
      cron: "53 3 * * *",
      batchSize: 1,
      handler: async () => {
        // Counts only: no row content reaches the log.
        const counts = await pruneOperationalLogs(deps);
        deps.log.info(counts, "pruned operational logs");
      },
    }),
  ];
}
