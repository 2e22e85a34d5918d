import { type FormEvent, useId, useState } from "react";
import type { PipelineView } from "../../../crm/schemas.ts";
import { api } from "../../api/client.ts";
import { NumberInput } from "../../components/number-input.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState, Notice } from "../../components/status-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useSubmit } from "../../hooks/use-submit.ts";
import { useT } from "../../i18n.ts";
import { allFieldsShown, fieldMessages, formatMinutes } from "./settings-format.ts";
import type { SlaPolicy } from "./settings-types.ts";

const FIELDS = ["name", "source", "pipelineId", "targetMinutes", "enabled"];
const SOURCES = [
  "api",
  "typeform",
  "hotmart",
  "kiwify",
  "hubla",
  "meta",
  "chatwoot",
  "import",
  "outbound",
  "meta_ads",
];

/** The first-response targets: a table with on/off and edit, and the form for a new one. */
export function SlaPolicies() {
  const t = useT();
  const policies = useApi<{ items: SlaPolicy[] }>("/api/v1/sla-policies");
  const pipelines = useApi<{ items: PipelineView[] }>("/api/v1/pipelines");
  const [editing, setEditing] = useState<SlaPolicy | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const toggling = useSubmit();
  const items = policies.data?.items ?? [];
  const pipelineItems = pipelines.data?.items ?? [];

  const put = (policy: SlaPolicy) => {
    const known = items.some((item) => item.id === policy.id);
    policies.setData({
      items: known ? items.map((item) => (item.id === policy.id ? policy : item)) : [...items, policy],
    });
  };

  async function toggle(policy: SlaPolicy) {
    setNotice(null);
    // Shown switched at once; put back if the server refuses.
    put({ ...policy, enabled: !policy.enabled });
    const done = await toggling.run(async () => {
      const next = await api<SlaPolicy>(`/api/v1/sla-policies/${policy.id}`, {
        method: "PATCH",
        body: { enabled: !policy.enabled },
      });
      put(next);
      setNotice(t(next.enabled ? "settings.sla.on" : "settings.sla.off", { name: next.name }));
    }, policy.id);
    if (!done) put(policy);
  }

  const pipelineName = (id: string | null) => {
    if (!id) return t("settings.sla.anyPipeline");
    return pipelineItems.find((item) => item.id === id)?.name ?? t("settings.sla.removedPipeline");
  };

  return (
    <section className="card page-section" aria-labelledby="sla-title">
      <h2 id="sla-title">{t("settings.sla.title")}</h2>
      <p className="muted">{t("settings.sla.intro")}</p>
      {notice && <Notice>{notice}</Notice>}
      <ProblemAlert error={toggling.error ?? pipelines.error} />
      {policies.loading && !policies.data ? (
        <LoadingState />
      ) : policies.error && !policies.data ? (
        <ProblemAlert error={policies.error} onRetry={policies.reload} />
      ) : items.length === 0 ? (
        <EmptyState title={t("settings.sla.empty")} hint={t("settings.sla.emptyHint")} />
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-label={t("settings.sla.title")}>
            <thead>
              <tr>
                <th scope="col">{t("settings.sla.col.name")}</th>
                <th scope="col">{t("settings.sla.col.pipeline")}</th>
                <th scope="col">{t("settings.sla.col.source")}</th>
                <th scope="col">{t("settings.sla.col.target")}</th>
                <th scope="col">{t("settings.sla.col.enabled")}</th>
                <th scope="col">{t("settings.sla.col.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((policy) => (
                <tr
                  key={policy.id}
                  data-policy-id={policy.id}
                  className={policy.enabled ? undefined : "muted"}
                >
                  <td>{policy.name}</td>
                  <td>{pipelineName(policy.pipelineId)}</td>
                  <td>{policy.source ?? <span className="muted">{t("settings.sla.anySource")}</span>}</td>
                  <td>{formatMinutes(policy.targetMinutes)}</td>
                  <td>
                    <label className="toggle">
                      <input
                        type="checkbox"
                        checked={policy.enabled}
                        disabled={toggling.busyKey === policy.id}
                        aria-label={t("settings.sla.toggle", { name: policy.name })}
                        onChange={() => void toggle(policy)}
                      />
                      {policy.enabled ? t("common.yes") : t("common.no")}
                    </label>
                  </td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`${t("common.edit")} ${policy.name}`}
                      onClick={() => {
                        setNotice(null);
                        setEditing(policy);
                      }}
                    >
                      {t("common.edit")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing ? (
        <SlaPolicyForm
          key={editing.id}
          policy={editing}
          pipelines={pipelineItems}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            put(saved);
            setEditing(null);
            setNotice(t("settings.sla.updated", { name: saved.name }));
          }}
        />
      ) : (
        <SlaPolicyForm
          pipelines={pipelineItems}
          onSaved={(saved) => {
            put(saved);
            setNotice(t("settings.sla.created", { name: saved.name }));
          }}
        />
      )}
    </section>
  );
}

/** A new target (no `policy`) or the edit of one; the server's field errors show by each field. */
function SlaPolicyForm({
  policy,
  pipelines,
  onSaved,
  onCancel,
}: {
  policy?: SlaPolicy;
  pipelines: PipelineView[];
  onSaved: (policy: SlaPolicy) => void;
  onCancel?: () => void;
}) {
  const t = useT();
  const [name, setName] = useState(policy?.name ?? "");
  const [pipelineId, setPipelineId] = useState(policy?.pipelineId ?? "");
  const [source, setSource] = useState(policy?.source ?? "");
  const [targetMinutes, setTargetMinutes] = useState(policy?.targetMinutes ?? 60);
  const [enabled, setEnabled] = useState(policy?.enabled ?? true);
  const saving = useSubmit();
  const messages = fieldMessages(saving.fieldErrors);
  const title = policy ? t("settings.sla.editTitle", { name: policy.name }) : t("settings.sla.new");
  const formId = policy ? `sla-form-${policy.id}` : "sla-form-new";
  const targetId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = {
      name: name.trim(),
      source: source.trim() === "" ? null : source.trim(),
      pipelineId: pipelineId === "" ? null : pipelineId,
      targetMinutes,
      enabled,
    };
    await saving.run(async () => {
      const saved = policy
        ? await api<SlaPolicy>(`/api/v1/sla-policies/${policy.id}`, { method: "PATCH", body })
        : await api<SlaPolicy>("/api/v1/sla-policies", { method: "POST", body });
      if (!policy) {
        setName("");
        setSource("");
        setPipelineId("");
        setTargetMinutes(60);
        setEnabled(true);
      }
      onSaved(saved);
    });
  }

  return (
    <form className="edit-form page-section" onSubmit={submit} noValidate aria-labelledby={`${formId}-title`}>
      <h3 id={`${formId}-title`}>{title}</h3>
      <div className="form-grid">
        <label className="field">
          <span>{t("settings.sla.name")}</span>
          <input
            value={name}
            required
            maxLength={120}
            onChange={(event) => setName(event.target.value)}
            aria-invalid={messages.name ? true : undefined}
          />
          {messages.name && <small className="field-error">{messages.name}</small>}
        </label>
        <label className="field">
          <span>{t("settings.sla.pipeline")}</span>
          <select
            value={pipelineId}
            onChange={(event) => setPipelineId(event.target.value)}
            aria-invalid={messages.pipelineId ? true : undefined}
          >
            <option value="">{t("settings.sla.anyPipeline")}</option>
            {pipelines.map((item) => (
              <option key={item.id} value={item.id}>
                {item.name}
              </option>
            ))}
            {policy?.pipelineId && !pipelines.some((item) => item.id === policy.pipelineId) && (
              <option value={policy.pipelineId}>{t("settings.sla.removedPipeline")}</option>
            )}
          </select>
          {messages.pipelineId && <small className="field-error">{messages.pipelineId}</small>}
        </label>
        <label className="field">
          <span>{t("settings.sla.source")}</span>
          <input
            value={source}
            maxLength={60}
            list="settings-sla-sources"
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => setSource(event.target.value)}
            aria-invalid={messages.source ? true : undefined}
          />
          <datalist id="settings-sla-sources">
            {SOURCES.map((item) => (
              <option key={item} value={item} />
            ))}
          </datalist>
          {messages.source ? (
            <small className="field-error">{messages.source}</small>
          ) : (
            <small>{t("settings.sla.sourceHint")}</small>
          )}
        </label>
        <label className="field" htmlFor={targetId}>
          <span>{t("settings.sla.target")}</span>
          <NumberInput
            id={targetId}
            value={targetMinutes}
            onValue={setTargetMinutes}
            aria-invalid={messages.targetMinutes ? true : undefined}
          />
          {messages.targetMinutes ? (
            <small className="field-error">{messages.targetMinutes}</small>
          ) : (
            <small>{formatMinutes(targetMinutes)}</small>
          )}
        </label>
      </div>
      <label className="toggle">
        <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
        {t("settings.sla.enabled")}
      </label>
      {saving.error !== null && !allFieldsShown(saving.fieldErrors, FIELDS) && (
        <ProblemAlert error={saving.error} />
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saving.busy || name.trim() === ""}>
          {saving.busy ? t("common.saving") : policy ? t("common.save") : t("settings.sla.create")}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        )}
      </div>
    </form>
  );
}
