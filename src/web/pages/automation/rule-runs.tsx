import type { RunSummary } from "../../../automation/run-scheduled-rule.ts";
import { LoadMore } from "../../components/load-more.tsx";
import { PagedListStates } from "../../components/paged-list-states.tsx";
import { formatDateTime, formatNumber } from "../../format.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";

const STATUS_CLASS: Record<RunSummary["status"], string> = {
  running: "status-received",
  done: "status-processed",
  failed: "status-failed",
};

const QUERY = { limit: 20 };

/** A rule's run history, newest first, with "load more" (keyed by the caller to read it again). */
export function RuleRuns({ ruleId }: { ruleId: string }) {
  const t = useT();
  const list = usePagedList<RunSummary>(`/api/v1/automation-rules/${ruleId}/runs`, QUERY);
  return (
    <section className="rule-runs" aria-label={t("automation.runs.title")}>
      <h4>{t("automation.runs.title")}</h4>
      <PagedListStates list={list} emptyTitle={t("automation.runs.empty")}>
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("automation.runs.startedAt")}</th>
                <th scope="col">{t("automation.runs.cause")}</th>
                <th scope="col">{t("automation.runs.status")}</th>
                <th scope="col" className="numeric">
                  {t("automation.runs.matched")}
                </th>
                <th scope="col" className="numeric">
                  {t("automation.runs.created")}
                </th>
                <th scope="col" className="numeric">
                  {t("automation.runs.skipped")}
                </th>
                <th scope="col">{t("automation.runs.notes")}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((run) => (
                <tr key={run.id} data-run-id={run.id}>
                  <td>{formatDateTime(run.startedAt)}</td>
                  <td>{t(`automation.runs.cause.${run.cause}`)}</td>
                  <td>
                    <span className={`status ${STATUS_CLASS[run.status]}`}>
                      {t(`automation.runs.status.${run.status}`)}
                    </span>
                  </td>
                  <td className="numeric">{formatNumber(run.matched)}</td>
                  <td className="numeric">{formatNumber(run.created)}</td>
                  <td className="numeric">{formatNumber(run.skipped)}</td>
                  <td className="small">{run.error ?? <span className="muted">{t("common.none")}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <LoadMore list={list} />
      </PagedListStates>
    </section>
  );
}
