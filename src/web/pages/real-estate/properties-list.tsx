import { useId, useMemo, useState } from "react";
import {
  type DevelopmentView,
  PROPERTY_KINDS,
  PROPERTY_STATUSES,
  type PropertyView,
} from "../../../realestate/schemas.ts";
import { api } from "../../api/client.ts";
import type { Page } from "../../api/types.ts";
import { DebouncedInput } from "../../components/debounced-input.tsx";
import { LoadMore } from "../../components/load-more.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState, Notice } from "../../components/status-states.tsx";
import { formatMoney, formatNumber } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { FilterSelect } from "./filter-select.tsx";
import { parseAmount } from "./parse-amount.ts";
import { PropertyForm } from "./property-form.tsx";

interface Filters {
  q: string;
  status: string;
  kind: string;
  priceMin: string;
  priceMax: string;
  bedroomsMin: string;
  city: string;
}

const NO_FILTERS: Filters = {
  q: "",
  status: "",
  kind: "",
  priceMin: "",
  priceMax: "",
  bedroomsMin: "",
  city: "",
};

/** A typed amount as a query value: left out while it is empty or not a number yet. */
const amount = (text: string) => {
  const value = parseAmount(text);
  return value === null || Number.isNaN(value) ? undefined : value;
};

/** The Imóveis list: filters, pages, a form to add or edit, soft delete. */
export function PropertiesList({ canWrite }: { canWrite: boolean }) {
  const t = useT();
  const id = useId();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const change = (patch: Partial<Filters>) => setFilters((current) => ({ ...current, ...patch }));
  const query = useMemo(
    () => ({
      q: filters.q,
      status: filters.status,
      kind: filters.kind,
      priceMin: amount(filters.priceMin),
      priceMax: amount(filters.priceMax),
      bedroomsMin: amount(filters.bedroomsMin),
      city: filters.city.trim(),
      limit: 25,
    }),
    [filters],
  );
  const list = usePagedList<PropertyView>("/api/v1/properties", query);
  const developments = useApi<Page<DevelopmentView>>("/api/v1/developments", { limit: 200 });
  const [editing, setEditing] = useState<PropertyView | "new" | null>(null);
  const [notice, setNotice] = useState("");
  const [error, setError] = useState<unknown>(null);
  const filtered = Object.values(filters).some((value) => value.trim() !== "");

  const remove = async (property: PropertyView) => {
    if (!window.confirm(t("realEstate.confirmDelete", { title: property.title }))) return;
    setError(null);
    try {
      await api<void>(`/api/v1/properties/${property.id}`, { method: "DELETE" });
      list.replaceItem((item) => item.id === property.id, null);
      setNotice(t("realEstate.deleted", { title: property.title }));
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <>
      <section className="card toolbar" aria-label={t("realEstate.filters")}>
        <div className="toolbar-row">
          <label className="field field-search" htmlFor={`${id}-q`}>
            <span>{t("realEstate.search")}</span>
            <DebouncedInput
              id={`${id}-q`}
              type="search"
              value={filters.q}
              placeholder={t("realEstate.searchPlaceholder")}
              onCommit={(q) => change({ q })}
            />
          </label>
          {canWrite && editing === null && (
            <button type="button" className="button button-primary" onClick={() => setEditing("new")}>
              {t("realEstate.new")}
            </button>
          )}
        </div>
        <div className="filter-bar">
          <FilterSelect
            label={t("realEstate.col.status")}
            value={filters.status}
            options={PROPERTY_STATUSES}
            labelOf={(option) => t(`realEstate.status.${option}`)}
            onChange={(status) => change({ status })}
          />
          <FilterSelect
            label={t("realEstate.col.kind")}
            value={filters.kind}
            options={PROPERTY_KINDS}
            labelOf={(option) => t(`realEstate.kind.${option}`)}
            onChange={(kind) => change({ kind })}
          />
          <label className="field field-compact" htmlFor={`${id}-min`}>
            <span>{t("realEstate.priceMin")}</span>
            <DebouncedInput
              id={`${id}-min`}
              inputMode="decimal"
              value={filters.priceMin}
              onCommit={(priceMin) => change({ priceMin })}
            />
          </label>
          <label className="field field-compact" htmlFor={`${id}-max`}>
            <span>{t("realEstate.priceMax")}</span>
            <DebouncedInput
              id={`${id}-max`}
              inputMode="decimal"
              value={filters.priceMax}
              onCommit={(priceMax) => change({ priceMax })}
            />
          </label>
          <label className="field field-compact" htmlFor={`${id}-bedrooms`}>
            <span>{t("realEstate.bedroomsMin")}</span>
            <DebouncedInput
              id={`${id}-bedrooms`}
              inputMode="numeric"
              value={filters.bedroomsMin}
              onCommit={(bedroomsMin) => change({ bedroomsMin })}
            />
          </label>
          <label className="field field-compact" htmlFor={`${id}-city`}>
            <span>{t("realEstate.form.city")}</span>
            <DebouncedInput id={`${id}-city`} value={filters.city} onCommit={(city) => change({ city })} />
          </label>
        </div>
        {filtered && (
          <div className="toolbar-row toolbar-footer">
            <button
              type="button"
              className="button button-ghost button-small"
              onClick={() => setFilters(NO_FILTERS)}
            >
              {t("realEstate.clearFilters")}
            </button>
          </div>
        )}
      </section>

      {editing !== null && (
        <PropertyForm
          key={editing === "new" ? "new" : editing.id}
          property={editing === "new" ? null : editing}
          developments={developments.data?.items ?? []}
          onClose={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            setNotice(t(created ? "realEstate.created" : "realEstate.saved", { title: saved.title }));
            if (created) list.reload();
            else list.replaceItem((item) => item.id === saved.id, saved);
          }}
        />
      )}
      {notice && <Notice>{notice}</Notice>}
      <ProblemAlert error={error} />

      {list.loading && list.items.length === 0 ? (
        <LoadingState />
      ) : list.error && list.items.length === 0 ? (
        <ProblemAlert error={list.error} onRetry={list.reload} />
      ) : list.items.length === 0 ? (
        filtered ? (
          <EmptyState title={t("realEstate.noneFound")} hint={t("realEstate.noneFoundHint")}>
            <button type="button" className="button" onClick={() => setFilters(NO_FILTERS)}>
              {t("realEstate.clearFilters")}
            </button>
          </EmptyState>
        ) : (
          <EmptyState title={t("realEstate.empty")} hint={t("realEstate.emptyHint")}>
            {canWrite && editing === null && (
              <button type="button" className="button button-primary" onClick={() => setEditing("new")}>
                {t("realEstate.new")}
              </button>
            )}
          </EmptyState>
        )
      ) : (
        <section className={list.loading ? "results is-refreshing" : "results"} aria-busy={list.loading}>
          <p className="muted results-count">{t("realEstate.count", { count: list.items.length })}</p>
          <div className="table-wrap">
            <table className="data-table properties-table">
              <thead>
                <tr>
                  <th>{t("realEstate.col.property")}</th>
                  <th>{t("realEstate.col.kind")}</th>
                  <th className="numeric">{t("realEstate.col.price")}</th>
                  <th className="numeric">{t("realEstate.col.area")}</th>
                  <th className="numeric">{t("realEstate.col.bedrooms")}</th>
                  <th>{t("realEstate.col.place")}</th>
                  <th>{t("realEstate.col.status")}</th>
                  <th>{t("realEstate.col.origin")}</th>
                  {canWrite && <th>{t("realEstate.col.actions")}</th>}
                </tr>
              </thead>
              <tbody>
                {list.items.map((property) => (
                  <tr key={property.id} data-property-id={property.id}>
                    <td className="cell-name">
                      <strong>{property.title}</strong>
                      {property.code && <div className="muted small">{property.code}</div>}
                      {property.development && (
                        <div className="muted small">
                          {t("realEstate.unitOf", {
                            unit: property.unit ?? "",
                            development: property.development.name,
                          })}
                        </div>
                      )}
                    </td>
                    <td>
                      {t(`realEstate.kind.${property.kind}`)}
                      <div className="muted small">{t(`realEstate.purpose.${property.purpose}`)}</div>
                    </td>
                    <td className="numeric">{formatMoney(property.price)}</td>
                    <td className="numeric">
                      {property.areaM2 === null
                        ? "—"
                        : t("realEstate.area", { area: formatNumber(property.areaM2) })}
                    </td>
                    <td className="numeric">{property.bedrooms ?? "—"}</td>
                    <td>{[property.neighborhood, property.city].filter(Boolean).join(", ") || "—"}</td>
                    <td>
                      <span className={`badge badge-property-${property.status}`}>
                        {t(`realEstate.status.${property.status}`)}
                      </span>
                    </td>
                    <td>{t(`realEstate.origin.${property.origin}`)}</td>
                    {canWrite && (
                      <td className="cell-actions">
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={`${t("realEstate.edit")} ${property.title}`}
                          onClick={() => setEditing(property)}
                        >
                          {t("realEstate.edit")}
                        </button>{" "}
                        <button
                          type="button"
                          className="button button-small button-danger"
                          aria-label={`${t("realEstate.delete")} ${property.title}`}
                          onClick={() => void remove(property)}
                        >
                          {t("realEstate.delete")}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ProblemAlert error={list.error} />
          <LoadMore list={list} />
        </section>
      )}
    </>
  );
}
