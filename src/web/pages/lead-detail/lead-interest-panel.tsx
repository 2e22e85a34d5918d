import { type FormEvent, useId, useState } from "react";
import {
  INTEREST_PURPOSES,
  type InterestView,
  PROPERTY_KINDS,
  type PropertyKind,
  type PropertyMatch,
} from "../../../realestate/schemas.ts";
import { api } from "../../api/client.ts";
import { useSession } from "../../api/session.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { LoadingState, Notice } from "../../components/status-states.tsx";
import { formatMoney } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { isMessageKey, useT } from "../../i18n.ts";
import { amountText, parseAmount } from "../real-estate/parse-amount.ts";

const list = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/** Interesse: what the lead looks for (edited here) and the available properties that fit it. */
export function LeadInterestPanel({ leadId, onSaved }: { leadId: string; onSaved?: () => void }) {
  const t = useT();
  const path = `/api/v1/leads/${encodeURIComponent(leadId)}`;
  const interest = useApi<{ interest: InterestView | null }>(`${path}/interest`);
  const matches = useApi<{ items: PropertyMatch[] }>(`${path}/property-matches`);
  const [saved, setSaved] = useState(false);
  return (
    <section className="card interest-panel" aria-labelledby="interest-title">
      <h2 id="interest-title">{t("interest.title")}</h2>
      <p className="muted">{t("interest.intro")}</p>
      {saved && <Notice>{t("interest.saved")}</Notice>}
      {interest.loading && !interest.data ? (
        <LoadingState />
      ) : interest.data ? (
        <InterestForm
          key={interest.data.interest?.updatedAt ?? "none"}
          leadId={leadId}
          interest={interest.data.interest}
          onSaved={(next) => {
            setSaved(true);
            interest.setData({ interest: next });
            matches.reload();
            onSaved?.();
          }}
        />
      ) : (
        <ProblemAlert error={interest.error} onRetry={interest.reload} />
      )}
      <h3>{t("interest.matches")}</h3>
      <ProblemAlert error={matches.error} onRetry={matches.reload} />
      {!interest.data?.interest ? (
        <p className="muted">{t("interest.saveToMatch")}</p>
      ) : matches.data && matches.data.items.length === 0 ? (
        <p className="muted">{t("interest.noMatches")}</p>
      ) : (
        <ol className="match-list" aria-label={t("interest.matches")}>
          {matches.data?.items.map((match) => (
            <li key={match.property.id} className="match">
              <div className="match-head">
                <strong>{match.property.title}</strong>
                <span className="score-pill">{t("interest.score", { score: match.score })}</span>
              </div>
              <div className="muted small">
                {[
                  formatMoney(match.property.price),
                  match.property.bedrooms === null
                    ? null
                    : `${match.property.bedrooms} ${t("realEstate.form.bedrooms").toLowerCase()}`,
                  [match.property.neighborhood, match.property.city].filter(Boolean).join(", "),
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </div>
              <ul className="tag-list match-reasons">
                {match.reasons.map((reason) => {
                  const key = `interest.reason.${reason.rule}.${reason.fit}`;
                  return (
                    <li key={reason.rule} className={`tag match-${reason.fit}`} title={reason.label}>
                      {isMessageKey(key) ? t(key) : reason.label}
                    </li>
                  );
                })}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function InterestForm({
  leadId,
  interest,
  onSaved,
}: {
  leadId: string;
  interest: InterestView | null;
  onSaved: (interest: InterestView) => void;
}) {
  const t = useT();
  const id = useId();
  const canWrite = (useSession()?.role ?? "viewer") !== "viewer";
  const [purpose, setPurpose] = useState(interest?.purpose ?? "buy");
  const [kinds, setKinds] = useState<PropertyKind[]>(interest?.kinds ?? []);
  const [priceMin, setPriceMin] = useState(amountText(interest?.priceMin));
  const [priceMax, setPriceMax] = useState(amountText(interest?.priceMax));
  const [bedroomsMin, setBedroomsMin] = useState(amountText(interest?.bedroomsMin));
  const [cities, setCities] = useState(interest?.cities.join(", ") ?? "");
  const [neighborhoods, setNeighborhoods] = useState(interest?.neighborhoods.join(", ") ?? "");
  const [notes, setNotes] = useState(interest?.notes ?? "");
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaving(true);
    try {
      const saved = await api<InterestView>(`/api/v1/leads/${encodeURIComponent(leadId)}/interest`, {
        method: "PUT",
        body: {
          purpose,
          kinds,
          priceMin: parseAmount(priceMin),
          priceMax: parseAmount(priceMax),
          bedroomsMin: parseAmount(bedroomsMin),
          cities: list(cities),
          neighborhoods: list(neighborhoods),
          notes: notes.trim() || null,
        },
      });
      onSaved(saved);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={submit} aria-label={t("interest.title")}>
      {!interest && <p className="muted">{t("interest.none")}</p>}
      <ProblemAlert error={error} />
      <fieldset disabled={!canWrite || saving} className="interest-fields">
        <div className="form-grid">
          <label className="field">
            <span>{t("interest.purpose")}</span>
            <select value={purpose} onChange={(event) => setPurpose(event.target.value as typeof purpose)}>
              {INTEREST_PURPOSES.map((item) => (
                <option key={item} value={item}>
                  {t(`interest.purpose.${item}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field" htmlFor={`${id}-min`}>
            <span>{t("interest.priceMin")}</span>
            <input
              id={`${id}-min`}
              inputMode="decimal"
              value={priceMin}
              onChange={(event) => setPriceMin(event.target.value)}
            />
          </label>
          <label className="field" htmlFor={`${id}-max`}>
            <span>{t("interest.priceMax")}</span>
            <input
              id={`${id}-max`}
              inputMode="decimal"
              value={priceMax}
              onChange={(event) => setPriceMax(event.target.value)}
            />
          </label>
          <label className="field" htmlFor={`${id}-bedrooms`}>
            <span>{t("interest.bedroomsMin")}</span>
            <input
              id={`${id}-bedrooms`}
              inputMode="numeric"
              value={bedroomsMin}
              onChange={(event) => setBedroomsMin(event.target.value)}
            />
          </label>
          <label className="field" htmlFor={`${id}-cities`}>
            <span>{t("interest.cities")}</span>
            <input id={`${id}-cities`} value={cities} onChange={(event) => setCities(event.target.value)} />
          </label>
          <label className="field" htmlFor={`${id}-neighborhoods`}>
            <span>{t("interest.neighborhoods")}</span>
            <input
              id={`${id}-neighborhoods`}
              value={neighborhoods}
              onChange={(event) => setNeighborhoods(event.target.value)}
            />
          </label>
        </div>
        <fieldset className="chip-group">
          <legend>{t("interest.kinds")}</legend>
          {PROPERTY_KINDS.map((kind) => {
            const checked = kinds.includes(kind);
            return (
              <label key={kind} className={checked ? "chip chip-kind checked" : "chip chip-kind"}>
                <input
                  type="checkbox"
                  checked={checked}
                  onChange={() =>
                    setKinds((current) =>
                      checked ? current.filter((item) => item !== kind) : [...current, kind],
                    )
                  }
                />
                {t(`realEstate.kind.${kind}`)}
              </label>
            );
          })}
        </fieldset>
        <label className="field" htmlFor={`${id}-notes`}>
          <span>{t("interest.notes")}</span>
          <textarea
            id={`${id}-notes`}
            rows={2}
            maxLength={2000}
            value={notes}
            onChange={(event) => setNotes(event.target.value)}
          />
        </label>
      </fieldset>
      {canWrite && (
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={saving}>
            {t("interest.save")}
          </button>
        </div>
      )}
    </form>
  );
}
