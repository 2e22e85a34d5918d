import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import type { HttpServer } from "../platform/http/server.ts";

/**
 * Jobs are instance-wide, so only admins of the default (operator) workspace may see them:
 * an agency's client workspace never sees another workspace's work.
 */
async function authorizeOperator(deps: Deps, request: FastifyRequest) {
  const principal = authorize(request, "workspace:manage");
  const workspace = await deps.db
    .selectFrom("workspaces")
    .select("is_default")
    .where("id", "=", principal.workspaceId)
    .executeTakeFirst();
  if (!workspace?.is_default)
    throw new AppError("forbidden", "Only operators of the default workspace see jobs");
}

/** Operator views: background jobs that ran out of retries (dead letters), and retrying them. */
export function registerOperationsRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/jobs/failed",
    {
      schema: {
        tags: ["operations"],
        summary: "Background jobs that failed after all retries",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      },
    },
    async (request) => {
      await authorizeOperator(deps, request);
      // Job payloads carry ids only (no personal data), so they are safe to show to an admin.
      return { items: await deps.queue.listFailed(request.query.limit) };
    },
  );

  app.post(
    "/api/v1/jobs/:name/:id/retry",
    {
      schema: {
        tags: ["operations"],
        summary: "Put a failed job back in its queue",
        params: z.object({ name: z.string().regex(/^[\w.-]{1,100}$/), id: z.string().uuid() }),
      },
    },
    async (request, reply) => {
      await authorizeOperator(deps, request);
      await deps.queue.retryFailed(request.params.name, request.params.id);
      return reply.status(202).send({ status: "queued" });
    },
  );
}
