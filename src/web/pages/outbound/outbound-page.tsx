import { useEffect, useRef, useState } from "react";
import type { OutboundRun, OutboundSource } from "../../api/types.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { navigate, useRoute } from "../../router.ts";
import { RunCandidates } from "./run-candidates.tsx";
import { RunsTable } from "./runs-table.tsx";
import { SourceForm } from "./source-form.tsx";
import { SourcesTable } from "./sources-table.tsx";

const POLL_MS = 2000;

/**
 * Prospecção: outbound sources (create, edit, run now), their runs with progress and counts (polled
 * while one is unfinished), and a run's candidates (`#/outbound?run=<id>`).
 */
export function OutboundPage() {
  const t = useT();
  const route = useRoute();
  const selectedRun = route.query.get("run");
  const sources = usePagedList<OutboundSource>("/api/v1/outbound/sources", { limit: 50 });
  const runs = usePagedList<OutboundRun>("/api/v1/outbound/runs", { limit: 20 });
  const [creating, setCreating] = useState(false);

  const unfinished = runs.items.some((run) => run.status === "queued" || run.status === "running");
  const { reload: reloadRuns } = runs;
  const { reload: reloadSources } = sources;
  const wasUnfinished = useRef(false);
  // When the last unfinished run ends, the sources' "last run" column catches up.
  useEffect(() => {
    if (wasUnfinished.current && !unfinished) reloadSources();
    wasUnfinished.current = unfinished;
  }, [unfinished, reloadSources]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: every new page of runs schedules the next poll
  useEffect(() => {
    if (!unfinished) return;
    const timer = window.setTimeout(reloadRuns, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [unfinished, reloadRuns, runs.items]);

  return (
    <main className="page">
      <div className="page-header">
        <h1>{t("outbound.title")}</h1>
        <button type="button" className="button button-primary" onClick={() => setCreating(!creating)}>
          {creating ? t("common.cancel") : t("outbound.newSource")}
        </button>
      </div>
      <p className="muted">{t("outbound.intro")}</p>
      {creating && (
        <SourceForm
          source={null}
          onCancel={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            sources.reload();
          }}
        />
      )}
      <section className="page-section" aria-labelledby="outbound-sources-title">
        <h2 id="outbound-sources-title">{t("outbound.sources")}</h2>
        <SourcesTable
          list={sources}
          onStarted={(runId) => {
            runs.reload();
            navigate("/outbound", { query: new URLSearchParams({ run: runId }) });
          }}
        />
      </section>
      <section className="page-section" aria-labelledby="outbound-runs-title">
        <h2 id="outbound-runs-title">{t("outbound.runs")}</h2>
        <RunsTable list={runs} selected={selectedRun} />
      </section>
      {selectedRun && <RunCandidates key={selectedRun} runId={selectedRun} />}
    </main>
  );
}
