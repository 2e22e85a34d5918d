import { useState } from "react";
import type { reportSla } from "../../../crm/manage-sla.ts";
import type { reportPipeline } from "../../../crm/report-pipeline.ts";
import type { PipelineView } from "../../../crm/schemas.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { formatMoney, formatNumber } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";

type PipelineReport = Awaited<ReturnType<typeof reportPipeline>>;
type SlaReport = Awaited<ReturnType<typeof reportSla>>;

const PERIODS = [30, 90, 365] as const;
const percent = (value: number | null) => (value === null ? "—" : `${Math.round(value * 100)}%`);

/** Relatórios: a pipeline's funnel, outcomes by owner and source, time in stage, reasons; SLA compliance. */
export function ReportsPage() {
  const t = useT();
  const pipelines = useApi<{ items: PipelineView[] }>("/api/v1/pipelines");
  const [pipelineId, setPipelineId] = useState<string | null>(null);
  const [days, setDays] = useState<(typeof PERIODS)[number]>(90);
  const [from] = useState(() => new Date());
  const since = new Date(from.getTime() - days * 86_400_000).toISOString();
  const pipeline =
    pipelines.data?.items.find((item) => item.id === pipelineId) ?? pipelines.data?.items[0] ?? null;
  const report = useApi<PipelineReport>(pipeline ? `/api/v1/pipelines/${pipeline.id}/report` : null, {
    from: since,
  });
  const sla = useApi<SlaReport>("/api/v1/sla/report", { from: since });

  if (pipelines.loading && !pipelines.data) return <LoadingState />;
  return (
    <main className="page reports-page">
      <div className="page-header">
        <h1>{t("reports.title")}</h1>
      </div>
      <ProblemAlert error={pipelines.error ?? report.error ?? sla.error} />
      <div className="filters">
        {pipelines.data && pipelines.data.items.length > 1 && (
          <label>
            {t("deals.pipeline")}
            <select value={pipeline?.id ?? ""} onChange={(event) => setPipelineId(event.target.value)}>
              {pipelines.data.items.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t("reports.period")}
          <select
            value={days}
            onChange={(event) => setDays(Number(event.target.value) as (typeof PERIODS)[number])}
          >
            {PERIODS.map((period) => (
              <option key={period} value={period}>
                {t("reports.lastDays", { days: period })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!pipeline ? (
        <EmptyState title={t("deals.noPipeline")}>
          <a className="button" href={href("/deals")}>
            {t("nav.deals")}
          </a>
        </EmptyState>
      ) : report.data ? (
        <PipelineSection report={report.data} />
      ) : (
        <LoadingState />
      )}
      {sla.data && <SlaSection report={sla.data} />}
    </main>
  );
}

function PipelineSection({ report }: { report: PipelineReport }) {
  const t = useT();
  if (report.deals === 0) return <EmptyState title={t("reports.noDeals")} hint={t("reports.noDealsHint")} />;
  const widest = Math.max(1, ...report.stages.map((stage) => stage.reached));
  return (
    <>
      <section className="card" aria-label={t("reports.funnel")}>
        <h2>{t("reports.funnel")}</h2>
        <table className="report-table">
          <thead>
            <tr>
              <th>{t("reports.stage")}</th>
              <th>{t("reports.reached")}</th>
              <th>{t("reports.onward")}</th>
              <th>{t("reports.hoursInStage")}</th>
            </tr>
          </thead>
          <tbody>
            {report.stages.map((stage) => (
              <tr key={stage.id}>
                <td>{stage.name}</td>
                <td>
                  <span className="bar" style={{ width: `${(stage.reached / widest) * 100}%` }} />
                  {formatNumber(stage.reached)}
                </td>
                <td>{percent(stage.onward)}</td>
                <td>
                  {stage.avgHoursInStage === null
                    ? "—"
                    : t("reports.hours", { hours: stage.avgHoursInStage.toFixed(1) })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div className="report-grid">
        <OutcomeTable
          title={t("reports.byOwner")}
          rows={report.byOwner.map((row) => ({
            ...row,
            label: row.owner ?? t("deals.noOwner"),
            key: row.ownerId ?? "none",
          }))}
        />
        <OutcomeTable
          title={t("reports.bySource")}
          rows={report.bySource.map((row) => ({
            ...row,
            label: row.source ?? "—",
            key: row.source ?? "none",
          }))}
        />
      </div>
      <div className="report-grid">
        {(["won", "lost"] as const).map((status) => (
          <section key={status} className="card" aria-label={t(`reports.reasons.${status}`)}>
            <h2>{t(`reports.reasons.${status}`)}</h2>
            {report.reasons[status].length === 0 ? (
              <p className="muted">{t("reports.none")}</p>
            ) : (
              <ul className="reason-list">
                {report.reasons[status].map((row) => (
                  <li key={row.reason ?? "none"}>
                    <span>{row.reason ?? t("reports.noReason")}</span>{" "}
                    <strong>{formatNumber(row.deals)}</strong>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
    </>
  );
}

function OutcomeTable({
  title,
  rows,
}: {
  title: string;
  rows: {
    key: string;
    label: string;
    deals: number;
    won: number;
    lost: number;
    winRate: number | null;
    wonValue: number;
  }[];
}) {
  const t = useT();
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      <table className="report-table">
        <thead>
          <tr>
            <th />
            <th>{t("reports.deals")}</th>
            <th>{t("deals.status.won")}</th>
            <th>{t("deals.status.lost")}</th>
            <th>{t("reports.winRate")}</th>
            <th>{t("reports.wonValue")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <td>{row.label}</td>
              <td>{formatNumber(row.deals)}</td>
              <td>{formatNumber(row.won)}</td>
              <td>{formatNumber(row.lost)}</td>
              <td>{percent(row.winRate)}</td>
              <td>{formatMoney(row.wonValue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SlaSection({ report }: { report: SlaReport }) {
  const t = useT();
  if (report.byOwner.length === 0) return null;
  return (
    <div className="report-grid">
      {(
        [
          ["byOwner", t("reports.slaByOwner")],
          ["byStage", t("reports.slaByStage")],
        ] as const
      ).map(([key, title]) => (
        <section key={key} className="card" aria-label={title}>
          <h2>{title}</h2>
          <table className="report-table">
            <thead>
              <tr>
                <th />
                <th>{t("reports.slaMet")}</th>
                <th>{t("reports.slaBreached")}</th>
                <th>{t("reports.slaRunning")}</th>
                <th>{t("reports.compliance")}</th>
              </tr>
            </thead>
            <tbody>
              {report[key].map((row) => (
                <tr key={row.key}>
                  <td>{row.label ?? (key === "byOwner" ? t("deals.noOwner") : t("reports.noDeal"))}</td>
                  <td>{formatNumber(row.met)}</td>
                  <td>{formatNumber(row.breached)}</td>
                  <td>{formatNumber(row.running)}</td>
                  <td>{percent(row.compliance)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
