import { useState } from "react";
import { api } from "../../api/client.ts";
import type { EnrichmentStats } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { LoadingState, Notice } from "../../components/status-states.tsx";
import { formatNumber } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";
import { enrichmentLabel, formatPercent } from "./enrichment-labels.ts";
import { TierSettings } from "./tier-settings.tsx";

/** Enrichment at a glance: coverage, success rate, time per lead, per provider, failures by reason. */
export function EnrichmentPage() {
  const t = useT();
  const stats = useApi<EnrichmentStats>("/api/v1/enrichment/stats");
  const [notice, setNotice] = useState("");
  const [error, setError] = useState<unknown>(null);

  async function runMissing() {
    setError(null);
    try {
      const result = await api<{ requested: number }>("/api/v1/enrichment/runs", {
        method: "POST",
        body: { scope: "missing" },
      });
      setNotice(t("enrichment.runMissingDone", { count: result.requested }));
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <main className="page">
      <div className="page-header">
        <div>
          <h1>{t("enrichment.title")}</h1>
          <p className="muted">{t("enrichment.subtitle")}</p>
        </div>
        <div className="page-actions">
          <button type="button" className="button" onClick={runMissing}>
            {t("enrichment.runMissing")}
          </button>
        </div>
      </div>
      {notice && <Notice>{notice}</Notice>}
      <ProblemAlert error={error ?? stats.error} onRetry={stats.reload} />
      {stats.loading && !stats.data && <LoadingState />}
      {stats.data && <StatsCards stats={stats.data} />}
      <TierSettings />
    </main>
  );
}

function StatsCards({ stats }: { stats: EnrichmentStats }) {
  const t = useT();
  return (
    <>
      <section className="card" aria-labelledby="enrichment-stats-title" data-testid="enrichment-stats">
        <h2 id="enrichment-stats-title">{t("enrichment.stats.title")}</h2>
        <dl className="profile-list">
          <div className="profile-row">
            <dt>{t("enrichment.stats.coverage")}</dt>
            <dd>
              <strong>{formatPercent(stats.coverage)}</strong>{" "}
              <span className="muted">
                {t("enrichment.stats.coverageHint", { enriched: stats.enriched, eligible: stats.eligible })}
              </span>
            </dd>
          </div>
          <div className="profile-row">
            <dt>{t("enrichment.stats.successRate")}</dt>
            <dd>
              <strong>{formatPercent(stats.successRate)}</strong>{" "}
              <span className="muted">
                {t("enrichment.stats.successHint", { attempted: stats.attempted })}
              </span>
            </dd>
          </div>
          <div className="profile-row">
            <dt>{t("enrichment.stats.avgTime")}</dt>
            <dd>{stats.averageMsPerLead === null ? "—" : `${formatNumber(stats.averageMsPerLead)} ms`}</dd>
          </div>
        </dl>
      </section>
      <section className="card" aria-labelledby="enrichment-providers-title">
        <h2 id="enrichment-providers-title">{t("enrichment.stats.providers")}</h2>
        <table className="data-table">
          <thead>
            <tr>
              <th>{t("enrichment.providers")}</th>
              <th className="numeric">{t("enrichment.stats.runs")}</th>
              <th className="numeric">{t("enrichment.stats.failed")}</th>
              <th className="numeric">{t("enrichment.stats.successRate")}</th>
              <th className="numeric">{t("enrichment.stats.avgTime")}</th>
            </tr>
          </thead>
          <tbody>
            {stats.providers.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  {t("enrichment.stats.noRuns")}
                </td>
              </tr>
            )}
            {stats.providers.map((provider) => (
              <tr key={provider.provider}>
                <td>{enrichmentLabel(t, "provider", provider.provider)}</td>
                <td className="numeric">{formatNumber(provider.runs)}</td>
                <td className="numeric">{formatNumber(provider.failed)}</td>
                <td className="numeric">{formatPercent(provider.successRate)}</td>
                <td className="numeric">
                  {provider.averageMs === null ? "—" : `${formatNumber(provider.averageMs)} ms`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card" aria-labelledby="enrichment-failures-title">
        <h2 id="enrichment-failures-title">{t("enrichment.stats.failures")}</h2>
        {stats.failuresByReason.length === 0 ? (
          <p className="muted">{t("enrichment.stats.noFailures")}</p>
        ) : (
          <ul className="reason-list">
            {stats.failuresByReason.map((failure) => (
              <li key={failure.reason}>
                <span>{enrichmentLabel(t, "reason", failure.reason)}</span>
                <span className="points">{formatNumber(failure.count)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
