import { useCallback, useId, useMemo, useState } from "react";
import { api } from "../../api/client.ts";
import type { LeadSummary, Segment } from "../../api/types.ts";
import { DebouncedInput } from "../../components/debounced-input.tsx";
import { LoadMore } from "../../components/load-more.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState, Notice } from "../../components/status-states.tsx";
import { type PagedList, usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { navigate, useRoute } from "../../router.ts";
import { ExportButton } from "./export-button.tsx";
import {
  EMPTY_FILTERS,
  filtersFromQuery,
  filtersFromSegment,
  filtersToQuery,
  hasActiveFilters,
  type LeadFilters,
  SORT_OPTIONS,
  toListQuery,
} from "./lead-filters.ts";
import { LeadsFilterBar } from "./leads-filter-bar.tsx";
import { LeadsTable } from "./leads-table.tsx";
import { SegmentPicker } from "./segment-picker.tsx";

export function LeadsPage() {
  const t = useT();
  const route = useRoute();
  const filters = useMemo(() => filtersFromQuery(route.query), [route.query]);
  const query = useMemo(() => toListQuery(filters), [filters]);
  const list = usePagedList<LeadSummary>("/api/v1/leads", query);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");
  const searchId = useId();

  const setFilters = useCallback(
    (next: LeadFilters) => navigate("/leads", { query: filtersToQuery(next), replace: true }),
    [],
  );
  // Editing a filter by hand leaves the picked segment behind.
  const changeFilters = (patch: Partial<LeadFilters>) => setFilters({ ...filters, ...patch, segment: "" });
  const pickSegment = (segment: Segment | null) =>
    setFilters(
      segment
        ? { ...filtersFromSegment(segment.filters, filters, segment.id), deleted: filters.deleted }
        : { ...filters, segment: "" },
    );

  async function restore(lead: LeadSummary) {
    setActionError(null);
    try {
      await api(`/api/v1/leads/${lead.id}/restore`, { method: "POST" });
      list.replaceItem((item) => item.id === lead.id, null);
      setNotice(t("leads.restored"));
    } catch (caught) {
      setActionError(caught);
    }
  }

  return (
    <main className="page">
      <div className="page-header">
        <h1>{filters.deleted ? t("leads.trashTitle") : t("leads.title")}</h1>
        <div className="page-actions">
          <label className="toggle">
            <input
              type="checkbox"
              checked={filters.deleted}
              onChange={(event) => setFilters({ ...filters, deleted: event.target.checked })}
            />
            {t("leads.showTrash")}
          </label>
          <ExportButton filters={filters} onError={setActionError} />
        </div>
      </div>

      <section className="card toolbar" aria-label={t("leads.filters")}>
        <div className="toolbar-row">
          <label className="field field-search" htmlFor={searchId}>
            <span>{t("leads.search")}</span>
            <DebouncedInput
              id={searchId}
              type="search"
              value={filters.q}
              placeholder={t("leads.searchPlaceholder")}
              onCommit={(q) => changeFilters({ q })}
            />
          </label>
          <label className="field field-compact">
            <span>{t("leads.sort")}</span>
            <select
              value={filters.sort}
              onChange={(event) => {
                const sort = SORT_OPTIONS.find((option) => option === event.target.value);
                if (sort) setFilters({ ...filters, sort });
              }}
            >
              {SORT_OPTIONS.map((sort) => (
                <option key={sort} value={sort}>
                  {t(`leads.sort.${sort}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <LeadsFilterBar filters={filters} onChange={changeFilters} />
        <div className="toolbar-row toolbar-footer">
          <SegmentPicker filters={filters} onPick={pickSegment} />
          {hasActiveFilters(filters) && (
            <button
              type="button"
              className="button button-ghost button-small"
              onClick={() => setFilters({ ...EMPTY_FILTERS, sort: filters.sort, deleted: filters.deleted })}
            >
              {t("leads.clearFilters")}
            </button>
          )}
        </div>
      </section>

      {notice && <Notice>{notice}</Notice>}
      <ProblemAlert error={actionError} />
      <LeadsResults list={list} trash={filters.deleted} onRestore={restore} />
    </main>
  );
}

function LeadsResults({
  list,
  trash,
  onRestore,
}: {
  list: PagedList<LeadSummary>;
  trash: boolean;
  onRestore: (lead: LeadSummary) => void;
}) {
  const t = useT();
  if (list.loading && list.items.length === 0) return <LoadingState />;
  if (list.error && list.items.length === 0) return <ProblemAlert error={list.error} onRetry={list.reload} />;
  if (list.items.length === 0) {
    return trash ? (
      <EmptyState title={t("leads.emptyTrash")} />
    ) : (
      <EmptyState title={t("leads.empty")} hint={t("leads.emptyHint")} />
    );
  }
  return (
    <section className={list.loading ? "results is-refreshing" : "results"} aria-busy={list.loading}>
      <p className="muted results-count">{t("leads.count", { count: list.items.length })}</p>
      <LeadsTable items={list.items} trash={trash} onRestore={onRestore} />
      <ProblemAlert error={list.error} />
      <LoadMore list={list} />
    </section>
  );
}
