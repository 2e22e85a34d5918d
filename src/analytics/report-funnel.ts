import { listPipelines } from "../crm/manage-pipelines.ts";
import { reportSla } from "../crm/manage-sla.ts";
import { reportPipeline } from "../crm/report-pipeline.ts";
import type { Deps } from "../deps.ts";
import { notFound } from "../platform/http/errors.ts";
import type { FunnelReport, FunnelTable } from "./dashboard-schemas.ts";
import { resolvePeriod } from "./resolve-period.ts";

/**
 * The Painel's funnel for a pipeline and period: the figures are crm's own (crm/report-pipeline.ts for
 * stages, owners, sources, time in stage and reasons; crm/manage-sla.ts#reportSla for the SLA), read
 * over the period's instants with the same owner and source filters, and shaped for the charts.
 */
export async function reportFunnel(
  deps: Deps,
  input: {
    workspaceId: string;
    pipelineId?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    ownerId?: string | undefined;
    source?: string | undefined;
  },
): Promise<FunnelReport> {
  const { today: _today, ...period } = await resolvePeriod(deps, input);
  const { items } = await listPipelines(deps, { workspaceId: input.workspaceId });
  const pipelines = items.map((item) => ({ id: item.id, name: item.name }));
  const pipeline = input.pipelineId ? items.find((item) => item.id === input.pipelineId) : items[0];
  if (input.pipelineId && !pipeline) throw notFound("Pipeline");
  const filters = {
    pipelineId: pipeline?.id ?? null,
    ownerId: input.ownerId ?? null,
    source: input.source ?? null,
  };
  const range = {
    workspaceId: input.workspaceId,
    from: period.start,
    to: period.end,
    ownerId: input.ownerId,
    source: input.source,
  };
  if (!pipeline) {
    return {
      period,
      filters,
      pipeline: null,
      pipelines,
      deals: 0,
      stages: [],
      byOwner: [],
      bySource: [],
      reasons: { won: [], lost: [] },
      sla: { byOwner: [], byStage: [] },
    };
  }
  const [report, sla] = await Promise.all([
    reportPipeline(deps, { ...range, pipelineId: pipeline.id }),
    reportSla(deps, { ...range, pipelineId: pipeline.id }),
  ]);
  return {
    period,
    filters,
    pipeline: { id: pipeline.id, name: pipeline.name },
    pipelines,
    deals: report.deals,
    stages: report.stages.map((stage) => ({
      id: stage.id,
      name: stage.name,
      kind: stage.kind,
      entered: stage.reached,
      converted: stage.onwardDeals,
      rate: stage.onward,
      // A won or lost stay has no end: its hours would only count the time since.
      hours:
        stage.kind === "open" &&
        stage.avgHoursInStage !== null &&
        stage.medianHoursInStage !== null &&
        stage.p90HoursInStage !== null
          ? { average: stage.avgHoursInStage, median: stage.medianHoursInStage, p90: stage.p90HoursInStage }
          : null,
    })),
    byOwner: report.byOwner,
    bySource: report.bySource,
    reasons: report.reasons,
    sla: { byOwner: sla.byOwner, byStage: sla.byStage },
  };
}

/** One table of the funnel as CSV rows (header first), with the same figures as the JSON. */
export function funnelCsv(report: FunnelReport, table: FunnelTable): unknown[][] {
  const outcomes = ["deals", "open", "won", "lost", "won_value", "win_rate"];
  switch (table) {
    case "stages":
      return [
        ["stage", "kind", "entered", "converted", "rate", "average_hours", "median_hours", "p90_hours"],
        ...report.stages.map((stage) => [
          stage.name,
          stage.kind,
          stage.entered,
          stage.converted ?? "",
          stage.rate ?? "",
          stage.hours?.average ?? "",
          stage.hours?.median ?? "",
          stage.hours?.p90 ?? "",
        ]),
      ];
    case "owners":
      return [
        ["owner_id", "owner", ...outcomes],
        ...report.byOwner.map((row) => [
          row.ownerId ?? "",
          row.owner ?? "",
          row.deals,
          row.open,
          row.won,
          row.lost,
          row.wonValue,
          row.winRate ?? "",
        ]),
      ];
    case "sources":
      return [
        ["source", ...outcomes],
        ...report.bySource.map((row) => [
          row.source ?? "",
          row.deals,
          row.open,
          row.won,
          row.lost,
          row.wonValue,
          row.winRate ?? "",
        ]),
      ];
    case "reasons":
      return [
        ["outcome", "reason", "deals"],
        ...(["won", "lost"] as const).flatMap((outcome) =>
          report.reasons[outcome].map((row) => [outcome, row.reason ?? "", row.deals]),
        ),
      ];
    case "sla-owners":
    case "sla-stages":
      return [
        [table === "sla-owners" ? "owner" : "stage", "met", "breached", "running", "compliance"],
        ...report.sla[table === "sla-owners" ? "byOwner" : "byStage"].map((row) => [
          row.label ?? "",
          row.met,
          row.breached,
          row.running,
          row.compliance ?? "",
        ]),
      ];
  }
}
