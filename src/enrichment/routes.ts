import { z } from "zod";
import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { getEnrichmentStats } from "./get-enrichment-stats.ts";
import { getLeadEnrichmentDetail } from "./get-lead-enrichment.ts";
import { getTierSettings, updateTierSettings } from "./manage-tiers.ts";
import { requestBulkEnrichment, requestEnrichment } from "./request-enrichment.ts";
import { BulkEnrichSchema, DEFAULT_TIERS, TierSettingsSchema } from "./schemas.ts";

const IdParams = z.object({ id: z.string().uuid() });

export function registerEnrichmentRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/leads/:id/enrichment",
    {
      schema: {
        tags: ["enrichment"],
        summary: "The lead's enrichment: status per provider, errors, per-field provenance, freshness",
        params: IdParams,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return getLeadEnrichmentDetail(deps, {
        workspaceId: principal.workspaceId,
        contactId: request.params.id,
      });
    },
  );

  app.post(
    "/api/v1/leads/:id/enrich",
    {
      schema: {
        tags: ["enrichment"],
        summary: "Enrich the lead now, ignoring freshness (202: queued)",
        params: IdParams,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      const queued = await requestEnrichment(deps, {
        workspaceId: principal.workspaceId,
        contactId: request.params.id,
      });
      return reply.status(202).send(queued);
    },
  );

  app.post(
    "/api/v1/enrichment/runs",
    {
      schema: {
        tags: ["enrichment"],
        summary:
          "Enrich many leads (ids, or a scope: missing, failed, stale, all); queued at the providers' pace",
        body: BulkEnrichSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      const result = await requestBulkEnrichment(deps, {
        workspaceId: principal.workspaceId,
        request: request.body,
      });
      return reply.status(202).send(result);
    },
  );

  app.get(
    "/api/v1/enrichment/stats",
    {
      schema: {
        tags: ["enrichment"],
        summary: "Coverage, success rate, average time per lead, per provider, failures by reason",
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return getEnrichmentStats(deps, { workspaceId: principal.workspaceId });
    },
  );

  app.get(
    "/api/v1/enrichment/tiers",
    { schema: { tags: ["enrichment"], summary: "Creator tiers: thresholds on followers and engagement" } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      const settings = await getTierSettings(deps.db, principal.workspaceId);
      return { ...settings, defaults: DEFAULT_TIERS };
    },
  );

  app.put(
    "/api/v1/enrichment/tiers",
    {
      schema: {
        tags: ["enrichment"],
        summary: "Replace the creator tiers; enriched leads are re-tiered and re-scored in the background",
        body: TierSettingsSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "scoring:write");
      return updateTierSettings(deps, {
        workspaceId: principal.workspaceId,
        settings: request.body,
        actor: principal.actor,
      });
    },
  );
}
