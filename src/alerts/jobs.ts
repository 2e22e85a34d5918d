import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { deliverAlert } from "./deliver-alert.ts";
import { DELIVER_ALERT_JOB, DeliverAlertJobSchema } from "./schemas.ts";

export function alertJobs(deps: Deps) {
  return [
    defineJob({
      name: DELIVER_ALERT_JOB,
      schema: DeliverAlertJobSchema,
      batchSize: 1,
      // Slack asks for at most one message per second; 429s back off exponentially from here.
      retryLimit: 6,
      retryDelaySeconds: 30,
      handler: async (data) => {
        await deliverAlert(deps, data);
      },
    }),
  ];
}
