import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { listAdvertisers } from "./list-advertisers.ts";
import { getRun, listRuns } from "./list-runs.ts";
import { getSettings, updateSettings } from "./manage-settings.ts";
import {
  AdLibrarySettingsSchema,
  IdParams,
  ListAdvertisersQuerySchema,
  ListRunsQuerySchema,
} from "./schemas.ts";
import { startRun } from "./start-run.ts";

const TAGS = ["ad-library"];
const COVERAGE =
  "Meta's official Ad Library API returns commercial ads only when they were delivered to the EU or the UK " +
  "(political and issue ads everywhere): ads shown only in Brazil do not appear.";

export function registerAdLibraryRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/ad-library/settings",
    {
      schema: {
        tags: TAGS,
        summary: "Ad Library capture settings: search terms, countries, platforms, enabled",
        description: COVERAGE,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return getSettings(deps, { workspaceId: principal.workspaceId });
    },
  );

  app.put(
    "/api/v1/ad-library/settings",
    {
      schema: {
        tags: TAGS,
        summary: "Replace the Ad Library capture settings",
        description:
          "`searchTerms` (one search each, at most 20), `countries` (ISO codes such as DE or PT, or ALL), " +
          "optional `publisherPlatforms`, `enabled` (the weekly capture; needs a term and a country). " +
          COVERAGE,
        body: AdLibrarySettingsSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:write");
      return updateSettings(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        userId: principal.userId,
        settings: request.body,
      });
    },
  );

  app.post(
    "/api/v1/ad-library/runs",
    {
      schema: {
        tags: TAGS,
        summary: "Search now (the last 7 days): 202 {id}; 409 while a search is queued or running",
        description: COVERAGE,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      const run = await startRun(deps, {
        workspaceId: principal.workspaceId,
        trigger: "manual",
        userId: principal.userId,
      });
      return reply.status(202).header("location", `/api/v1/ad-library/runs/${run.id}`).send({ id: run.id });
    },
  );

  app.get(
    "/api/v1/ad-library/runs",
    {
      schema: {
        tags: TAGS,
        summary: "Captures, newest first: window, pages, ads, advertisers new/updated, error",
        querystring: ListRunsQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return listRuns(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );

  app.get(
    "/api/v1/ad-library/runs/:id",
    { schema: { tags: TAGS, summary: "One capture with its counts", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return getRun(deps, { workspaceId: principal.workspaceId, runId: request.params.id });
    },
  );

  app.get(
    "/api/v1/ad-library/advertisers",
    {
      schema: {
        tags: TAGS,
        summary: "Advertisers found (pages): ads seen, first/last seen, snapshot links, the lead each became",
        description:
          "`sort` = `last_seen` (default) or `ads_seen`; `runId` = only the advertisers that capture found; " +
          "`term` = only those a search term found.",
        querystring: ListAdvertisersQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return listAdvertisers(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );
}
