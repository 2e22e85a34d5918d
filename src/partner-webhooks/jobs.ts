import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { SEND_DELIVERY_JOB, SendDeliveryJobSchema, SWEEP_DELIVERIES_JOB } from "./schemas.ts";
import { sendDelivery } from "./send-delivery.ts";
import { sweepDeliveries } from "./sweep-deliveries.ts";

export function partnerWebhookJobs(deps: Deps) {
  return [
    defineJob({
      name: SEND_DELIVERY_JOB,
      schema: SendDeliveryJobSchema,
      // Each job is one HTTP attempt of at most FUNIL_WEBHOOK_TIMEOUT_MS; two fetchers on PostgreSQL.
      batchSize: 5,
      concurrency: 2,
      // A receiver's failure is recorded, not thrown: the delivery's own schedule retries it (the
      // sweep below). These retries cover this process failing (e.g. the database), nothing else.
      retryLimit: 3,
      retryDelaySeconds: 30,
      handler: async (data) => {
        await sendDelivery(deps, data);
      },
    }),
    defineJob({
      name: SWEEP_DELIVERIES_JOB,
      schema: z.object({}).passthrough(),
      cron: "* * * * *",
      batchSize: 1,
      handler: async () => {
        await sweepDeliveries(deps);
      },
    }),
  ];
}
