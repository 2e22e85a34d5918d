import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { pruneImportDrafts } from "./prune-import-drafts.ts";
import { recoverImports } from "./recover-imports.ts";
import { runImport } from "./run-import.ts";
import {
  PRUNE_IMPORT_DRAFTS_JOB,
  RECOVER_IMPORTS_JOB,
  RUN_IMPORT_JOB,
  RunImportJobSchema,
} from "./schemas.ts";

export function importJobs(deps: Deps) {
  return [
    defineJob({
      name: RUN_IMPORT_JOB,
      schema: RunImportJobSchema,
      batchSize: 1,
      retryLimit: 5,
      retryDelaySeconds: 10,
      // A big file takes a while; a second run of the same import waits for the first one's lease.
      expireInSeconds: 6 * 3600,
      handler: async (data) => {
        await runImport(deps, { importId: data.importId });
      },
    }),
    defineJob({
      name: RECOVER_IMPORTS_JOB,
      schema: z.object({}).passthrough(),
      cron: "*/5 * * * *",
      atStart: {},
      batchSize: 1,
      handler: async () => {
        const count = await recoverImports(deps);
        if (count > 0) deps.log.warn({ count }, "re-enqueued stalled imports");
      },
    }),
    defineJob({
      name: PRUNE_IMPORT_DRAFTS_JOB,
      schema: z.object({}).passthrough(),
      cron: "41 * * * *",
      batchSize: 1,
      handler: async () => {
        const count = await pruneImportDrafts(deps);
        if (count > 0) deps.log.info({ count }, "pruned import drafts never started");
      },
    }),
  ];
}
