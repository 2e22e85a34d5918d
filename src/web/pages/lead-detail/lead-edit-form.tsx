import { type FormEvent, useState } from "react";
import { api } from "../../api/client.ts";
import { useSession } from "../../api/session.ts";
import type { LeadDetail } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { useT } from "../../i18n.ts";

interface Draft {
  name: string;
  city: string;
  interest: string;
  income: string;
  instagram: string;
  tags: string;
  ownerId: string;
}

function draftOf(lead: LeadDetail): Draft {
  return {
    name: lead.name ?? "",
    city: lead.city ?? "",
    interest: lead.interest ?? "",
    income: lead.income === null ? "" : String(lead.income),
    instagram: lead.instagram ?? "",
    tags: lead.tags.join(", "),
    ownerId: lead.ownerId ?? "",
  };
}

function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(",")
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

/** Only what changed; the API keeps a field when it is sent empty. */
function patchOf(lead: LeadDetail, draft: Draft): Record<string, unknown> {
  const original = draftOf(lead);
  const patch: Record<string, unknown> = {};
  for (const key of ["name", "city", "interest", "income", "instagram"] as const) {
    const value = draft[key].trim();
    if (value !== original[key] && value !== "") patch[key] = value;
  }
  const tags = parseTags(draft.tags);
  if (tags.join(",") !== lead.tags.join(",")) patch.tags = tags;
  if (draft.ownerId !== original.ownerId) patch.ownerId = draft.ownerId === "" ? null : draft.ownerId;
  return patch;
}

interface Props {
  lead: LeadDetail;
  onSaved: (lead: LeadDetail, changed: boolean) => void;
  onCancel: () => void;
}

export function LeadEditForm({ lead, onSaved, onCancel }: Props) {
  const t = useT();
  const session = useSession();
  const [draft, setDraft] = useState<Draft>(() => draftOf(lead));
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const me = session?.user.id ?? "";

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const patch = patchOf(lead, draft);
    if (Object.keys(patch).length === 0) {
      onSaved(lead, false);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const updated = await api<LeadDetail>(`/api/v1/leads/${lead.id}`, { method: "PATCH", body: patch });
      onSaved(updated, true);
    } catch (caught) {
      setError(caught);
      setSaving(false);
    }
  }

  const input = (key: keyof Draft, label: string, type = "text", hint?: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        type={type}
        name={key}
        value={draft[key]}
        onChange={(event) => setDraft({ ...draft, [key]: event.target.value })}
      />
      {hint && <small className="muted">{hint}</small>}
    </label>
  );

  return (
    <form className="card edit-form" onSubmit={submit} aria-labelledby="edit-title">
      <h2 id="edit-title">{t("lead.edit")}</h2>
      <ProblemAlert error={error} />
      <div className="form-grid">
        {input("name", t("field.name"))}
        {input("city", t("field.city"))}
        {input("instagram", t("field.instagram"))}
        {input("income", t("field.income"), "text")}
        {input("tags", t("field.tags"), "text", t("lead.tagsHint"))}
        <label className="field">
          <span>{t("field.ownerId")}</span>
          <select
            value={draft.ownerId}
            onChange={(event) => setDraft({ ...draft, ownerId: event.target.value })}
          >
            <option value="">{t("leads.ownerNone")}</option>
            {me && <option value={me}>{t("leads.ownerMe")}</option>}
            {draft.ownerId && draft.ownerId !== me && (
              <option value={draft.ownerId}>{draft.ownerId.slice(0, 8)}…</option>
            )}
          </select>
        </label>
      </div>
      <label className="field">
        <span>{t("field.interest")}</span>
        <textarea
          name="interest"
          rows={3}
          value={draft.interest}
          onChange={(event) => setDraft({ ...draft, interest: event.target.value })}
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {saving ? t("common.saving") : t("common.save")}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel} disabled={saving}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
