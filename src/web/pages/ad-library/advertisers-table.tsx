import { useState } from "react";
import type { AdLibraryAdvertiser } from "../../api/types.ts";
import { LoadMore } from "../../components/load-more.tsx";
import { PagedListStates } from "../../components/paged-list-states.tsx";
import { formatDate, formatNumber } from "../../format.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { isMessageKey, useT } from "../../i18n.ts";
import { href } from "../../router.ts";

const SORTS = ["last_seen", "ads_seen"] as const;
type Sort = (typeof SORTS)[number];
const isSort = (value: string): value is Sort => (SORTS as readonly string[]).includes(value);

/** Advertisers (pages), of one run or all: ads seen, first/last seen, snapshot links, the lead. */
export function AdvertisersTable({ runId }: { runId: string | null }) {
  const t = useT();
  const [sort, setSort] = useState<Sort>("last_seen");
  const list = usePagedList<AdLibraryAdvertiser>("/api/v1/ad-library/advertisers", {
    limit: 50,
    sort,
    runId,
  });
  const platform = (value: string) => {
    const key = `adLibrary.platform.${value}`;
    return isMessageKey(key) ? t(key) : value;
  };
  return (
    <section className="results">
      <label className="field field-inline">
        <span>{t("adLibrary.sortLabel")}</span>
        <select
          value={sort}
          onChange={(event) => {
            if (isSort(event.target.value)) setSort(event.target.value);
          }}
        >
          {SORTS.map((value) => (
            <option key={value} value={value}>
              {t(`adLibrary.sort.${value}`)}
            </option>
          ))}
        </select>
      </label>
      <PagedListStates list={list} emptyTitle={t("adLibrary.advertisersEmpty")}>
        <div className="table-wrap">
          <table className="data-table ad-library-advertisers">
            <thead>
              <tr>
                <th>{t("adLibrary.col.page")}</th>
                <th className="numeric">{t("adLibrary.col.adsSeen")}</th>
                <th>{t("adLibrary.col.seen")}</th>
                <th>{t("adLibrary.col.outcome")}</th>
                <th>{t("adLibrary.col.platforms")}</th>
                <th>{t("adLibrary.col.snapshots")}</th>
                <th>{t("adLibrary.col.lead")}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((advertiser) => (
                <tr key={advertiser.id} data-page-id={advertiser.pageId}>
                  <td>
                    {advertiser.pageName ?? t("common.none")}
                    <br />
                    <span className="muted">{advertiser.pageId}</span>
                  </td>
                  <td className="numeric">{formatNumber(advertiser.adsSeen)}</td>
                  <td>
                    {formatDate(advertiser.firstSeenAt)} / {formatDate(advertiser.lastSeenAt)}
                  </td>
                  <td>
                    {advertiser.run ? (
                      <>
                        <span className="badge">{t(`adLibrary.outcome.${advertiser.run.outcome}`)}</span>
                        <br />
                        <span className="muted">
                          {t("adLibrary.outcomeAds", {
                            ads: formatNumber(advertiser.run.ads),
                            adsNew: formatNumber(advertiser.run.adsNew),
                          })}
                        </span>
                      </>
                    ) : (
                      t("common.none")
                    )}
                  </td>
                  <td>{advertiser.platforms.map(platform).join(", ") || t("common.none")}</td>
                  <td>
                    {advertiser.snapshotUrls.slice(0, 3).map((url, index) => (
                      <a key={url} href={url} target="_blank" rel="noopener noreferrer nofollow">
                        {t("adLibrary.snapshot", { n: index + 1 })}
                        <br />
                      </a>
                    ))}
                  </td>
                  <td>
                    {advertiser.contactId ? (
                      <a href={href(`/leads/${advertiser.contactId}`)}>{t("adLibrary.openLead")}</a>
                    ) : (
                      t("common.none")
                    )}
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
