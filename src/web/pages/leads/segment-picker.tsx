import { type FormEvent, useState } from "react";
import { api } from "../../api/client.ts";
import type { Page, Segment } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { Notice } from "../../components/status-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";
import { type LeadFilters, toApiFilters } from "./lead-filters.ts";

interface Props {
  filters: LeadFilters;
  onPick: (segment: Segment | null) => void;
}

/** Pick a saved segment, save the current filters as one, or delete the picked one. */
export function SegmentPicker({ filters, onPick }: Props) {
  const t = useT();
  const segments = useApi<Page<Segment>>("/api/v1/segments");
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState(false);
  const items = segments.data?.items ?? [];
  const picked = items.find((segment) => segment.id === filters.segment);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setNotice("");
    try {
      const created = await api<Segment>("/api/v1/segments", {
        method: "POST",
        body: { name: name.trim(), filters: dropEmpty(toApiFilters(filters)) },
      });
      segments.setData({ items: [...items, created], nextCursor: null });
      setNotice(t("segments.saved", { name: created.name }));
      setName("");
      onPick(created);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function remove(segment: Segment) {
    if (!window.confirm(t("segments.confirmDelete", { name: segment.name }))) return;
    setError(null);
    setNotice("");
    try {
      await api<void>(`/api/v1/segments/${segment.id}`, { method: "DELETE" });
      segments.setData({ items: items.filter((item) => item.id !== segment.id), nextCursor: null });
      onPick(null);
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <div className="segment-bar">
      <label className="field field-compact">
        <span>{t("segments.label")}</span>
        <select
          value={picked ? picked.id : ""}
          onChange={(event) => onPick(items.find((segment) => segment.id === event.target.value) ?? null)}
        >
          <option value="">{t("segments.none")}</option>
          {items.map((segment) => (
            <option key={segment.id} value={segment.id}>
              {segment.name}
            </option>
          ))}
        </select>
      </label>
      {picked && (
        <button type="button" className="button button-ghost button-small" onClick={() => remove(picked)}>
          {t("segments.delete")}
        </button>
      )}
      <form className="segment-save" onSubmit={save}>
        <input
          aria-label={t("segments.namePlaceholder")}
          placeholder={t("segments.namePlaceholder")}
          value={name}
          maxLength={120}
          onChange={(event) => setName(event.target.value)}
        />
        <button type="submit" className="button button-small" disabled={busy || name.trim() === ""}>
          {t("segments.save")}
        </button>
      </form>
      {notice && <Notice>{notice}</Notice>}
      <ProblemAlert error={error ?? segments.error} />
    </div>
  );
}

function dropEmpty(values: Record<string, string | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) kept[key] = value;
  return kept;
}
