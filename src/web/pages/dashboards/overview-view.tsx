import { useEffect, useRef } from "react";
import type { LiveFigures, OverviewReport } from "../../../analytics/dashboard-schemas.ts";
import { ChartCard } from "../../components/charts/chart-card.tsx";
import { DonutChart } from "../../components/charts/donut-chart.tsx";
import { StackedBarChart } from "../../components/charts/stacked-bar-chart.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { LoadingState } from "../../components/status-states.tsx";
import { formatDateTime, formatNumber, formatRelative } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { useLanguage, useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import { DashboardFilterBar } from "./dashboard-filters.tsx";
import {
  canOpenEvents,
  type DashboardFilters,
  dayLabel,
  dayText,
  intakeChart,
  leadsChart,
  percentText,
  reportQuery,
  temperatureChart,
} from "./dashboards-format.ts";
import { type LiveStatus, useLiveFigures } from "./use-live-figures.ts";

/** Visão geral: live figures (streamed), leads by source and day, temperature, intake, failures, silence. */
export function OverviewView({
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
  const report = useApi<OverviewReport>("/api/v1/analytics/overview", reportQuery("overview", filters));
  const live = useLiveFigures({ source: filters.source, enabled: true });
  // The sources seen so far stay offered when one of them is picked (the report then holds only it).
  const seen = useRef(new Set<string | null>());
  for (const line of report.data?.leads.sources ?? []) seen.current.add(line.source);
  const data = report.data;
  const figures = live.figures ?? data?.live ?? null;
  useChartsFollowLive(report, live.figures);

  return (
    <>
      <DashboardFilterBar
        filters={filters}
        period={data?.period ?? null}
        sources={[...seen.current]}
        onChange={onFilters}
      />
      <ProblemAlert error={report.error} onRetry={report.reload} />
      {!data ? (
        report.loading ? (
          <LoadingState />
        ) : null
      ) : (
        <>
          <p className="muted dashboard-period">
            {t("dashboards.period", {
              from: dayText(data.period.from, language),
              to: dayText(data.period.to, language),
              timeZone: data.period.timeZone,
            })}
          </p>
          {figures && (
            <LiveCards
              figures={figures}
              silent={data.silentSources.length}
              status={live.status}
              onRefresh={() => void live.refresh()}
              linksToEvents={canOpenEvents(role)}
              filtered={Boolean(filters.source)}
            />
          )}
          <LeadsCard report={data} loading={report.loading} />
          <div className="dashboard-grid">
            <TemperatureCard report={data} loading={report.loading} />
            {figures && <IntakeCard figures={figures} />}
          </div>
          <div className="dashboard-grid">
            <FailedCard report={data} linksToEvents={canOpenEvents(role)} />
            <SilentCard report={data} linksToEvents={canOpenEvents(role)} />
          </div>
        </>
      )}
    </>
  );
}

/** The charts are read again when the stream says leads or failures changed, at most every 10 s. */
const FOLLOW_MS = 10_000;

function useChartsFollowLive(
  report: { data: OverviewReport | null; loading: boolean; reload: () => void },
  figures: LiveFigures | null,
) {
  const lastRead = useRef(Date.now());
  const changed =
    figures !== null &&
    report.data !== null &&
    (figures.newLeadsToday !== report.data.live.newLeadsToday || figures.failed !== report.data.live.failed);
  const { loading, reload } = report;
  useEffect(() => {
    if (!changed || loading) return;
    const wait = Math.max(0, lastRead.current + FOLLOW_MS - Date.now());
    const timer = window.setTimeout(() => {
      lastRead.current = Date.now();
      reload();
    }, wait);
    return () => window.clearTimeout(timer);
  }, [changed, loading, reload]);
}

function LiveCards({
  figures,
  silent,
  status,
  onRefresh,
  linksToEvents,
  filtered,
}: {
  figures: LiveFigures;
  silent: number;
  status: LiveStatus;
  onRefresh: () => void;
  linksToEvents: boolean;
  filtered: boolean;
}) {
  const t = useT();
  const language = useLanguage();
  const time = new Intl.DateTimeFormat(language, { timeStyle: "medium" }).format(new Date(figures.at));
  const perMinute = new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(
    figures.intake.perMinute,
  );
  return (
    <section className="dashboard-live" aria-label={t("dashboards.live.title")}>
      <div className="dashboard-live-status">
        <span className={`live-dot live-${status}`} aria-hidden="true" />
        <span role="status">
          {t(`dashboards.live.status.${status}`)} · {t("dashboards.live.updatedAt", { time })}
        </span>
        <button type="button" className="button button-small button-ghost" onClick={onRefresh}>
          {t("dashboards.live.refresh")}
        </button>
        {filtered && <span className="muted">{t("dashboards.live.eventsOnly")}</span>}
      </div>
      <div className="dashboard-stats">
        <Stat
          name="newLeadsToday"
          label={t("dashboards.card.newLeadsToday")}
          value={figures.newLeadsToday}
          hint={t("dashboards.card.newLeadsTodayHint", { day: dayLabel(figures.today, language) })}
        />
        <Stat
          name="intake"
          label={t("dashboards.card.intake")}
          value={figures.intake.lastMinute}
          hint={t("dashboards.card.intakeHint", {
            lastHour: formatNumber(figures.intake.lastHour),
            perMinute,
          })}
        />
        <Stat
          name="backlog"
          label={t("dashboards.card.backlog")}
          value={figures.backlog}
          hint={
            figures.backlogOldestAt
              ? t("dashboards.card.backlogHint", { when: formatRelative(figures.backlogOldestAt) })
              : t("dashboards.card.backlogEmpty")
          }
          link={linksToEvents ? href("/events", new URLSearchParams({ status: "received" })) : undefined}
          tone={figures.backlog > 0 ? "warn" : undefined}
        />
        <Stat
          name="failed"
          label={t("dashboards.card.failed")}
          value={figures.failed}
          hint={t("dashboards.card.failedHint")}
          link={linksToEvents ? href("/events", new URLSearchParams({ status: "failed" })) : undefined}
          tone={figures.failed > 0 ? "danger" : undefined}
        />
        <Stat
          name="silent"
          label={t("dashboards.card.silent")}
          value={silent}
          hint={t("dashboards.card.silentHint")}
          link={linksToEvents ? href("/connections") : undefined}
          tone={silent > 0 ? "warn" : undefined}
        />
      </div>
    </section>
  );
}

function Stat({
  name,
  label,
  value,
  hint,
  link,
  tone,
}: {
  name: string;
  label: string;
  value: number;
  hint: string;
  link?: string | undefined;
  tone?: "warn" | "danger" | undefined;
}) {
  const t = useT();
  return (
    <div className={`card dashboard-stat${tone ? ` dashboard-stat-${tone}` : ""}`}>
      <dl>
        <dt className="dashboard-stat-label">{label}</dt>
        <dd className="dashboard-stat-value" data-stat={name}>
          {formatNumber(value)}
        </dd>
      </dl>
      <p className="muted dashboard-stat-hint">{hint}</p>
      {link && (
        <a className="dashboard-stat-link" href={link} aria-label={`${t("dashboards.card.open")}: ${label}`}>
          {t("dashboards.card.open")} →
        </a>
      )}
    </div>
  );
}

function LeadsCard({ report, loading }: { report: OverviewReport; loading: boolean }) {
  const t = useT();
  const language = useLanguage();
  const chart = leadsChart(report, t);
  const title = t("dashboards.leads.title");
  return (
    <ChartCard
      title={title}
      subtitle={t("dashboards.leads.subtitle", { total: formatNumber(report.leads.total) })}
      fileName={`leads-por-origem-${report.period.from}_${report.period.to}`}
      rows={chart.rows}
      loading={loading && report.leads.total === 0}
      empty={chart.empty}
      emptyText={t("dashboards.leads.empty")}
    >
      <StackedBarChart
        title={title}
        summary={t("dashboards.leads.summary", {
          total: report.leads.total,
          from: dayText(report.period.from, language),
          to: dayText(report.period.to, language),
        })}
        categories={chart.categories}
        categoryLabel={(day) => dayLabel(day, language)}
        series={chart.series}
        showLegend
        width={1120}
        maxLabels={15}
        height={300}
      />
    </ChartCard>
  );
}

function TemperatureCard({ report, loading }: { report: OverviewReport; loading: boolean }) {
  const t = useT();
  const language = useLanguage();
  const chart = temperatureChart(report, t, language);
  const title = t("dashboards.temperature.title");
  return (
    <ChartCard
      title={title}
      subtitle={t("dashboards.temperature.subtitle")}
      fileName={`temperatura-${report.period.from}_${report.period.to}`}
      rows={chart.rows}
      loading={loading && chart.total === 0}
      empty={chart.empty}
      emptyText={t("dashboards.leads.empty")}
    >
      <DonutChart
        title={title}
        summary={t("dashboards.temperature.summary", report.temperature)}
        segments={chart.segments}
        centerLabel={t("dashboards.temperature.center")}
        formatShare={(share) => percentText(share, language)}
      />
    </ChartCard>
  );
}

function IntakeCard({ figures }: { figures: LiveFigures }) {
  const t = useT();
  const language = useLanguage();
  const chart = intakeChart(figures, t, language);
  const title = t("dashboards.intake.title");
  return (
    <ChartCard
      title={title}
      fileName="entrada-de-eventos"
      rows={chart.rows}
      empty={chart.empty}
      emptyText={t("dashboards.intake.empty")}
    >
      <StackedBarChart
        title={title}
        summary={t("dashboards.intake.summary", { lastHour: figures.intake.lastHour })}
        categories={chart.categories}
        series={chart.series}
        maxLabels={6}
        width={540}
        height={220}
        showLegend={false}
      />
    </ChartCard>
  );
}

function FailedCard({ report, linksToEvents }: { report: OverviewReport; linksToEvents: boolean }) {
  const t = useT();
  return (
    <section className="card" aria-label={t("dashboards.failed.title")}>
      <h2>{t("dashboards.failed.title")}</h2>
      {report.failedEvents.length === 0 ? (
        <p className="muted">{t("dashboards.failed.empty")}</p>
      ) : (
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">{t("dashboards.failed.when")}</th>
              <th scope="col">{t("dashboards.col.source")}</th>
              <th scope="col">{t("dashboards.failed.attempts")}</th>
              <th scope="col">{t("dashboards.failed.error")}</th>
            </tr>
          </thead>
          <tbody>
            {report.failedEvents.map((event) => (
              <tr key={event.id}>
                <td>{formatDateTime(event.receivedAt)}</td>
                <td>{event.source}</td>
                <td>{formatNumber(event.attempts)}</td>
                <td className="dashboard-error">
                  {event.error ?? <span className="muted">{t("dashboards.failed.errorHidden")}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {linksToEvents && report.failedEvents.length > 0 && (
        <a href={href("/events", new URLSearchParams({ status: "failed" }))}>
          {t("dashboards.failed.all")} →
        </a>
      )}
    </section>
  );
}

function SilentCard({ report, linksToEvents }: { report: OverviewReport; linksToEvents: boolean }) {
  const t = useT();
  return (
    <section className="card" aria-label={t("dashboards.silent.title")}>
      <h2>{t("dashboards.silent.title")}</h2>
      {report.silentSources.length === 0 ? (
        <p className="muted">{t("dashboards.silent.empty")}</p>
      ) : (
        <ul className="dashboard-silent">
          {report.silentSources.map((source) => (
            <li key={source.id}>
              <strong>{source.name}</strong> <span className="muted">({source.type})</span>
              <br />
              <span className="muted">
                {source.lastReceivedAt
                  ? t("dashboards.silent.last", { when: formatRelative(source.lastReceivedAt) })
                  : t("dashboards.silent.never")}
                {source.silentAfterHours !== null &&
                  ` · ${t("dashboards.silent.after", { hours: source.silentAfterHours })}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {linksToEvents && report.silentSources.length > 0 && (
        <a href={href("/connections")}>{t("dashboards.silent.all")} →</a>
      )}
    </section>
  );
}
