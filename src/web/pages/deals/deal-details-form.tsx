import { type FormEvent, useState } from "react";
import type { DealView } from "../../../crm/schemas.ts";
import { api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { useT } from "../../i18n.ts";
import { type CatalogPick, type DealLink, linkChanges, linkOf } from "./catalog-pick.ts";
import { PropertyPicker } from "./property-picker.tsx";
import { useLinkedCatalog } from "./use-linked-catalog.ts";

export interface Owner {
  id: string;
  name: string | null;
  email: string;
}

/**
 * Title, owner, value, expected close and property of one deal (picked from the catalog, or a text
 * reference); saved with PATCH (empty clears). `focusProperty`: opened to choose the property.
 */
export function DealDetailsForm({
  deal,
  owners,
  canWrite,
  focusProperty = false,
  onSaved,
  onClose,
}: {
  deal: DealView;
  owners: Owner[];
  canWrite: boolean;
  focusProperty?: boolean;
  onSaved: (deal: DealView) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [title, setTitle] = useState(deal.title);
  const [ownerId, setOwnerId] = useState(deal.owner?.id ?? "");
  const [value, setValue] = useState(deal.value === null ? "" : String(deal.value));
  const [expectedClose, setExpectedClose] = useState(deal.expectedClose ?? "");
  const [propertyRef, setPropertyRef] = useState(deal.propertyRef ?? "");
  const savedLink: DealLink = { propertyId: deal.propertyId, developmentId: deal.developmentId };
  const linked = useLinkedCatalog(savedLink, { fresh: true });
  /** undefined while the saved link is left as it is. */
  const [pick, setPick] = useState<CatalogPick | null | undefined>(undefined);
  const link = pick === undefined ? savedLink : linkOf(pick);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const parsed = value.trim() === "" ? null : Number(value.replace(/\./g, "").replace(",", "."));
      const saved = await api<DealView>(`/api/v1/deals/${deal.id}`, {
        method: "PATCH",
        body: {
          title: title.trim() || deal.title,
          ownerId: ownerId || null,
          value: parsed,
          expectedClose: expectedClose || null,
          propertyRef: propertyRef.trim() || null,
          ...linkChanges(savedLink, link),
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
    <form className="card deal-details" onSubmit={submit} aria-label={t("deals.edit", { title: deal.title })}>
      <h2>{t("deals.edit", { title: deal.title })}</h2>
      <ProblemAlert error={error} />
      <fieldset disabled={!canWrite || saving}>
        <label>
          {t("deals.titleField")}
          <input value={title} onChange={(event) => setTitle(event.target.value)} maxLength={200} />
        </label>
        <label>
          {t("deals.owner")}
          <select value={ownerId} onChange={(event) => setOwnerId(event.target.value)}>
            <option value="">{t("deals.noOwner")}</option>
            {owners.map((owner) => (
              <option key={owner.id} value={owner.id}>
                {owner.name ?? owner.email}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("deals.value")}
          <input inputMode="decimal" value={value} onChange={(event) => setValue(event.target.value)} />
        </label>
        <label>
          {t("deals.expectedClose")}
          <input
            type="date"
            value={expectedClose}
            onChange={(event) => setExpectedClose(event.target.value)}
          />
        </label>
        <PropertyPicker
          value={pick === undefined ? linked.pick : pick}
          onChange={setPick}
          linkState={
            pick === undefined
              ? linked.loading
                ? "loading"
                : linked.unavailable
                  ? "unavailable"
                  : null
              : null
          }
          autoFocus={focusProperty && canWrite}
        />
        <label>
          {t("deals.propertyRef")}
          <input
            value={propertyRef}
            onChange={(event) => setPropertyRef(event.target.value)}
            maxLength={200}
          />
        </label>
      </fieldset>
      <div className="form-actions">
        {canWrite && (
          <button type="submit" className="button button-primary" disabled={saving}>
            {t("deals.save")}
          </button>
        )}
        <button type="button" className="button" onClick={onClose}>
          {t("deals.cancel")}
        </button>
      </div>
    </form>
  );
}
