import type { PagedList } from "../hooks/use-paged-list.ts";
import { useT } from "../i18n.ts";

/** The "load more" button under a cursor-paged list, with its error. */
export function LoadMore<T>({ list }: { list: PagedList<T> }) {
  const t = useT();
  if (!list.hasMore) return null;
  return (
    <div className="load-more">
      <button type="button" className="button" onClick={list.loadMore} disabled={list.loadingMore}>
        {list.loadingMore ? t("common.loading") : t("common.loadMore")}
      </button>
    </div>
  );
}
