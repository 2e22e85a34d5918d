import { useEffect, useState } from "react";
import { api } from "../../api/client.ts";
import type { RescoreProgress as Progress, ScoringRulesResponse } from "../../api/types.ts";
import { formatNumber } from "../../format.ts";
import { useT } from "../../i18n.ts";

const POLL_MS = 2000;

/** How far the background re-score has come; asks again every 2 s until every lead is done. */
export function RescoreProgress({ initial }: { initial: Progress }) {
  const t = useT();
  const [progress, setProgress] = useState(initial);
  useEffect(() => setProgress(initial), [initial]);

  useEffect(() => {
    if (progress.current >= progress.total) return;
    let cancelled = false;
    const timer = window.setTimeout(() => {
      api<ScoringRulesResponse>("/api/v1/scoring/rules")
        .then((response) => {
          if (!cancelled) setProgress(response.rescore);
        })
        .catch(() => {
          // Keep the last known progress; the next render of the page asks again.
        });
    }, POLL_MS);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [progress]);

  const done = progress.current >= progress.total;
  const percent = progress.total === 0 ? 100 : Math.round((progress.current / progress.total) * 100);
  return (
    <section className="card" aria-labelledby="rescore-title">
      <h2 id="rescore-title">{t("scoring.rescore")}</h2>
      <progress
        className="progress"
        max={Math.max(progress.total, 1)}
        value={progress.total === 0 ? 1 : progress.current}
        aria-valuetext={`${percent}%`}
      />
      <p className="muted">
        {t("scoring.rescoreProgress", {
          current: formatNumber(progress.current),
          total: formatNumber(progress.total),
          version: progress.version,
        })}
        {" · "}
        {progress.total === 0 ? t("scoring.rescoreEmpty") : done ? t("scoring.rescoreDone") : `${percent}%`}
      </p>
    </section>
  );
}
