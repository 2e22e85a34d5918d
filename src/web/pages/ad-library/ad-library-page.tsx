import { useEffect, useState } from "react";
import { api } from "../../api/client.ts";
import type { AdLibraryRun, AdLibrarySettings } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { formatDateTime, formatNumber } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { href, navigate, useRoute } from "../../router.ts";
import { AdvertisersTable } from "./advertisers-table.tsx";
import { formatDay } from "./format-day.ts";
import { RunsTable } from "./runs-table.tsx";
import { SettingsForm } from "./settings-form.tsx";

const POLL_MS = 2000;

/**
 * Anúncios (Meta): the coverage notice, the settings, "search now", the latest search's results (its
 * advertisers, new or updated, with links to the leads and the ads), and the search history.
 * `#/ad-library?run=<id>` shows another search's advertisers.
 */
export function AdLibraryPage() {
  const t = useT();
  const route = useRoute();
  const settings = useApi<AdLibrarySettings>("/api/v1/ad-library/settings");
  const runs = usePagedList<AdLibraryRun>("/api/v1/ad-library/runs", { limit: 20 });
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<unknown>(null);
  const [started, setStarted] = useState(false);

  const latest = runs.items[0] ?? null;
  const selectedId = route.query.get("run") ?? latest?.id ?? null;
  const selected = runs.items.find((run) => run.id === selectedId) ?? null;
  const unfinished = runs.items.some((run) => run.status === "queued" || run.status === "running");
  const { reload: reloadRuns } = runs;
  // biome-ignore lint/correctness/useExhaustiveDependencies: every new page of runs schedules the next poll
  useEffect(() => {
    if (!unfinished) return;
    const timer = window.setTimeout(reloadRuns, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [unfinished, reloadRuns, runs.items]);

  async function searchNow() {
    setStarting(true);
    setStartError(null);
    setStarted(false);
    try {
      const run = await api<{ id: string }>("/api/v1/ad-library/runs", { method: "POST" });
      setStarted(true);
      runs.reload();
      navigate("/ad-library", { query: new URLSearchParams({ run: run.id }) });
    } catch (caught) {
      setStartError(caught);
    } finally {
      setStarting(false);
    }
  }

  const canSearch =
    settings.data?.hasMetaToken === true &&
    settings.data.searchTerms.length > 0 &&
    settings.data.countries.length > 0;

  return (
    <main className="page">
      <div className="page-header">
        <h1>{t("adLibrary.title")}</h1>
        <button
          type="button"
          className="button button-primary"
          disabled={!canSearch || starting || unfinished}
          onClick={searchNow}
        >
          {starting || unfinished ? t("adLibrary.searching") : t("adLibrary.searchNow")}
        </button>
      </div>
      <p className="muted">{t("adLibrary.intro")}</p>
      <div className="alert alert-info" role="note" aria-labelledby="ad-library-coverage-title">
        <p>
          <strong id="ad-library-coverage-title">{t("adLibrary.coverageTitle")}</strong>
        </p>
        <p>{t("adLibrary.coverageBody")}</p>
        <p>{t("adLibrary.coverageHint")}</p>
      </div>
      {started && (
        <p className="alert alert-success" role="status">
          {t("adLibrary.searchStarted")}
        </p>
      )}
      {startError !== null && <ProblemAlert error={startError} />}

      {settings.loading && !settings.data ? (
        <LoadingState />
      ) : settings.error && !settings.data ? (
        <ProblemAlert error={settings.error} onRetry={settings.reload} />
      ) : settings.data ? (
        <>
          {!settings.data.hasMetaToken && <p className="alert alert-error">{t("adLibrary.noToken")}</p>}
          <SettingsForm settings={settings.data} onSaved={(saved) => settings.setData(saved)} />
        </>
      ) : null}

      <section className="page-section" aria-labelledby="ad-library-latest-title">
        <h2 id="ad-library-latest-title">
          {selected && selected.id !== latest?.id
            ? t("adLibrary.advertisersOfRun", { date: formatDateTime(selected.createdAt) })
            : t("adLibrary.latest")}
        </h2>
        {selected ? (
          <>
            <p>
              <span className={`badge badge-import-${selected.status}`}>
                {t(`adLibrary.status.${selected.status}`)}
              </span>{" "}
              {t("adLibrary.window", { since: formatDay(selected.since), until: formatDay(selected.until) })}
            </p>
            <p>
              {t("adLibrary.latestSummary", {
                new: formatNumber(selected.advertisersNew),
                updated: formatNumber(selected.advertisersUpdated),
                ads: formatNumber(selected.ads),
                adsNew: formatNumber(selected.adsNew),
                pages: formatNumber(selected.pages),
              })}
            </p>
            {selected.error && <p className="error-text">{selected.error}</p>}
            {selected.id !== latest?.id && <a href={href("/ad-library")}>{t("adLibrary.latest")}</a>}
            <AdvertisersTable key={`${selected.id}:${selected.status}`} runId={selected.id} />
          </>
        ) : runs.loading ? (
          <LoadingState />
        ) : (
          <EmptyState title={t("adLibrary.latestEmpty")} />
        )}
      </section>

      <section className="page-section" aria-labelledby="ad-library-runs-title">
        <h2 id="ad-library-runs-title">{t("adLibrary.runs")}</h2>
        <RunsTable list={runs} selected={selected?.id ?? null} />
      </section>

      <section className="page-section" aria-labelledby="ad-library-all-title">
        <h2 id="ad-library-all-title">{t("adLibrary.advertisers")}</h2>
        {/* Read again when the latest capture moves on (a finished run brings new advertisers). */}
        <AdvertisersTable key={`all:${latest?.id ?? ""}:${latest?.status ?? ""}`} runId={null} />
      </section>
    </main>
  );
}
