import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { processInboxEvent } from "./process-inbox-event.ts";
import { pruneEvents } from "./prune-events.ts";
import { PROCESS_EVENT_JOB, PRUNE_EVENTS_JOB } from "./schemas.ts";

export function captureJobs(deps: Deps) {
  return [
    defineJob({
      name: PROCESS_EVENT_JOB,
      schema: z.object({ eventId: z.string().uuid() }),
      batchSize: 50,
      retryLimit: 5,
      retryDelaySeconds: 5,
      handler: async (data) => {
        const result = await processInboxEvent(deps, { eventId: data.eventId });
        // A bad payload stays failed and visible for replay; anything else is retried with backoff.
        if (result.outcome === "failed" && !result.isPermanent) throw new Error(result.error);
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
