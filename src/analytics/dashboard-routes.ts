import { authorize } from "../auth/authorize.ts";
import { can } from "../auth/schemas.ts";
import { issueStreamTicket } from "../auth/stream-ticket.ts";
import { seesOnlyOwnDeals } from "../crm/list-deals.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { FunnelQuerySchema, OverviewQuerySchema, StreamQuerySchema } from "./dashboard-schemas.ts";
import { funnelCsv, reportFunnel } from "./report-funnel.ts";
import { overviewCsv, reportOverview } from "./report-overview.ts";
import { overviewStreams } from "./stream-overview.ts";
import { sendCsv } from "./value-report-csv.ts";

const tags = ["analytics"];
const STREAM_ROUTE = "/api/v1/analytics/overview/stream";
/** Matches no deal: the owner of a sales API key's deals (a key is nobody). */
const NOBODY = "00000000-0000-0000-0000-000000000000";

/** The Painel: the overview (JSON, CSV, live stream) and the funnel (JSON, CSV). */
export function registerDashboardRoutes(app: HttpServer, deps: Deps) {
  const streams = overviewStreams(deps);
  // Open streams end before the server waits for its connections to finish.
  app.addHook("preClose", async () => streams.closeAll());

  app.get(
    "/api/v1/analytics/overview",
    {
      schema: {
        tags,
        summary:
          "Overview: leads by first source and day (workspace time zone), temperature mix, intake per minute over the last hour, backlog, failed events, silent sources (?format=csv&table=leads|temperature|intake|live|failed|silent)",
        querystring: OverviewQuerySchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "analytics:read");
      const { format, table, ...query } = request.query;
      const report = await reportOverview(deps, {
        workspaceId: principal.workspaceId,
        ...query,
        showEventErrors: can(principal, "events:read"),
      });
      if (format === "csv") {
        const { from, to } = report.period;
        return sendCsv(reply, `painel-${table}-${from}_${to}.csv`, overviewCsv(report, table));
      }
      return report;
    },
  );

  app.post(
    "/api/v1/analytics/overview/stream-ticket",
    {
      schema: {
        tags,
        summary: `A ticket valid for 60 s that opens ${STREAM_ROUTE}?ticket=… (EventSource sends no Authorization header)`,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "analytics:read");
      const ticket = await issueStreamTicket(deps, principal, `GET ${STREAM_ROUTE}`);
      return reply.status(201).header("cache-control", "no-store").send(ticket);
    },
  );

  app.get(
    STREAM_ROUTE,
    {
      config: { stream: true },
      // A HEAD would open a stream whose every byte is dropped.
      exposeHeadRoute: false,
      schema: {
        tags,
        summary:
          "The overview's live figures as server-sent events (event: figures, every few seconds when they change; keep-alive comments otherwise). Send Accept: text/event-stream and a Bearer token or ?ticket=",
        querystring: StreamQuerySchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "analytics:read");
      if (!String(request.headers.accept ?? "").includes("text/event-stream")) {
        throw new AppError(
          "invalid_input",
          "This route streams server-sent events: send Accept: text/event-stream",
          [{ field: "headers.accept", message: "text/event-stream" }],
        );
      }
      reply.hijack();
      streams.open({
        res: reply.raw,
        requestId: request.id,
        workspaceId: principal.workspaceId,
        source: request.query.source ?? null,
        expiresAt: principal.expiresAt ?? null,
      });
    },
  );

  app.post(
    "/api/v1/analytics/overview/stream/refresh",
    {
      schema: {
        tags,
        summary:
          "Push the live figures now to the workspace's open streams in this process (answers how many; 0: reconnect)",
      },
    },
    async (request) => {
      const principal = authorize(request, "analytics:read");
      return { streams: await streams.refresh(principal.workspaceId) };
    },
  );

  app.get(
    "/api/v1/analytics/funnel",
    {
      schema: {
        tags,
        summary:
          "Funnel of a pipeline: conversion by stage (entered, converted onward, rate), by owner and source, time in stage (average, median, p90 hours), won/lost reasons, SLA compliance by owner and stage; sales see their own deals (?format=csv&table=stages|owners|sources|reasons|sla-owners|sla-stages)",
        querystring: FunnelQuerySchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "analytics:funnel");
      const { format, table, ...query } = request.query;
      const ownerId = seesOnlyOwnDeals(principal) ? (principal.userId ?? NOBODY) : query.ownerId;
      const report = await reportFunnel(deps, { workspaceId: principal.workspaceId, ...query, ownerId });
      if (format === "csv") {
        const { from, to } = report.period;
        return sendCsv(reply, `funil-${table}-${from}_${to}.csv`, funnelCsv(report, table));
      }
      return report;
    },
  );
}
