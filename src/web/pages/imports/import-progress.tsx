import { useEffect, useState } from "react";
import { api, apiFetch } from "../../api/client.ts";
import type { ImportJob } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { formatNumber } from "../../format.ts";
import { useT } from "../../i18n.ts";

const POLL_MS = 1000;

function isFinished(job: ImportJob): boolean {
  return job.status === "done" || job.status === "failed";
}

function fileNameFrom(disposition: string | null, fallback: string): string {
  const match = /filename="?([^";]+)"?/i.exec(disposition ?? "");
  return match?.[1] ?? fallback;
}

/** One import of this session: asks for its status every second until it is done or failed. */
export function ImportProgress({ initial }: { initial: ImportJob }) {
  const t = useT();
  const [job, setJob] = useState(initial);
  const [pollError, setPollError] = useState<unknown>(null);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const [downloading, setDownloading] = useState(false);

  useEffect(() => {
    if (isFinished(job)) return;
    let cancelled = false;
    const timer = window.setTimeout(() => {
      api<ImportJob>(`/api/v1/imports/${job.id}`)
        .then((next) => {
          if (cancelled) return;
          setPollError(null);
          setJob(next);
        })
        .catch((caught: unknown) => {
          if (cancelled) return;
          setPollError(caught);
          // Ask again on the next tick.
          setJob((current) => ({ ...current }));
        });
    }, POLL_MS);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [job]);

  async function downloadErrors() {
    setDownloading(true);
    setDownloadError(null);
    try {
      const response = await apiFetch(`/api/v1/imports/${job.id}/errors.csv`);
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = fileNameFrom(
        response.headers.get("content-disposition"),
        `import-${job.id}-errors.csv`,
      );
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (caught) {
      setDownloadError(caught);
    } finally {
      setDownloading(false);
    }
  }

  const processed = job.created + job.merged + job.failed;
  const total = job.total ?? 0;
  const percent =
    total === 0 ? (isFinished(job) ? 100 : 0) : Math.min(100, Math.round((processed / total) * 100));
  return (
    <article className="card import-card" data-import-id={job.id} data-status={job.status}>
      <header className="connection-header">
        <h3 className="connection-name">{job.filename || t("imports.untitled")}</h3>
        <span className={`badge badge-import-${job.status}`} data-testid="import-status">
          {t(`imports.status.${job.status}`)}
        </span>
        {job.quiet && <span className="badge">{t("imports.quietBadge")}</span>}
      </header>
      <progress
        className="progress"
        max={Math.max(total, 1)}
        value={total === 0 ? (isFinished(job) ? 1 : 0) : Math.min(processed, total)}
        aria-label={t("imports.progress")}
        aria-valuetext={`${percent}%`}
      />
      <p className="muted" data-testid="import-processed">
        {job.total === null
          ? t("imports.counting")
          : t("imports.processedOf", {
              processed: formatNumber(processed),
              total: formatNumber(total),
              percent,
            })}
      </p>
      <dl className="connection-stats">
        <div>
          <dt>{t("imports.created")}</dt>
          <dd data-testid="import-created">{formatNumber(job.created)}</dd>
        </div>
        <div>
          <dt>{t("imports.merged")}</dt>
          <dd data-testid="import-merged">{formatNumber(job.merged)}</dd>
        </div>
        <div>
          <dt>{t("imports.failed")}</dt>
          <dd data-testid="import-failed" className={job.failed > 0 ? "error-text" : undefined}>
            {formatNumber(job.failed)}
          </dd>
        </div>
      </dl>
      {job.error && (
        <p className="error-text">
          {t("imports.jobError")} {job.error}
        </p>
      )}
      {job.failed > 0 && (
        <button type="button" className="button button-small" onClick={downloadErrors} disabled={downloading}>
          {downloading ? t("imports.downloading") : t("imports.downloadErrors")}
        </button>
      )}
      <ProblemAlert error={downloadError ?? pollError} />
    </article>
  );
}
