import { type FormEvent, useId, useState } from "react";
import {
  PROPERTY_KINDS,
  PROPERTY_ORIGINS,
  PROPERTY_PURPOSES,
  PROPERTY_STATUSES,
  type PropertyView,
} from "../../../realestate/schemas.ts";
import { api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { useT } from "../../i18n.ts";
import { amountText, parseAmount } from "./parse-amount.ts";

const TEXT_FIELDS = [
  "title",
  "code",
  "street",
  "number",
  "complement",
  "neighborhood",
  "city",
  "state",
  "postalCode",
  "unit",
  "description",
] as const;
const NUMBER_FIELDS = ["price", "areaM2", "bedrooms", "bathrooms", "parking"] as const;

type Draft = Record<(typeof TEXT_FIELDS)[number] | (typeof NUMBER_FIELDS)[number], string> & {
  kind: PropertyView["kind"];
  purpose: PropertyView["purpose"];
  status: PropertyView["status"];
  origin: PropertyView["origin"];
  developmentId: string;
};

function draftOf(property: PropertyView | null): Draft {
  return {
    title: property?.title ?? "",
    code: property?.code ?? "",
    street: property?.street ?? "",
    number: property?.number ?? "",
    complement: property?.complement ?? "",
    neighborhood: property?.neighborhood ?? "",
    city: property?.city ?? "",
    state: property?.state ?? "",
    postalCode: property?.postalCode ?? "",
    unit: property?.unit ?? "",
    description: property?.description ?? "",
    price: amountText(property?.price),
    areaM2: amountText(property?.areaM2),
    bedrooms: amountText(property?.bedrooms),
    bathrooms: amountText(property?.bathrooms),
    parking: amountText(property?.parking),
    kind: property?.kind ?? "apartment",
    purpose: property?.purpose ?? "sale",
    status: property?.status ?? "available",
    origin: property?.origin ?? "own",
    developmentId: property?.development?.id ?? "",
  };
}

/** Adds a property (POST) or changes one (PATCH, an empty field clears it). */
export function PropertyForm({
  property,
  developments,
  onSaved,
  onClose,
}: {
  property: PropertyView | null;
  developments: { id: string; name: string }[];
  onSaved: (property: PropertyView, created: boolean) => void;
  onClose: () => void;
}) {
  const t = useT();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(property));
  const [error, setError] = useState<unknown>(null);
  const [badNumber, setBadNumber] = useState("");
  const [saving, setSaving] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));
  const label = (field: Exclude<keyof Draft, "developmentId">) =>
    t(`realEstate.form.${field === "areaM2" ? "area" : field}`);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBadNumber("");
    const numbers: Record<string, number | null> = {};
    for (const field of NUMBER_FIELDS) {
      const value = parseAmount(draft[field]);
      if (value !== null && Number.isNaN(value)) {
        setBadNumber(label(field));
        return;
      }
      numbers[field] = value;
    }
    const text = (value: string) => (value.trim() === "" ? null : value.trim());
    const body = {
      ...Object.fromEntries(TEXT_FIELDS.map((field) => [field, text(draft[field])])),
      ...numbers,
      title: draft.title.trim(),
      kind: draft.kind,
      purpose: draft.purpose,
      status: draft.status,
      origin: draft.origin,
      developmentId: draft.developmentId || null,
      unit: draft.developmentId ? text(draft.unit) : null,
    };
    setSaving(true);
    try {
      const saved = await api<PropertyView>(
        property ? `/api/v1/properties/${property.id}` : "/api/v1/properties",
        {
          method: property ? "PATCH" : "POST",
          body,
        },
      );
      onSaved(saved, property === null);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };

  const name = property ? t("realEstate.editTitle", { title: property.title }) : t("realEstate.new");
  const textInput = (field: (typeof TEXT_FIELDS)[number] | (typeof NUMBER_FIELDS)[number], extra = {}) => (
    <label className="field" htmlFor={`${id}-${field}`}>
      <span>{label(field)}</span>
      <input
        id={`${id}-${field}`}
        value={draft[field]}
        onChange={(event) => set({ [field]: event.target.value })}
        {...extra}
      />
    </label>
  );

  return (
    <form className="card property-form" onSubmit={submit} aria-label={name}>
      <h2>{name}</h2>
      <ProblemAlert error={error} />
      {badNumber && (
        <div className="alert alert-error" role="alert">
          {t("realEstate.form.badNumber", { field: badNumber })}
        </div>
      )}
      <fieldset disabled={saving}>
        <div className="form-grid">
          {textInput("title", { required: true, maxLength: 200 })}
          {textInput("code", { maxLength: 40 })}
          <label className="field">
            <span>{label("kind")}</span>
            <select
              value={draft.kind}
              onChange={(event) => set({ kind: event.target.value as Draft["kind"] })}
            >
              {PROPERTY_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`realEstate.kind.${kind}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{label("purpose")}</span>
            <select
              value={draft.purpose}
              onChange={(event) => set({ purpose: event.target.value as Draft["purpose"] })}
            >
              {PROPERTY_PURPOSES.map((purpose) => (
                <option key={purpose} value={purpose}>
                  {t(`realEstate.purpose.${purpose}`)}
                </option>
              ))}
            </select>
          </label>
          {textInput("price", { required: true, inputMode: "decimal" })}
          {textInput("areaM2", { inputMode: "decimal" })}
          {textInput("bedrooms", { inputMode: "numeric" })}
          {textInput("bathrooms", { inputMode: "numeric" })}
          {textInput("parking", { inputMode: "numeric" })}
          <label className="field">
            <span>{label("status")}</span>
            <select
              value={draft.status}
              onChange={(event) => set({ status: event.target.value as Draft["status"] })}
            >
              {PROPERTY_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`realEstate.status.${status}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{label("origin")}</span>
            <select
              value={draft.origin}
              onChange={(event) => set({ origin: event.target.value as Draft["origin"] })}
            >
              {PROPERTY_ORIGINS.map((origin) => (
                <option key={origin} value={origin}>
                  {t(`realEstate.origin.${origin}`)}
                </option>
              ))}
            </select>
          </label>
          {textInput("street", { maxLength: 200 })}
          {textInput("number", { maxLength: 20 })}
          {textInput("complement", { maxLength: 120 })}
          {textInput("neighborhood", { maxLength: 120 })}
          {textInput("city", { maxLength: 120 })}
          {textInput("state", { maxLength: 60 })}
          {textInput("postalCode", { maxLength: 20 })}
          <label className="field">
            <span>{t("realEstate.form.development")}</span>
            <select
              value={draft.developmentId}
              onChange={(event) => set({ developmentId: event.target.value })}
            >
              <option value="">{t("realEstate.form.noDevelopment")}</option>
              {developments.map((development) => (
                <option key={development.id} value={development.id}>
                  {development.name}
                </option>
              ))}
            </select>
          </label>
          {draft.developmentId && textInput("unit", { maxLength: 60 })}
        </div>
        <label className="field" htmlFor={`${id}-description`}>
          <span>{label("description")}</span>
          <textarea
            id={`${id}-description`}
            rows={3}
            maxLength={5000}
            value={draft.description}
            onChange={(event) => set({ description: event.target.value })}
          />
        </label>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {property ? t("realEstate.form.save") : t("realEstate.form.create")}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {t("realEstate.form.cancel")}
        </button>
      </div>
    </form>
  );
}
