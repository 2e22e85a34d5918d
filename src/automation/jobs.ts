import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { evaluateEvent } from "./evaluate-event.ts";
import { runDueRules } from "./run-scheduled-rule.ts";
import {
  EVALUATE_EVENT_JOB,
  EvaluateEventJobSchema,
  RUN_DUE_RULES_JOB,
  SEND_DISPATCH_JOB,
  SendDispatchJobSchema,
  SWEEP_DISPATCHES_JOB,
} from "./schemas.ts";
import { seedMissingBuiltinRules } from "./seed-builtin-rules.ts";
import { sendDispatches } from "./send-dispatches.ts";
import { sweepDispatches } from "./sweep-dispatches.ts";

export const SEED_BUILTIN_RULES_JOB = "automation.seed-builtin-rules";

export function automationJobs(deps: Deps) {
  return [
    defineJob({
      name: EVALUATE_EVENT_JOB,
      schema: EvaluateEventJobSchema,
      batchSize: 20,
      handler: async (data) => {
        await evaluateEvent(deps, data);
      },
    }),
    defineJob({
      name: SEND_DISPATCH_JOB,
      schema: SendDispatchJobSchema,
      // A batch is claimed at once and sent at the channel's rate (80/s on WhatsApp by default). Two
      // batches in flight on PostgreSQL: the next one is claimed and checked while the last sends of
      // the one before go out, so the rate does not dip between batches (one on PGlite).
      batchSize: 200,
      concurrency: 2,
      retryLimit: 3,
      retryDelaySeconds: 10,
      handleBatch: async (jobs) => {
        await sendDispatches(
          deps,
          jobs.map((job) => job.data.dispatchId),
        );
        return [];
      },
    }),
    defineJob({
      name: RUN_DUE_RULES_JOB,
      schema: z.object({}).passthrough(),
      cron: "* * * * *",
      batchSize: 1,
      handler: async () => {
        await runDueRules(deps);
      },
    }),
    defineJob({
      name: SWEEP_DISPATCHES_JOB,
      schema: z.object({}).passthrough(),
      cron: "* * * * *",
      batchSize: 1,
      handler: async () => {
        const swept = await sweepDispatches(deps);
        if (swept.unknown > 0) deps.log.warn(swept, "dispatches interrupted while sending");
      },
    }),
    defineJob({
      name: SEED_BUILTIN_RULES_JOB,
      schema: z.object({}).passthrough(),
      atStart: {},
      batchSize: 1,
      handler: async () => {
        await seedMissingBuiltinRules(deps);
      },
    }),
  ];
}
