import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { runSource } from "./run-source.ts";
import { RUN_SOURCE_JOB, RunSourceJobSchema, START_DUE_SOURCES_JOB } from "./schemas.ts";
import { startDueSources } from "./start-due-sources.ts";

export function outboundJobs(deps: Deps) {
  return [
    defineJob({
      name: RUN_SOURCE_JOB,
      schema: RunSourceJobSchema,
      batchSize: 1,
      retryLimit: 3,
      retryDelaySeconds: 30,
      // Pacing makes a big crawl slow; a second job for one run waits for the first one's lease.
      expireInSeconds: 3 * 3600,
      handler: async (data) => {
        await runSource(deps, { runId: data.runId });
      },
    }),
    defineJob({
      name: START_DUE_SOURCES_JOB,
      schema: z.object({}).passthrough(),
      cron: "*/15 * * * *",
      batchSize: 1,
      handler: async () => {
        const { started, recovered } = await startDueSources(deps);
        if (started + recovered > 0)
          deps.log.info({ started, recovered }, "outbound runs started by schedule");
      },
    }),
  ];
}
