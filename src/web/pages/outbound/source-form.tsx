import { type FormEvent, useState } from "react";
import { ApiError, api } from "../../api/client.ts";
import type { OutboundSchedule, OutboundSource, OutboundSourceKind } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { useT } from "../../i18n.ts";

export const SOURCE_KINDS = [
  "generic",
  "listing",
  "sitemap",
  "kiwify",
  "hubla",
] as const satisfies readonly OutboundSourceKind[];
export const SCHEDULES = ["manual", "daily", "weekly"] as const satisfies readonly OutboundSchedule[];

interface Draft {
  name: string;
  url: string;
  kind: OutboundSourceKind;
  maxPages: string;
  maxDepth: string;
  rateLimitMs: string;
  schedule: OutboundSchedule;
  enabled: boolean;
}

function draftOf(source: OutboundSource | null): Draft {
  return {
    name: source?.name ?? "",
    url: source?.url ?? "",
    kind: source?.kind ?? "generic",
    maxPages: String(source?.maxPages ?? 50),
    maxDepth: String(source?.maxDepth ?? 1),
    rateLimitMs: String(source?.rateLimitMs ?? 1000),
    schedule: source?.schedule ?? "manual",
    enabled: source?.enabled ?? true,
  };
}

const isKind = (value: string): value is OutboundSourceKind =>
  (SOURCE_KINDS as readonly string[]).includes(value);
const isSchedule = (value: string): value is OutboundSchedule =>
  (SCHEDULES as readonly string[]).includes(value);

/** Create a source, or edit one (`source` set); validation errors come back from the API per field. */
export function SourceForm({
  source,
  onSaved,
  onCancel,
}: {
  source: OutboundSource | null;
  onSaved: (saved: OutboundSource) => void;
  onCancel?: () => void;
}) {
  const t = useT();
  const [draft, setDraft] = useState<Draft>(() => draftOf(source));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fieldErrors = new Map<string, string>();
  if (error instanceof ApiError) {
    for (const item of error.fieldErrors) fieldErrors.set(item.field.replace(/^body\./, ""), item.message);
  }
  const set = (changes: Partial<Draft>) => setDraft((current) => ({ ...current, ...changes }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      name: draft.name.trim(),
      url: draft.url.trim(),
      kind: draft.kind,
      maxPages: Number(draft.maxPages),
      maxDepth: Number(draft.maxDepth),
      rateLimitMs: Number(draft.rateLimitMs),
      schedule: draft.schedule,
      enabled: draft.enabled,
    };
    try {
      const saved = source
        ? await api<OutboundSource>(`/api/v1/outbound/sources/${source.id}`, { method: "PATCH", body })
        : await api<OutboundSource>("/api/v1/outbound/sources", { method: "POST", body });
      if (!source) setDraft(draftOf(null));
      onSaved(saved);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const titleId = source ? `edit-source-${source.id}` : "new-source-title";
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {source ? t("outbound.editSource", { name: source.name }) : t("outbound.newSource")}
      </h2>
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <label className="field">
            <span>{t("outbound.field.name")}</span>
            <input
              value={draft.name}
              required
              maxLength={120}
              onChange={(event) => set({ name: event.target.value })}
              aria-invalid={fieldErrors.has("name") || undefined}
            />
            <FieldError message={fieldErrors.get("name")} />
          </label>
          <label className="field">
            <span>{t("outbound.field.url")}</span>
            <input
              value={draft.url}
              type="url"
              required
              placeholder="https://"
              spellCheck={false}
              onChange={(event) => set({ url: event.target.value })}
              aria-invalid={fieldErrors.has("url") || undefined}
            />
            <FieldError message={fieldErrors.get("url")} />
          </label>
          <label className="field">
            <span>{t("outbound.field.kind")}</span>
            <select
              value={draft.kind}
              onChange={(event) => {
                if (isKind(event.target.value)) set({ kind: event.target.value });
              }}
            >
              {SOURCE_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`outbound.kind.${kind}`)}
                </option>
              ))}
            </select>
            <small className="muted">{t(`outbound.kindHint.${draft.kind}`)}</small>
          </label>
          <label className="field">
            <span>{t("outbound.field.schedule")}</span>
            <select
              value={draft.schedule}
              onChange={(event) => {
                if (isSchedule(event.target.value)) set({ schedule: event.target.value });
              }}
            >
              {SCHEDULES.map((schedule) => (
                <option key={schedule} value={schedule}>
                  {t(`outbound.schedule.${schedule}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t("outbound.field.maxPages")}</span>
            <input
              value={draft.maxPages}
              inputMode="numeric"
              onChange={(event) => set({ maxPages: event.target.value })}
              aria-invalid={fieldErrors.has("maxPages") || undefined}
            />
            <FieldError message={fieldErrors.get("maxPages")} />
          </label>
          <label className="field">
            <span>{t("outbound.field.maxDepth")}</span>
            <input
              value={draft.maxDepth}
              inputMode="numeric"
              onChange={(event) => set({ maxDepth: event.target.value })}
              aria-invalid={fieldErrors.has("maxDepth") || undefined}
            />
            <FieldError message={fieldErrors.get("maxDepth")} />
          </label>
          <label className="field">
            <span>{t("outbound.field.rateLimitMs")}</span>
            <input
              value={draft.rateLimitMs}
              inputMode="numeric"
              onChange={(event) => set({ rateLimitMs: event.target.value })}
              aria-invalid={fieldErrors.has("rateLimitMs") || undefined}
            />
            <FieldError message={fieldErrors.get("rateLimitMs")} />
          </label>
          <label className="field field-inline">
            <input
              type="checkbox"
              checked={draft.enabled}
              onChange={(event) => set({ enabled: event.target.checked })}
            />
            <span>{t("outbound.field.enabled")}</span>
          </label>
        </div>
        <p className="muted">{t("outbound.politeness")}</p>
        <ProblemAlert error={error instanceof ApiError && error.fieldErrors.length > 0 ? null : error} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t("common.saving") : source ? t("common.save") : t("outbound.create")}
          </button>
          {onCancel && (
            <button type="button" className="button" onClick={onCancel}>
              {t("common.cancel")}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function FieldError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return <small className="field-error">{message}</small>;
}
