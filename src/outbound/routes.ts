import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { getRun, listCandidates, listRuns } from "./list-runs.ts";
import { createSource, deleteSource, getSource, listSources, updateSource } from "./manage-sources.ts";
import {
  CreateSourceSchema,
  IdParams,
  ListCandidatesQuerySchema,
  ListQuerySchema,
  ListRunsQuerySchema,
  UpdateSourceSchema,
} from "./schemas.ts";
import { startRun } from "./start-run.ts";

const TAGS = ["outbound"];

export function registerOutboundRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/outbound/sources",
    { schema: { tags: TAGS, summary: "Outbound sources, newest first", querystring: ListQuerySchema } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return listSources(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );

  app.post(
    "/api/v1/outbound/sources",
    {
      schema: {
        tags: TAGS,
        summary: "Add a source: a URL and how to read it (generic, listing, sitemap, kiwify, hubla)",
        description:
          "`maxPages` and `maxDepth` cap a run; `rateLimitMs` is the least time between two requests to " +
          "one host; `schedule` is manual, daily or weekly. Fetching goes through the SSRF guard and " +
          "respects robots.txt.",
        body: CreateSourceSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      const created = await createSource(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        userId: principal.userId,
        source: request.body,
      });
      return reply.status(201).header("location", `/api/v1/outbound/sources/${created.id}`).send(created);
    },
  );

  app.get(
    "/api/v1/outbound/sources/:id",
    { schema: { tags: TAGS, summary: "A source and its last run", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return getSource(deps, { workspaceId: principal.workspaceId, sourceId: request.params.id });
    },
  );

  app.patch(
    "/api/v1/outbound/sources/:id",
    { schema: { tags: TAGS, summary: "Change a source", params: IdParams, body: UpdateSourceSchema } },
    async (request) => {
      const principal = authorize(request, "leads:write");
      return updateSource(deps, {
        workspaceId: principal.workspaceId,
        sourceId: request.params.id,
        actor: principal.actor,
        changes: request.body,
      });
    },
  );

  app.delete(
    "/api/v1/outbound/sources/:id",
    {
      schema: {
        tags: TAGS,
        summary: "Delete a source with its runs and candidates (the people it found stay): 204",
        params: IdParams,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      await deleteSource(deps, {
        workspaceId: principal.workspaceId,
        sourceId: request.params.id,
        actor: principal.actor,
      });
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/v1/outbound/sources/:id/run",
    {
      schema: {
        tags: TAGS,
        summary: "Run a source now: 202 {id} (409 while a run of it is queued or running)",
        params: IdParams,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      const run = await startRun(deps, {
        workspaceId: principal.workspaceId,
        sourceId: request.params.id,
        trigger: "manual",
        userId: principal.userId,
      });
      return reply.status(202).header("location", `/api/v1/outbound/runs/${run.id}`).send({ id: run.id });
    },
  );

  app.get(
    "/api/v1/outbound/runs",
    {
      schema: {
        tags: TAGS,
        summary: "Runs, newest first: status, progress (pages fetched of the cap) and counts",
        querystring: ListRunsQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return listRuns(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );

  app.get(
    "/api/v1/outbound/runs/:id",
    { schema: { tags: TAGS, summary: "A run: status, progress, counts, first errors", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return getRun(deps, { workspaceId: principal.workspaceId, runId: request.params.id });
    },
  );

  app.get(
    "/api/v1/outbound/runs/:id/candidates",
    {
      schema: {
        tags: TAGS,
        summary: "A run's candidates: new (landed), known or invalid, with the contact each became",
        params: IdParams,
        querystring: ListCandidatesQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return listCandidates(deps, {
        workspaceId: principal.workspaceId,
        runId: request.params.id,
        ...request.query,
      });
    },
  );
}
