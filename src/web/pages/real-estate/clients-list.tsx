import { useId, useMemo, useState } from "react";
import { type ClientView, INTEREST_PURPOSES, PROPERTY_KINDS } from "../../../realestate/schemas.ts";
import { DebouncedInput } from "../../components/debounced-input.tsx";
import { LoadMore } from "../../components/load-more.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { formatMoney, formatNumber, formatRelative } from "../../format.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import { type ClientFilters, hasClientFilters, interestSummary, NO_CLIENT_FILTERS } from "./client-format.ts";
import { FilterSelect } from "./filter-select.tsx";
import { parseAmount } from "./parse-amount.ts";

/** A typed amount as a query value: left out while it is empty or not a number yet. */
const amount = (text: string) => {
  const value = parseAmount(text);
  return value === null || Number.isNaN(value) ? undefined : value;
};

/** Clientes: the people with an interest or a property deal, filtered as the API allows, in pages. */
export function ClientsList() {
  const t = useT();
  const id = useId();
  const [filters, setFilters] = useState<ClientFilters>(NO_CLIENT_FILTERS);
  const change = (patch: Partial<ClientFilters>) => setFilters((current) => ({ ...current, ...patch }));
  const query = useMemo(
    () => ({
      q: filters.q.trim(),
      origin: filters.origin.trim(),
      kind: filters.kind,
      purpose: filters.purpose,
      priceMin: amount(filters.priceMin),
      priceMax: amount(filters.priceMax),
      city: filters.city.trim(),
      limit: 25,
    }),
    [filters],
  );
  const list = usePagedList<ClientView>("/api/v1/real-estate/clients", query);
  const filtered = hasClientFilters(filters);
  const clear = () => setFilters(NO_CLIENT_FILTERS);

  return (
    <>
      <p className="muted">{t("realEstate.clients.intro")}</p>
      <section className="card toolbar" aria-label={t("realEstate.clients.filters")}>
        <div className="toolbar-row">
          <label className="field field-search" htmlFor={`${id}-q`}>
            <span>{t("realEstate.search")}</span>
            <DebouncedInput
              id={`${id}-q`}
              type="search"
              value={filters.q}
              placeholder={t("realEstate.clients.searchPlaceholder")}
              onCommit={(q) => change({ q })}
            />
          </label>
        </div>
        <div className="filter-bar">
          <label className="field field-compact" htmlFor={`${id}-origin`}>
            <span>{t("realEstate.clients.origin")}</span>
            <DebouncedInput
              id={`${id}-origin`}
              value={filters.origin}
              placeholder={t("realEstate.clients.originPlaceholder")}
              onCommit={(origin) => change({ origin })}
            />
          </label>
          <FilterSelect
            label={t("realEstate.clients.kind")}
            value={filters.kind}
            options={PROPERTY_KINDS}
            labelOf={(option) => t(`realEstate.kind.${option}`)}
            onChange={(kind) => change({ kind })}
          />
          <FilterSelect
            label={t("realEstate.clients.purpose")}
            value={filters.purpose}
            options={INTEREST_PURPOSES}
            labelOf={(option) => t(`interest.purpose.${option}`)}
            onChange={(purpose) => change({ purpose })}
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
          <label className="field field-compact" htmlFor={`${id}-city`}>
            <span>{t("realEstate.clients.city")}</span>
            <DebouncedInput id={`${id}-city`} value={filters.city} onCommit={(city) => change({ city })} />
          </label>
        </div>
        {filtered && (
          <div className="toolbar-row toolbar-footer">
            <button type="button" className="button button-ghost button-small" onClick={clear}>
              {t("realEstate.clearFilters")}
            </button>
          </div>
        )}
      </section>

      {list.loading && list.items.length === 0 ? (
        <LoadingState />
      ) : list.error && list.items.length === 0 ? (
        <ProblemAlert error={list.error} onRetry={list.reload} />
      ) : list.items.length === 0 ? (
        filtered ? (
          <EmptyState title={t("realEstate.clients.noneFound")} hint={t("realEstate.noneFoundHint")}>
            <button type="button" className="button" onClick={clear}>
              {t("realEstate.clearFilters")}
            </button>
          </EmptyState>
        ) : (
          <EmptyState title={t("realEstate.clients.empty")} hint={t("realEstate.clients.emptyHint")}>
            <a className="button" href={href("/leads")}>
              {t("realEstate.clients.goToLeads")}
            </a>
          </EmptyState>
        )
      ) : (
        <section className={list.loading ? "results is-refreshing" : "results"} aria-busy={list.loading}>
          <p className="muted results-count">{t("realEstate.clients.count", { count: list.items.length })}</p>
          <div className="table-wrap">
            <table className="data-table clients-table">
              <thead>
                <tr>
                  <th>{t("realEstate.clients.col.client")}</th>
                  <th>{t("realEstate.clients.col.contact")}</th>
                  <th>{t("realEstate.clients.col.origin")}</th>
                  <th>{t("realEstate.clients.col.interest")}</th>
                  <th className="numeric">{t("realEstate.clients.col.deals")}</th>
                  <th>{t("realEstate.clients.col.updated")}</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((client) => (
                  <ClientRow key={client.id} client={client} />
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

function ClientRow({ client }: { client: ClientView }) {
  const t = useT();
  const interest = client.interest ? interestSummary(client.interest, t, formatMoney) : null;
  return (
    <tr data-client-id={client.id}>
      <td className="cell-name">
        <a href={href(`/leads/${client.id}`)}>
          <strong>{client.name ?? client.email ?? client.phone ?? t("realEstate.clients.unnamed")}</strong>
        </a>
        {client.city && <div className="muted small">{client.city}</div>}
      </td>
      <td>
        {client.email && <div>{client.email}</div>}
        {client.phone && <div className="muted small">{client.phone}</div>}
        {!client.email && !client.phone && "—"}
      </td>
      <td>{client.source ? <span className="tag tag-source">{client.source}</span> : "—"}</td>
      <td>
        {interest ? (
          <>
            <div>{interest.what}</div>
            {interest.budget && <div className="muted small">{interest.budget}</div>}
            {interest.where && <div className="muted small">{interest.where}</div>}
            {interest.prefers && <div className="muted small">{interest.prefers}</div>}
          </>
        ) : (
          <span className="muted">{t("realEstate.clients.noInterest")}</span>
        )}
      </td>
      <td className="numeric">{formatNumber(client.openDeals)}</td>
      <td title={client.updatedAt}>{formatRelative(client.updatedAt)}</td>
    </tr>
  );
}
