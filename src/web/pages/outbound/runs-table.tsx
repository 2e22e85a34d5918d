import type { OutboundRun } from "../../api/types.ts";
import { LoadMore } from "../../components/load-more.tsx";
import { PagedListStates } from "../../components/paged-list-states.tsx";
import { RunStartedCell, RunStatusCell } from "../../components/run-cells.tsx";
import { formatNumber } from "../../format.ts";
import type { PagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";

/** Runs, newest first: status, pages done of the cap, and what they found. */
export function RunsTable({ list, selected }: { list: PagedList<OutboundRun>; selected: string | null }) {
  const t = useT();
  return (
    <PagedListStates list={list} emptyTitle={t("outbound.runsEmpty")}>
      <section className="results">
        <div className="table-wrap">
          <table className="data-table outbound-runs">
            <thead>
              <tr>
                <th>{t("outbound.col.startedAt")}</th>
                <th>{t("outbound.col.source")}</th>
                <th>{t("outbound.col.status")}</th>
                <th>{t("outbound.col.pages")}</th>
                <th className="numeric">{t("outbound.col.new")}</th>
                <th className="numeric">{t("outbound.col.known")}</th>
                <th className="numeric">{t("outbound.col.invalid")}</th>
                <th className="numeric">{t("outbound.col.refused")}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((run) => {
                const percent =
                  run.pagesCap > 0 ? Math.min(100, Math.round((run.pagesFetched / run.pagesCap) * 100)) : 0;
                return (
                  <tr
                    key={run.id}
                    data-run-id={run.id}
                    data-status={run.status}
                    aria-selected={run.id === selected}
                  >
                    <RunStartedCell
                      link={href("/outbound", new URLSearchParams({ run: run.id }))}
                      createdAt={run.createdAt}
                      trigger={t(`outbound.trigger.${run.trigger}`)}
                    />
                    <td>{run.sourceName ?? t("common.none")}</td>
                    <RunStatusCell
                      status={run.status}
                      label={t(`outbound.status.${run.status}`)}
                      error={run.error}
                    />
                    <td>
                      {run.status === "running" && (
                        <progress
                          className="progress"
                          max={100}
                          value={percent}
                          aria-label={t("outbound.progress")}
                          aria-valuetext={`${percent}%`}
                        />
                      )}
                      {t("outbound.pagesOf", {
                        done: formatNumber(run.pagesFetched + run.pagesFailed),
                        cap: formatNumber(run.pagesCap),
                      })}
                    </td>
                    <td className="numeric">{formatNumber(run.newCount)}</td>
                    <td className="numeric">{formatNumber(run.knownCount)}</td>
                    <td className="numeric">{formatNumber(run.invalidCount)}</td>
                    <td className="numeric">{formatNumber(run.pagesRefused)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <LoadMore list={list} />
      </section>
    </PagedListStates>
  );
}
