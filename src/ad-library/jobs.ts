import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { runCapture } from "./run-capture.ts";
import { RUN_AD_LIBRARY_JOB, RunAdLibraryJobSchema, START_WEEKLY_RUNS_JOB } from "./schemas.ts";
import { startWeeklyRuns } from "./start-weekly-runs.ts";

export function adLibraryJobs(deps: Deps) {
  return [
    defineJob({
      name: RUN_AD_LIBRARY_JOB,
      schema: RunAdLibraryJobSchema,
      batchSize: 1,
      retryLimit: 3,
      retryDelaySeconds: 60,
      // Usage slow-downs can make a capture long; a second job for one run waits for the lease.
      expireInSeconds: 3 * 3600,
      handler: async (data) => {
        await runCapture(deps, { runId: data.runId });
      },
    }),
    defineJob({
      name: START_WEEKLY_RUNS_JOB,
      schema: z.object({}).passthrough(),
      // Hourly sweep: each enabled workspace is captured once a week (and stalled runs are resumed).
      cron: "23 * * * *",
      batchSize: 1,
      handler: async () => {
        const { started, recovered } = await startWeeklyRuns(deps);
        if (started + recovered > 0)
          deps.log.info({ started, recovered }, "ad library captures started by schedule");
      },
    }),
  ];
}
