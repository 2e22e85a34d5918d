import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { pruneAudit } from "./prune-audit.ts";

export const PRUNE_AUDIT_JOB = "audit.prune";

export function auditJobs(deps: Deps) {
  return [
    defineJob({
      name: PRUNE_AUDIT_JOB,
      schema: z.object({}).passthrough(),
      cron: "37 3 * * *",
      batchSize: 1,
      handler: async () => {
        const count = await pruneAudit(deps);
        deps.log.info({ count }, "pruned old audit entries");
      },
    }),
  ];
}
