import { type FormEvent, useState } from "react";
import type { DealView } from "../../../crm/schemas.ts";
import { api } from "../../api/client.ts";
import type { LeadSummary, Page } from "../../api/types.ts";
import { DebouncedInput } from "../../components/debounced-input.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";
import { type CatalogPick, linkOf } from "./catalog-pick.ts";
import { PropertyPicker } from "./property-picker.tsx";

/** Opens a deal for a lead found by search, in the pipeline's first stage, about a property if picked. */
export function NewDealForm({
  pipelineId,
  onCreated,
  onClose,
}: {
  pipelineId: string;
  onCreated: (deal: DealView) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [q, setQ] = useState("");
  const [contactId, setContactId] = useState("");
  const [pick, setPick] = useState<CatalogPick | null>(null);
  const [error, setError] = useState<unknown>(null);
  const leads = useApi<Page<LeadSummary>>(q.trim() ? "/api/v1/leads" : null, { q, limit: 8 });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!contactId) {
      setError(null);
      return;
    }
    try {
      onCreated(
        await api<DealView>("/api/v1/deals", {
          method: "POST",
          body: { contactId, pipelineId, ...(pick ? linkOf(pick) : {}) },
        }),
      );
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <form className="card new-deal" onSubmit={submit} aria-label={t("deals.new")}>
      <ProblemAlert error={error} />
      <div className="field">
        <span>{t("deals.newFor")}</span>
        <DebouncedInput
          value={q}
          onCommit={setQ}
          placeholder={t("deals.searchLead")}
          aria-label={t("deals.searchLead")}
        />
      </div>
      {leads.data && (
        <ul className="lead-picks">
          {leads.data.items.map((lead) => (
            <li key={lead.id}>
              <label>
                <input
                  type="radio"
                  name="contactId"
                  value={lead.id}
                  checked={contactId === lead.id}
                  onChange={() => setContactId(lead.id)}
                />
                {lead.name ?? lead.emails[0] ?? lead.phones[0] ?? lead.id}
                {lead.emails[0] && <span className="muted"> · {lead.emails[0]}</span>}
              </label>
            </li>
          ))}
        </ul>
      )}
      {!contactId && <p className="muted">{t("deals.pickLead")}</p>}
      <PropertyPicker value={pick} onChange={setPick} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!contactId}>
          {t("deals.create")}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {t("deals.cancel")}
        </button>
      </div>
    </form>
  );
}
