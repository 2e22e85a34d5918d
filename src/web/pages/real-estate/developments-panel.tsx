import { type FormEvent, useId, useState } from "react";
import {
  DEVELOPMENT_STATUSES,
  type DevelopmentDetail,
  type DevelopmentView,
  PROPERTY_KINDS,
  type PropertyView,
} from "../../../realestate/schemas.ts";
import { ApiError, api } from "../../api/client.ts";
import { LoadMore } from "../../components/load-more.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState, Notice } from "../../components/status-states.tsx";
import { formatDate, formatMoney } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { href, navigate } from "../../router.ts";
import { parseAmount } from "./parse-amount.ts";

function UnitCounts({ counts }: { counts: DevelopmentView["unitCounts"] }) {
  const t = useT();
  return (
    <span>
      {t("realEstate.dev.unitsSummary", {
        total: counts.total,
        available: counts.available,
        reserved: counts.reserved,
        sold: counts.sold,
      })}
    </span>
  );
}

/** The developments with their unit counts, and a form to add one. */
export function DevelopmentsPanel({ canWrite }: { canWrite: boolean }) {
  const t = useT();
  const id = useId();
  const list = usePagedList<DevelopmentView>("/api/v1/developments", { limit: 50 });
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState("");
  const [developer, setDeveloper] = useState("");
  const [neighborhood, setNeighborhood] = useState("");
  const [city, setCity] = useState("");
  const [status, setStatus] = useState<(typeof DEVELOPMENT_STATUSES)[number]>("launch");
  const [deliveryDate, setDeliveryDate] = useState("");
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const text = (value: string) => (value.trim() === "" ? null : value.trim());
    try {
      const created = await api<DevelopmentDetail>("/api/v1/developments", {
        method: "POST",
        body: {
          name: name.trim(),
          developer: text(developer),
          neighborhood: text(neighborhood),
          city: text(city),
          status,
          deliveryDate: deliveryDate || null,
        },
      });
      navigate(`/real-estate/developments/${created.id}`);
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <>
      {canWrite && !adding && (
        <div className="page-actions real-estate-actions">
          <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
            {t("realEstate.dev.new")}
          </button>
        </div>
      )}
      {adding && (
        <form className="card" onSubmit={submit} aria-label={t("realEstate.dev.new")}>
          <h2>{t("realEstate.dev.new")}</h2>
          <ProblemAlert error={error} />
          <div className="form-grid">
            <label className="field" htmlFor={`${id}-name`}>
              <span>{t("realEstate.dev.name")}</span>
              <input
                id={`${id}-name`}
                required
                maxLength={200}
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            </label>
            <label className="field" htmlFor={`${id}-developer`}>
              <span>{t("realEstate.dev.developer")}</span>
              <input
                id={`${id}-developer`}
                maxLength={200}
                value={developer}
                onChange={(event) => setDeveloper(event.target.value)}
              />
            </label>
            <label className="field" htmlFor={`${id}-neighborhood`}>
              <span>{t("realEstate.form.neighborhood")}</span>
              <input
                id={`${id}-neighborhood`}
                maxLength={120}
                value={neighborhood}
                onChange={(event) => setNeighborhood(event.target.value)}
              />
            </label>
            <label className="field" htmlFor={`${id}-city`}>
              <span>{t("realEstate.form.city")}</span>
              <input
                id={`${id}-city`}
                maxLength={120}
                value={city}
                onChange={(event) => setCity(event.target.value)}
              />
            </label>
            <label className="field">
              <span>{t("realEstate.dev.status")}</span>
              <select
                value={status}
                onChange={(event) => setStatus(event.target.value as (typeof DEVELOPMENT_STATUSES)[number])}
              >
                {DEVELOPMENT_STATUSES.map((item) => (
                  <option key={item} value={item}>
                    {t(`realEstate.dev.status.${item}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field" htmlFor={`${id}-delivery`}>
              <span>{t("realEstate.dev.delivery")}</span>
              <input
                id={`${id}-delivery`}
                type="date"
                value={deliveryDate}
                onChange={(event) => setDeliveryDate(event.target.value)}
              />
            </label>
          </div>
          <div className="form-actions">
            <button type="submit" className="button button-primary">
              {t("realEstate.form.create")}
            </button>
            <button type="button" className="button" onClick={() => setAdding(false)}>
              {t("realEstate.form.cancel")}
            </button>
          </div>
        </form>
      )}
      {list.loading && list.items.length === 0 ? (
        <LoadingState />
      ) : list.error && list.items.length === 0 ? (
        <ProblemAlert error={list.error} onRetry={list.reload} />
      ) : list.items.length === 0 ? (
        <EmptyState title={t("realEstate.dev.empty")} hint={t("realEstate.dev.emptyHint")} />
      ) : (
        <section className="results">
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th>{t("realEstate.dev.name")}</th>
                  <th>{t("realEstate.dev.status")}</th>
                  <th>{t("realEstate.col.place")}</th>
                  <th>{t("realEstate.dev.delivery")}</th>
                  <th>{t("realEstate.dev.units")}</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((development) => (
                  <tr key={development.id}>
                    <td className="cell-name">
                      <a href={href(`/real-estate/developments/${development.id}`)}>{development.name}</a>
                      {development.developer && <div className="muted small">{development.developer}</div>}
                    </td>
                    <td>{t(`realEstate.dev.status.${development.status}`)}</td>
                    <td>{[development.neighborhood, development.city].filter(Boolean).join(", ") || "—"}</td>
                    <td>{formatDate(development.deliveryDate)}</td>
                    <td>
                      <UnitCounts counts={development.unitCounts} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore list={list} />
        </section>
      )}
    </>
  );
}

/** One development: its units with their status, and a form to add a unit. */
export function DevelopmentUnits({ developmentId, canWrite }: { developmentId: string; canWrite: boolean }) {
  const t = useT();
  const id = useId();
  const development = useApi<DevelopmentDetail>(`/api/v1/developments/${encodeURIComponent(developmentId)}`);
  const [unit, setUnit] = useState("");
  const [kind, setKind] = useState<(typeof PROPERTY_KINDS)[number]>("apartment");
  const [price, setPrice] = useState("");
  const [bedrooms, setBedrooms] = useState("");
  const [area, setArea] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");

  if (development.loading && !development.data) return <LoadingState />;
  if (development.error instanceof ApiError && [400, 404].includes(development.error.status)) {
    return (
      <EmptyState title={t("realEstate.dev.notFound")}>
        <a className="button" href={href("/real-estate/developments")}>
          {t("realEstate.dev.back")}
        </a>
      </EmptyState>
    );
  }
  const data = development.data;
  if (!data) return <ProblemAlert error={development.error} onRetry={development.reload} />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const numbers = { price: parseAmount(price), bedrooms: parseAmount(bedrooms), areaM2: parseAmount(area) };
    try {
      const created = await api<PropertyView>(`/api/v1/developments/${data.id}/units`, {
        method: "POST",
        body: {
          unit: unit.trim(),
          kind,
          price: numbers.price,
          bedrooms: numbers.bedrooms,
          areaM2: numbers.areaM2,
        },
      });
      setNotice(t("realEstate.dev.unitCreated", { unit: created.unit ?? "" }));
      setUnit("");
      setPrice("");
      setBedrooms("");
      setArea("");
      development.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <>
      <a className="back-link" href={href("/real-estate/developments")}>
        ← {t("realEstate.dev.back")}
      </a>
      <section className="card" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{data.name}</h2>
        <p className="muted">
          {t(`realEstate.dev.status.${data.status}`)}
          {data.deliveryDate && ` · ${t("realEstate.dev.delivery")}: ${formatDate(data.deliveryDate)}`}
          {(data.neighborhood || data.city) &&
            ` · ${[data.neighborhood, data.city].filter(Boolean).join(", ")}`}
        </p>
        <p>
          <UnitCounts counts={data.unitCounts} />
        </p>
        {data.units.length === 0 ? (
          <p className="muted">{t("realEstate.dev.noUnits")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data-table" aria-label={t("realEstate.dev.units")}>
              <thead>
                <tr>
                  <th>{t("realEstate.form.unit")}</th>
                  <th>{t("realEstate.col.kind")}</th>
                  <th className="numeric">{t("realEstate.col.price")}</th>
                  <th className="numeric">{t("realEstate.col.bedrooms")}</th>
                  <th className="numeric">{t("realEstate.col.area")}</th>
                  <th>{t("realEstate.col.status")}</th>
                </tr>
              </thead>
              <tbody>
                {data.units.map((item) => (
                  <tr key={item.id}>
                    <td>{item.unit}</td>
                    <td>{t(`realEstate.kind.${item.kind}`)}</td>
                    <td className="numeric">{formatMoney(item.price)}</td>
                    <td className="numeric">{item.bedrooms ?? "—"}</td>
                    <td className="numeric">
                      {item.areaM2 === null ? "—" : t("realEstate.area", { area: item.areaM2 })}
                    </td>
                    <td>
                      <span className={`badge badge-property-${item.status}`}>
                        {t(`realEstate.status.${item.status}`)}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {notice && <Notice>{notice}</Notice>}
      {canWrite && (
        <form className="card" onSubmit={submit} aria-label={t("realEstate.dev.newUnit")}>
          <h2>{t("realEstate.dev.newUnit")}</h2>
          <ProblemAlert error={error} />
          <div className="form-grid">
            <label className="field" htmlFor={`${id}-unit`}>
              <span>{t("realEstate.dev.unitLabel")}</span>
              <input
                id={`${id}-unit`}
                required
                maxLength={60}
                value={unit}
                onChange={(event) => setUnit(event.target.value)}
              />
            </label>
            <label className="field">
              <span>{t("realEstate.col.kind")}</span>
              <select
                value={kind}
                onChange={(event) => setKind(event.target.value as (typeof PROPERTY_KINDS)[number])}
              >
                {PROPERTY_KINDS.map((item) => (
                  <option key={item} value={item}>
                    {t(`realEstate.kind.${item}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field" htmlFor={`${id}-price`}>
              <span>{t("realEstate.form.price")}</span>
              <input
                id={`${id}-price`}
                required
                inputMode="decimal"
                value={price}
                onChange={(event) => setPrice(event.target.value)}
              />
            </label>
            <label className="field" htmlFor={`${id}-bedrooms`}>
              <span>{t("realEstate.form.bedrooms")}</span>
              <input
                id={`${id}-bedrooms`}
                inputMode="numeric"
                value={bedrooms}
                onChange={(event) => setBedrooms(event.target.value)}
              />
            </label>
            <label className="field" htmlFor={`${id}-area`}>
              <span>{t("realEstate.form.area")}</span>
              <input
                id={`${id}-area`}
                inputMode="decimal"
                value={area}
                onChange={(event) => setArea(event.target.value)}
              />
            </label>
          </div>
          <div className="form-actions">
            <button type="submit" className="button button-primary">
              {t("realEstate.dev.addUnit")}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
