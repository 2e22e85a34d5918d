import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import type { HttpServer } from "../platform/http/server.ts";
import {
  automationEffectivenessCsv,
  reportAutomationEffectiveness,
} from "./report-automation-effectiveness.ts";
import { proofOfValueCsv, reportProofOfValue } from "./report-proof-of-value.ts";
import { reportTagAnalytics, tagAnalyticsCsv } from "./report-tag-analytics.ts";
import { sendCsv } from "./value-report-csv.ts";
import {
  AutomationEffectivenessQuerySchema,
  ProofOfValueQuerySchema,
  TagAnalyticsQuerySchema,
} from "./value-report-schemas.ts";

/** The value reports: automation effectiveness, proof of value (a client's only page) and tag analytics. */
export function registerValueReportRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/analytics/automation",
    {
      schema: {
        tags: ["analytics"],
        summary:
          "Automation effectiveness per rule and channel: suggested → approved → sent → delivered → clicked, refusals by reason, rejections, expiries, time to decide (?format=csv)",
        querystring: AutomationEffectivenessQuerySchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "analytics:read");
      const report = await reportAutomationEffectiveness(deps, {
        workspaceId: principal.workspaceId,
        ...request.query,
      });
      if (request.query.format === "csv") {
        return sendCsv(reply, "automation-effectiveness.csv", automationEffectivenessCsv(report));
      }
      return report;
    },
  );

  app.get(
    "/api/v1/analytics/proof-of-value",
    {
      schema: {
        tags: ["analytics"],
        summary:
          "Proof of value: first accesses we brought per product and cohort, the headline share and first accesses per week by origin (?format=csv&table=cohorts|weeks)",
        querystring: ProofOfValueQuerySchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "analytics:proof");
      const report = await reportProofOfValue(deps, { workspaceId: principal.workspaceId, ...request.query });
      if (request.query.format === "csv") {
        const table = request.query.table;
        return sendCsv(reply, `proof-of-value-${table}.csv`, proofOfValueCsv(report, table));
      }
      return report;
    },
  );

  app.get(
    "/api/v1/analytics/tags",
    {
      schema: {
        tags: ["analytics"],
        summary:
          "Tag analytics from Chatwoot labels: counts over time, word cloud, tags against refunds and conversion, any/all multi-tag filters (?format=csv&table=tags|series)",
        querystring: TagAnalyticsQuerySchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "analytics:read");
      const report = await reportTagAnalytics(deps, { workspaceId: principal.workspaceId, ...request.query });
      if (request.query.format === "csv") {
        const table = request.query.table;
        return sendCsv(reply, `tag-analytics-${table}.csv`, tagAnalyticsCsv(report, table));
      }
      return report;
    },
  );
}
