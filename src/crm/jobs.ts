import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { sendTaskReminders } from "./send-task-reminders.ts";
import { sweepSla } from "./sweep-sla.ts";

export const SWEEP_SLA_JOB = "crm.sweep-sla";
export const SEND_TASK_REMINDERS_JOB = "crm.send-task-reminders";

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
    defineJob({
      name: SEND_TASK_REMINDERS_JOB,
      schema: z.object({}).passthrough(),
      cron: "* * * * *",
      batchSize: 1,
      handler: async () => {
        const count = await sendTaskReminders(deps);
        if (count > 0) deps.log.info({ count }, "task reminders sent");
      },
    }),
  ];
}
