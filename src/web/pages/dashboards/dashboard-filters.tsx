import type { ReactNode } from "react";
import type { Period } from "../../../analytics/dashboard-schemas.ts";
import { useT } from "../../i18n.ts";
import { type DashboardFilters, lastDays, localDay, sourceLabel } from "./dashboards-format.ts";

const QUICK_DAYS = [7, 30, 90] as const;

/**
 * The period (dates, or 7/30/90 days up to today in the workspace's time zone) and the source, with
 * the view's own filters as children. Every change goes to the URL (the caller's `onChange`).
 */
export function DashboardFilterBar({
  filters,
  period,
  sources,
  onChange,
  children,
}: {
  filters: DashboardFilters;
  /** The period the last report answered for (shows the default dates). */
  period: Period | null;
  sources: readonly (string | null)[];
  onChange: (next: DashboardFilters) => void;
  children?: ReactNode;
}) {
  const t = useT();
  const from = filters.from ?? period?.from ?? "";
  const to = filters.to ?? period?.to ?? "";
  const today = period ? localDay(new Date(), period.timeZone) : null;
  const set = (patch: Partial<DashboardFilters>) => {
    const next: DashboardFilters = { ...filters, ...patch };
    for (const key of Object.keys(patch) as (keyof DashboardFilters)[]) if (!next[key]) delete next[key];
    onChange(next);
  };
  const options = [...new Set(sources.filter((source): source is string => source !== null))];
  if (filters.source && !options.includes(filters.source)) options.push(filters.source);
  return (
    <section className="card toolbar dashboard-filters" aria-label={t("dashboards.filters")}>
      <div className="toolbar-row">
        {children}
        <label className="field field-compact">
          <span>{t("dashboards.from")}</span>
          <input
            type="date"
            value={from}
            max={to || undefined}
            onChange={(event) => set({ from: event.target.value })}
          />
        </label>
        <label className="field field-compact">
          <span>{t("dashboards.to")}</span>
          <input
            type="date"
            value={to}
            min={from || undefined}
            onChange={(event) => set({ to: event.target.value })}
          />
        </label>
        {today && (
          <fieldset className="segmented dashboard-quick">
            <legend className="visually-hidden">{t("dashboards.quickRanges")}</legend>
            {QUICK_DAYS.map((days) => {
              const range = lastDays(days, today);
              const active = range.from === from && range.to === to;
              return (
                <button
                  key={days}
                  type="button"
                  className={active ? "segment active" : "segment"}
                  aria-pressed={active}
                  onClick={() => set(range)}
                >
                  {t("dashboards.lastDays", { days })}
                </button>
              );
            })}
          </fieldset>
        )}
        <label className="field field-compact">
          <span>{t("dashboards.source")}</span>
          <select value={filters.source ?? ""} onChange={(event) => set({ source: event.target.value })}>
            <option value="">{t("dashboards.allSources")}</option>
            {options.map((source) => (
              <option key={source} value={source}>
                {sourceLabel(source, t)}
              </option>
            ))}
          </select>
        </label>
      </div>
    </section>
  );
}
