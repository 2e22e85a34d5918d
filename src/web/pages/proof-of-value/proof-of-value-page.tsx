import { useState } from "react";
import type { ProofOfValueReport } from "../../../analytics/report-proof-of-value.ts";
import type { AccessKpis } from "../../../students/report-access-kpis.ts";
import { apiFetch, type QueryValue } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { formatNumber } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { useLanguage, useT } from "../../i18n.ts";
import { fileNameFrom, formatShare, headlineKind } from "./proof-of-value-format.ts";
import { WeeklyOriginChart } from "./weekly-origin-chart.tsx";
import "./proof-of-value.css";

interface Filters {
  productId: string;
  cohort: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { productId: "", cohort: "", from: "", to: "" };

/** Prova de valor: the first accesses we brought, as a sentence, per product and cohort and per week. */
export function ProofOfValuePage() {
  const t = useT();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const query: Record<string, QueryValue> = { ...filters };
  const report = useApi<ProofOfValueReport>("/api/v1/analytics/proof-of-value", query);
  const [exportError, setExportError] = useState<unknown>(null);
  const data = report.data;
  const products = data?.choices.products ?? [];
  const cohorts = products.find((product) => product.id === filters.productId)?.cohorts ?? [];
  const set = (changes: Partial<Filters>) => setFilters((current) => ({ ...current, ...changes }));

  return (
    <main className="page proof-page">
      <div className="page-header">
        <h1>{t("proof.title")}</h1>
        <div className="proof-actions">
          <ExportButton table="cohorts" query={query} onError={setExportError} />
          <ExportButton table="weeks" query={query} onError={setExportError} />
        </div>
      </div>
      <p className="muted">{t("proof.intro")}</p>
      <ProblemAlert error={exportError} />
      <form
        className="filters proof-filters"
        aria-label={t("proof.title")}
        onSubmit={(event) => event.preventDefault()}
      >
        <label>
          {t("proof.product")}
          <select
            value={filters.productId}
            onChange={(event) => set({ productId: event.target.value, cohort: "" })}
          >
            <option value="">{t("proof.allProducts")}</option>
            {products.map((product) => (
              <option key={product.id} value={product.id}>
                {product.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("proof.cohort")}
          <select
            value={filters.cohort}
            disabled={filters.productId === "" || cohorts.length === 0}
            onChange={(event) => set({ cohort: event.target.value })}
          >
            <option value="">{t("proof.allCohorts")}</option>
            {cohorts.map((cohort) => (
              <option key={cohort} value={cohort}>
                {cohort}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("proof.from")}
          <input type="date" value={filters.from} onChange={(event) => set({ from: event.target.value })} />
        </label>
        <label>
          {t("proof.to")}
          <input type="date" value={filters.to} onChange={(event) => set({ to: event.target.value })} />
        </label>
        {(filters.productId || filters.from || filters.to) && (
          <button
            type="button"
            className="button button-ghost button-small"
            onClick={() => setFilters(NO_FILTERS)}
          >
            {t("proof.clear")}
          </button>
        )}
      </form>
      <ProblemAlert error={report.error} onRetry={report.reload} />
      {!data ? (
        report.loading && <LoadingState />
      ) : (
        <>
          <Headline report={data} />
          <CohortTable report={data} />
          <section className="card" aria-labelledby="proof-weeks-title">
            <h2 id="proof-weeks-title">{t("proof.weeks")}</h2>
            <p className="muted">{t("proof.weeksIntro")}</p>
            {data.weeks.length === 0 ? (
              <EmptyState title={t("proof.weeksEmpty")} />
            ) : (
              <WeeklyOriginChart weeks={data.weeks} />
            )}
          </section>
        </>
      )}
    </main>
  );
}

function Headline({ report }: { report: ProofOfValueReport }) {
  const t = useT();
  const language = useLanguage();
  const { headline } = report;
  const kind = headlineKind(headline);
  const share = formatShare(headline.ourShare, language);
  return (
    <section className="card proof-headline" aria-live="polite" data-testid="proof-headline">
      <p className="proof-headline-sentence">
        {kind === "none"
          ? t("proof.headline.none")
          : t(`proof.headline.${kind}`, {
              share,
              cohort: headline.cohort ?? "",
              product: headline.productName ?? "",
            })}
      </p>
      {kind !== "none" && (
        <p className="muted">
          {t("proof.headline.detail", {
            ours: formatNumber(headline.ourFirstAccesses),
            total: formatNumber(headline.firstAccesses),
            enrollments: formatNumber(headline.enrollments),
          })}
        </p>
      )}
    </section>
  );
}

function CohortTable({ report }: { report: ProofOfValueReport }) {
  const t = useT();
  if (report.cohorts.length === 0) {
    return <EmptyState title={t("proof.empty")} hint={t("proof.emptyHint")} />;
  }
  return (
    <section className="card" aria-labelledby="proof-cohorts-title">
      <h2 id="proof-cohorts-title">{t("proof.cohorts")}</h2>
      <div className="table-wrap">
        <table className="data-table proof-table" aria-label={t("proof.cohorts")}>
          <thead>
            <tr>
              <th scope="col">{t("proof.col.product")}</th>
              <th scope="col">{t("proof.col.cohort")}</th>
              <th scope="col">{t("proof.col.enrollments")}</th>
              <th scope="col">{t("proof.col.firstAccesses")}</th>
              <th scope="col">{t("proof.col.rate")}</th>
              <th scope="col">{t("proof.col.whatsapp")}</th>
              <th scope="col">{t("proof.col.hotmart")}</th>
              <th scope="col">{t("proof.col.other")}</th>
              <th scope="col">{t("proof.col.share")}</th>
              <th scope="col">{t("proof.col.messages")}</th>
              <th scope="col">{t("proof.col.clicks")}</th>
              <th scope="col">{t("proof.col.median")}</th>
            </tr>
          </thead>
          <tbody>
            {report.cohorts.map((row) => (
              <tr key={`${row.productId}:${row.cohort ?? ""}`} data-cohort={row.cohort ?? ""}>
                <td>{row.productName}</td>
                <td>{row.cohort ?? <span className="muted">{t("proof.noCohort")}</span>}</td>
                <KpiCells kpis={row} />
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                {t("proof.total")}
              </th>
              <KpiCells kpis={report.totals} />
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

function KpiCells({ kpis }: { kpis: AccessKpis }) {
  const t = useT();
  const language = useLanguage();
  return (
    <>
      <td>{formatNumber(kpis.enrollments)}</td>
      <td>{formatNumber(kpis.firstAccesses)}</td>
      <td>{formatShare(kpis.firstAccessRate, language)}</td>
      <td>{formatNumber(kpis.byOrigin.whatsapp_link)}</td>
      <td>{formatNumber(kpis.byOrigin.hotmart_email)}</td>
      <td>{formatNumber(kpis.byOrigin.other)}</td>
      <td>
        <strong>{formatShare(kpis.ourShare, language)}</strong>
      </td>
      <td>{t("proof.messages", { welcome: kpis.welcomeSent, rescue: kpis.rescueSent })}</td>
      <td>{t("proof.clicks", { clicks: kpis.linkClicks, students: kpis.studentsClicked })}</td>
      <td>
        {kpis.medianHoursToFirstAccess === null
          ? "—"
          : t("proof.hours", { hours: formatNumber(kpis.medianHoursToFirstAccess) })}
      </td>
    </>
  );
}

/** Downloads one CSV table of the report with the current filters (a fetch with the token, then a blob). */
function ExportButton({
  table,
  query,
  onError,
}: {
  table: "cohorts" | "weeks";
  query: Record<string, QueryValue>;
  onError: (error: unknown) => void;
}) {
  const t = useT();
  const [busy, setBusy] = useState(false);

  async function download() {
    setBusy(true);
    onError(null);
    try {
      const response = await apiFetch("/api/v1/analytics/proof-of-value", {
        query: { ...query, format: "csv", table },
      });
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = fileNameFrom(
        response.headers.get("content-disposition"),
        `proof-of-value-${table}.csv`,
      );
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (caught) {
      onError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <button type="button" className="button" onClick={download} disabled={busy}>
      {busy ? t("proof.exporting") : t(table === "cohorts" ? "proof.exportCohorts" : "proof.exportWeeks")}
    </button>
  );
}
