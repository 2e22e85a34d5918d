import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { processInboxEvents } from "./process-inbox-event.ts";
import { pruneEvents } from "./prune-events.ts";
import { recoverEvents } from "./recover-events.ts";
import { PROCESS_EVENT_JOB, PRUNE_EVENTS_JOB, RECOVER_EVENTS_JOB } from "./schemas.ts";

export function captureJobs(deps: Deps) {
  return [
    defineJob({
      name: PROCESS_EVENT_JOB,
      schema: z.object({ eventId: z.string().uuid() }),
      batchSize: 100,
      concurrency: 3,
      retryLimit: 5,
      retryDelaySeconds: 5,
      handleBatch: async (jobs) => {
        const outcomes = await processInboxEvents(deps, { eventIds: jobs.map((job) => job.data.eventId) });
        // A bad payload stays failed and visible for replay; anything else is retried with backoff.
        return jobs.flatMap((job) => {
          const outcome = outcomes.get(job.data.eventId);
          return outcome?.outcome === "failed" && !outcome.isPermanent
            ? [{ id: job.id, error: outcome.error }]
            : [];
        });
      },
    }),
    defineJob({
      name: RECOVER_EVENTS_JOB,
      schema: z.object({ olderThanSeconds: z.number().int().min(0).default(120) }),
      cron: "*/5 * * * *",
      // At a worker's start, everything already waiting is picked up again.
      atStart: { olderThanSeconds: 0 },
      batchSize: 1,
      handler: async (data) => {
        const count = await recoverEvents(deps, data);
        if (count > 0) deps.log.warn({ count }, "re-enqueued waiting inbox events");
      },
    }),
    defineJob({
      name: PRUNE_EVENTS_JOB,
      schema: z.object({}).passthrough(),
      cron: "17 3 * * *",
      batchSize: 1,
      handler: async () => {
        const count = await pruneEvents(deps);
        deps.log.info({ count }, "pruned processed inbox events");
      },
    }),
  ];
}
