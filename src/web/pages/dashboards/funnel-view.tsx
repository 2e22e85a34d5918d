import { useRef } from "react";
import type { FunnelReport } from "../../../analytics/dashboard-schemas.ts";
import { ChartCard, type ChartRows, DataTable } from "../../components/charts/chart-card.tsx";
import { FunnelChart } from "../../components/charts/funnel-chart.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { formatMoney, formatNumber } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { useLanguage, useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import { DashboardFilterBar } from "./dashboard-filters.tsx";
import {
  type DashboardFilters,
  dayText,
  funnelChart,
  ownerRows,
  percentText,
  picksOwner,
  reasonRows,
  reportQuery,
  slaRows,
  sourceRows,
  timeRows,
} from "./dashboards-format.ts";

const WON_COLOR = "#1b7f4b";

/** Funil: a pipeline's conversion by stage as a funnel, then owners, sources, time in stage, SLA, reasons. */
export function FunnelView({
  filters,
  onFilters,
  role,
}: {
  filters: DashboardFilters;
  onFilters: (next: DashboardFilters) => void;
  role: string | undefined;
}) {
  const t = useT();
  const language = useLanguage();
  const report = useApi<FunnelReport>("/api/v1/analytics/funnel", reportQuery("funnel", filters));
  const owners = useApi<{ items: { id: string; name: string | null; email: string }[] }>(
    picksOwner(role) ? "/api/v1/deal-owners" : null,
  );
  const seen = useRef(new Set<string | null>());
  for (const row of report.data?.bySource ?? []) seen.current.add(row.source);
  const data = report.data;

  return (
    <>
      <DashboardFilterBar
        filters={filters}
        period={data?.period ?? null}
        sources={[...seen.current]}
        onChange={onFilters}
      >
        {data && data.pipelines.length > 0 && (
          <label className="field field-compact">
            <span>{t("dashboards.funnel.pipeline")}</span>
            <select
              value={filters.pipelineId ?? data.pipeline?.id ?? ""}
              onChange={(event) => onFilters({ ...filters, pipelineId: event.target.value })}
            >
              {data.pipelines.map((pipeline) => (
                <option key={pipeline.id} value={pipeline.id}>
                  {pipeline.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {picksOwner(role) && (
          <label className="field field-compact">
            <span>{t("dashboards.funnel.owner")}</span>
            <select
              value={filters.ownerId ?? ""}
              onChange={(event) => {
                const { ownerId: _ownerId, ...rest } = filters;
                onFilters(event.target.value ? { ...rest, ownerId: event.target.value } : rest);
              }}
            >
              <option value="">{t("dashboards.funnel.allOwners")}</option>
              {(owners.data?.items ?? []).map((owner) => (
                <option key={owner.id} value={owner.id}>
                  {owner.name ?? owner.email}
                </option>
              ))}
            </select>
          </label>
        )}
      </DashboardFilterBar>
      {!picksOwner(role) && <p className="muted">{t("dashboards.funnel.ownOnly")}</p>}
      <ProblemAlert error={report.error} onRetry={report.reload} />
      {!data ? (
        report.loading ? (
          <LoadingState />
        ) : null
      ) : !data.pipeline ? (
        <EmptyState title={t("dashboards.funnel.noPipeline")}>
          <a className="button" href={href("/deals")}>
            {t("nav.deals")}
          </a>
        </EmptyState>
      ) : (
        <>
          <p className="muted dashboard-period">
            {t("dashboards.period", {
              from: dayText(data.period.from, language),
              to: dayText(data.period.to, language),
              timeZone: data.period.timeZone,
            })}
          </p>
          <FunnelCard report={data} loading={report.loading} />
          <div className="dashboard-grid">
            <TableCard
              title={t("dashboards.funnel.byOwner")}
              fileName="funil-por-responsavel"
              rows={ownerRows(data, t, language, formatMoney)}
            />
            <TableCard
              title={t("dashboards.funnel.bySource")}
              fileName="funil-por-origem"
              rows={sourceRows(data, t, language, formatMoney)}
            />
          </div>
          <div className="dashboard-grid">
            <TableCard
              title={t("dashboards.funnel.time")}
              subtitle={t("dashboards.funnel.timeHint")}
              fileName="tempo-em-cada-etapa"
              rows={timeRows(data, t)}
            />
            <TableCard title={t("dashboards.funnel.reasons")} fileName="motivos" rows={reasonRows(data, t)} />
          </div>
          <div className="dashboard-grid">
            <TableCard
              title={t("dashboards.funnel.slaOwner")}
              fileName="sla-por-responsavel"
              rows={slaRows(data, "byOwner", t, language)}
            />
            <TableCard
              title={t("dashboards.funnel.slaStage")}
              fileName="sla-por-etapa"
              rows={slaRows(data, "byStage", t, language)}
            />
          </div>
        </>
      )}
    </>
  );
}

function FunnelCard({ report, loading }: { report: FunnelReport; loading: boolean }) {
  const t = useT();
  const language = useLanguage();
  const chart = funnelChart(report, t, language);
  const title = t("dashboards.funnel.title");
  const wonStages = new Set(report.stages.filter((stage) => stage.kind === "won").map((stage) => stage.id));
  return (
    <ChartCard
      title={title}
      subtitle={t("dashboards.funnel.subtitle", { deals: formatNumber(report.deals) })}
      fileName={`funil-${report.period.from}_${report.period.to}`}
      rows={chart.rows}
      loading={loading && report.deals === 0}
      empty={chart.empty}
      emptyText={t("dashboards.funnel.empty")}
    >
      <FunnelChart
        title={title}
        summary={t("dashboards.funnel.summary")}
        stages={chart.stages}
        rateLabel={(rate) => t("dashboards.funnel.rate", { rate: percentText(rate, language) })}
        colorOf={(stage) => (wonStages.has(stage.key) ? WON_COLOR : "#4f46e5")}
      />
      <p className="muted dashboard-funnel-lost">
        {t("dashboards.funnel.lost", { count: formatNumber(chart.lost) })}
      </p>
    </ChartCard>
  );
}

function TableCard({
  title,
  subtitle,
  fileName,
  rows,
}: {
  title: string;
  subtitle?: string;
  fileName: string;
  rows: ChartRows;
}) {
  const t = useT();
  return (
    <ChartCard
      title={title}
      subtitle={subtitle}
      fileName={fileName}
      rows={rows}
      empty={rows.length <= 1}
      emptyText={t("dashboards.funnel.tableEmpty")}
      png={false}
      tableFallback={false}
      className="dashboard-table-card"
    >
      <DataTable rows={rows} caption={title} />
    </ChartCard>
  );
}
