import { z } from "zod";
import type { Deps } from "../deps.ts";
import { defineJob } from "../platform/queue/queue.ts";
import { rescoreContact, rescoreWorkspace } from "./rescore-contacts.ts";
import { RESCORE_WORKSPACE_JOB, SCORE_CONTACT_JOB } from "./schemas.ts";

export function scoringJobs(deps: Deps) {
  return [
    defineJob({
      name: SCORE_CONTACT_JOB,
      schema: z.object({ contactId: z.string().uuid() }),
      batchSize: 50,
      handler: (data) => rescoreContact(deps, data),
    }),
    defineJob({
      name: RESCORE_WORKSPACE_JOB,
      schema: z.object({ workspaceId: z.string().uuid(), version: z.number().int().optional() }),
      batchSize: 1,
      expireInSeconds: 3600,
      handler: async (data) => {
        const count = await rescoreWorkspace(deps, { workspaceId: data.workspaceId });
        deps.log.info({ workspaceId: data.workspaceId, count }, "workspace re-scored");
      },
    }),
  ];
}
