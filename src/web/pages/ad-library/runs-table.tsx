import type { AdLibraryRun } from "../../api/types.ts";
import { LoadMore } from "../../components/load-more.tsx";
import { PagedListStates } from "../../components/paged-list-states.tsx";
import { RunStartedCell, RunStatusCell } from "../../components/run-cells.tsx";
import { formatNumber } from "../../format.ts";
import type { PagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import { formatDay } from "./format-day.ts";

/** Every search, newest first: window, terms, pages, ads and advertisers new/updated, the error. */
export function RunsTable({ list, selected }: { list: PagedList<AdLibraryRun>; selected: string | null }) {
  const t = useT();
  return (
    <PagedListStates list={list} emptyTitle={t("adLibrary.runsEmpty")}>
      <section className="results">
        <div className="table-wrap">
          <table className="data-table ad-library-runs">
            <thead>
              <tr>
                <th>{t("adLibrary.col.startedAt")}</th>
                <th>{t("adLibrary.col.status")}</th>
                <th>{t("adLibrary.col.window")}</th>
                <th>{t("adLibrary.col.terms")}</th>
                <th className="numeric">{t("adLibrary.col.pages")}</th>
                <th className="numeric">{t("adLibrary.col.ads")}</th>
                <th className="numeric">{t("adLibrary.col.new")}</th>
                <th className="numeric">{t("adLibrary.col.updated")}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((run) => (
                <tr
                  key={run.id}
                  data-run-id={run.id}
                  data-status={run.status}
                  aria-selected={run.id === selected}
                >
                  <RunStartedCell
                    link={href("/ad-library", new URLSearchParams({ run: run.id }))}
                    createdAt={run.createdAt}
                    trigger={t(`adLibrary.trigger.${run.trigger}`)}
                  />
                  <RunStatusCell
                    status={run.status}
                    label={t(`adLibrary.status.${run.status}`)}
                    error={run.error}
                  />
                  <td>
                    {formatDay(run.since)} – {formatDay(run.until)}
                    <br />
                    <span className="muted">{run.countries.join(", ")}</span>
                  </td>
                  <td>{run.searchTerms.join(", ")}</td>
                  <td className="numeric">{formatNumber(run.pages)}</td>
                  <td className="numeric">{formatNumber(run.ads)}</td>
                  <td className="numeric">{formatNumber(run.advertisersNew)}</td>
                  <td className="numeric">{formatNumber(run.advertisersUpdated)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <LoadMore list={list} />
      </section>
    </PagedListStates>
  );
}
