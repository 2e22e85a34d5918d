import { useEffect, useState } from "react";
import type { OutboundCandidate, OutboundCandidateOutcome, OutboundRun } from "../../api/types.ts";
import { LoadMore } from "../../components/load-more.tsx";
import { PagedListStates } from "../../components/paged-list-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";

const OUTCOMES = ["landed", "known", "invalid"] as const satisfies readonly OutboundCandidateOutcome[];
const BADGE: Record<OutboundCandidateOutcome, string> = {
  pending: "badge",
  landed: "badge badge-import-done",
  known: "badge",
  invalid: "badge badge-import-failed",
};

/** One run's candidates (new, known, invalid), each linked to the lead it became or matched. */
export function RunCandidates({ runId }: { runId: string }) {
  const t = useT();
  const [outcome, setOutcome] = useState<OutboundCandidateOutcome | "">("");
  const run = useApi<OutboundRun>(`/api/v1/outbound/runs/${runId}`);
  const list = usePagedList<OutboundCandidate>(`/api/v1/outbound/runs/${runId}/candidates`, {
    limit: 50,
    outcome: outcome || undefined,
  });
  const status = run.data?.status;
  const { reload: reloadRun } = run;
  const { reload: reloadList } = list;
  // Until the run ends, ask again; its candidates appear when it does.
  // biome-ignore lint/correctness/useExhaustiveDependencies: every fresh copy of the run schedules the next poll
  useEffect(() => {
    if (status === "done" || status === "failed") {
      reloadList();
      return;
    }
    if (status === undefined) return;
    const timer = window.setTimeout(reloadRun, 2000);
    return () => window.clearTimeout(timer);
  }, [status, run.data, reloadRun, reloadList]);
  return (
    <section className="card page-section" aria-labelledby="run-candidates-title">
      <h2 id="run-candidates-title">
        {t("outbound.candidatesOf", { source: run.data?.sourceName ?? t("common.none") })}
      </h2>
      {run.data && run.data.errors.length > 0 && (
        <details>
          <summary>{t("outbound.errors", { count: run.data.errors.length })}</summary>
          <ul>
            {run.data.errors.map((error) => (
              <li key={`${error.url}:${error.reason}`}>
                <code>{error.url}</code> — {t(`outbound.reason.${reasonKey(error.reason)}`)}
              </li>
            ))}
          </ul>
        </details>
      )}
      <label className="field field-inline">
        <span>{t("outbound.col.outcome")}</span>
        <select value={outcome} onChange={(event) => setOutcome(asOutcome(event.target.value))}>
          <option value="">{t("common.all")}</option>
          {OUTCOMES.map((item) => (
            <option key={item} value={item}>
              {t(`outbound.outcome.${item}`)}
            </option>
          ))}
        </select>
      </label>
      <PagedListStates list={list} emptyTitle={t("outbound.candidatesEmpty")}>
        <div className="table-wrap">
          <table className="data-table outbound-candidates">
            <thead>
              <tr>
                <th>{t("outbound.col.person")}</th>
                <th>{t("outbound.col.profiles")}</th>
                <th>{t("outbound.col.outcome")}</th>
                <th>{t("outbound.col.foundOn")}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((candidate) => (
                <tr key={candidate.id} data-outcome={candidate.outcome}>
                  <td>
                    {candidate.contactId ? (
                      <a href={href(`/leads/${candidate.contactId}`)}>{candidate.name ?? candidate.key}</a>
                    ) : (
                      (candidate.name ?? candidate.key)
                    )}
                    {candidate.email && (
                      <>
                        <br />
                        <span className="muted">{candidate.email}</span>
                      </>
                    )}
                  </td>
                  <td>
                    {[
                      candidate.instagram && `@${candidate.instagram}`,
                      candidate.youtube && `YouTube ${candidate.youtube}`,
                      candidate.tiktok && `TikTok @${candidate.tiktok}`,
                    ]
                      .filter(Boolean)
                      .join(" · ") || t("common.none")}
                  </td>
                  <td>
                    <span className={BADGE[candidate.outcome]}>
                      {t(`outbound.outcome.${candidate.outcome}`)}
                    </span>
                    {candidate.reason && <p className="muted">{candidate.reason}</p>}
                  </td>
                  <td>
                    <a href={candidate.foundOn} target="_blank" rel="noopener noreferrer nofollow">
                      {shortUrl(candidate.foundOn)}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedListStates>
      <LoadMore list={list} />
    </section>
  );
}

function asOutcome(value: string): OutboundCandidateOutcome | "" {
  return (OUTCOMES as readonly string[]).includes(value) ? (value as OutboundCandidateOutcome) : "";
}

function shortUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.host}${url.pathname}`.slice(0, 80);
  } catch {
    return raw.slice(0, 80);
  }
}

/** Run error reasons → message keys (robots, guard_address, timeout, http_404 …). */
function reasonKey(reason: string): "robots" | "guard" | "http" | "format" | "network" {
  if (reason === "robots") return "robots";
  if (reason === "gzip" || reason === "content_type") return "format";
  if (reason.startsWith("guard_")) return "guard";
  if (reason.startsWith("http_")) return "http";
  return "network";
}
