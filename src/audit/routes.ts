import { z } from "zod";
import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { listWorkspaceAudit } from "./list-audit.ts";

const AuditQuerySchema = z
  .object({
    entityType: z.string().trim().min(1).max(60).optional(),
    action: z.string().trim().min(1).max(80).optional(),
    since: z.string().datetime({ offset: true }).optional(),
    until: z.string().datetime({ offset: true }).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export function registerAuditRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/audit",
    {
      schema: {
        tags: ["audit"],
        summary:
          "The workspace's audit trail, newest first: owners, stages, values, deletions, exports, permission changes",
        querystring: AuditQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "audit:read");
      return listWorkspaceAudit(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );
}
