import { useEffect, useId, useRef, useState } from "react";
import type { RuleView } from "../../../automation/manage-rules.ts";
import type { RunSummary } from "../../../automation/run-scheduled-rule.ts";
import { api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { formatDateTime, formatNumber, formatRelative } from "../../format.ts";
import { useSubmit } from "../../hooks/use-submit.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import {
  actionInWords,
  conditionInWords,
  queueQuery,
  runResultInWords,
  triggerInWords,
} from "./automation-format.ts";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import { RuleForm } from "./rule-form.tsx";
import { RuleRuns } from "./rule-runs.tsx";

interface Props {
  rule: RuleView;
  canManage: boolean;
  onChanged: (next: RuleView) => void;
  /** Saved from the edit form (onChanged is called too). */
  onEdited?: (next: RuleView) => void;
  /** Deleted (a person's rule; built-ins are only switched off). */
  onDeleted?: (rule: RuleView) => void;
}

/**
 * One rule: what starts it and what it does, in words; Sugerir / Automático (automatic asks first), on or
 * off, what waits in the queue, "Executar agora" for a scheduled rule, and its run history. "Editar"
 * opens the rule form in the card; a person's rule (not a built-in) has "Excluir", after a confirmation.
 */
export function RuleCard({ rule, canManage, onChanged, onEdited, onDeleted }: Props) {
  const t = useT();
  const acting = useSubmit();
  const [askAuto, setAskAuto] = useState(false);
  const [lastRun, setLastRun] = useState<RunSummary | null>(null);
  const [showRuns, setShowRuns] = useState(false);
  const [runsVersion, setRunsVersion] = useState(0);
  const [editing, setEditing] = useState(false);
  const [askDelete, setAskDelete] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const focusEdit = useRef(false);
  const titleId = useId();
  const runsId = useId();

  // The form closed: the focus goes back to "Editar".
  useEffect(() => {
    if (editing || !focusEdit.current) return;
    focusEdit.current = false;
    editButton.current?.focus();
  }, [editing]);

  function closeForm() {
    focusEdit.current = true;
    setEditing(false);
  }

  async function remove() {
    const done = await acting.run(async () => {
      await api(`/api/v1/automation-rules/${rule.id}`, { method: "DELETE" });
    }, "delete");
    setAskDelete(false);
    if (done) onDeleted?.(rule);
  }

  async function patch(change: Partial<Pick<RuleView, "mode" | "enabled">>, key: string) {
    await acting.run(async () => {
      onChanged(
        await api<RuleView>(`/api/v1/automation-rules/${rule.id}`, { method: "PATCH", body: change }),
      );
    }, key);
  }

  async function runNow() {
    setLastRun(null);
    await acting.run(async () => {
      const run = await api<RunSummary>(`/api/v1/automation-rules/${rule.id}/run`, { method: "POST" });
      setLastRun(run);
      setRunsVersion((value) => value + 1);
      onChanged(await api<RuleView>(`/api/v1/automation-rules/${rule.id}`));
    }, "run");
  }

  const modeButton = (mode: RuleView["mode"]) => (
    <button
      type="button"
      className={rule.mode === mode ? "segment active" : "segment"}
      aria-pressed={rule.mode === mode}
      disabled={acting.busy}
      onClick={() => {
        if (rule.mode === mode) return;
        if (mode === "auto") setAskAuto(true);
        else void patch({ mode }, "mode");
      }}
    >
      {t(`automation.mode.${mode}`)}
    </button>
  );

  if (editing) {
    return (
      <article
        className="card rule-item is-editing"
        data-rule-id={rule.id}
        data-builtin={rule.builtin ?? undefined}
        aria-labelledby={titleId}
      >
        <header className="rule-item-head">
          <h3 id={titleId}>{rule.name}</h3>
          {rule.builtin && <span className="badge">{t("automation.rules.builtin")}</span>}
        </header>
        <RuleForm
          editing={rule}
          onCancel={closeForm}
          onSaved={(saved) => {
            closeForm();
            onChanged(saved);
            onEdited?.(saved);
          }}
        />
      </article>
    );
  }

  return (
    <article
      className={rule.enabled ? "card rule-item" : "card rule-item is-off"}
      data-rule-id={rule.id}
      data-builtin={rule.builtin ?? undefined}
      aria-labelledby={titleId}
    >
      <header className="rule-item-head">
        <div>
          <h3 id={titleId}>{rule.name}</h3>
          <p className="rule-trigger">
            <span className="muted">{t("automation.rules.when")} </span>
            <strong>{triggerInWords(rule, t)}</strong>
          </p>
        </div>
        <div className="rule-badges">
          {rule.builtin && <span className="badge">{t("automation.rules.builtin")}</span>}
          {!canManage && (
            <span className={`badge rule-mode-${rule.mode}`}>{t(`automation.mode.${rule.mode}`)}</span>
          )}
          {!canManage && !rule.enabled && <span className="badge">{t("automation.rules.off")}</span>}
        </div>
      </header>

      {canManage && (
        <div className="rule-controls">
          <fieldset className="segmented rule-mode">
            <legend className="visually-hidden">{t("automation.rules.modeOf", { name: rule.name })}</legend>
            {modeButton("suggest")}
            {modeButton("auto")}
          </fieldset>
          <button
            type="button"
            role="switch"
            className={rule.enabled ? "rule-switch is-on" : "rule-switch"}
            aria-checked={rule.enabled}
            aria-label={t("automation.rules.enabledOf", { name: rule.name })}
            disabled={acting.busy}
            onClick={() => void patch({ enabled: !rule.enabled }, "enabled")}
          >
            <span className="rule-switch-track" aria-hidden="true">
              <span className="rule-switch-thumb" />
            </span>
            {rule.enabled ? t("automation.rules.on") : t("automation.rules.off")}
          </button>
        </div>
      )}
      <p className="muted small">{t(`automation.modeHint.${rule.mode}`)}</p>

      <div className="rule-logic">
        <div>
          <h4>{t("automation.rules.conditions")}</h4>
          {rule.conditions.length === 0 ? (
            <p className="muted small">{t("automation.rules.noConditions")}</p>
          ) : (
            <ul>
              {rule.conditions.map((condition) => (
                <li key={`${condition.field}:${condition.op}:${String(condition.value)}`}>
                  {conditionInWords(condition, t)}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h4>{t("automation.rules.actions")}</h4>
          <ul>
            {rule.actions.map((action, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: actions are an ordered list without ids
              <li key={index}>{actionInWords(action, t)}</li>
            ))}
          </ul>
        </div>
      </div>

      <div className="rule-footer">
        {rule.pending > 0 ? (
          <a
            className="rule-pending"
            href={href("/automation/queue", queueQuery({ ruleId: rule.id }))}
            data-testid="rule-pending"
          >
            {t(rule.pending === 1 ? "automation.rules.pendingOne" : "automation.rules.pending", {
              count: formatNumber(rule.pending),
            })}
          </a>
        ) : (
          <span className="muted small">{t("automation.rules.nothingPending")}</span>
        )}
        {rule.schedule && (
          <span className="muted small">
            {t("automation.rules.lastRun", {
              when: rule.lastRunAt ? formatDateTime(rule.lastRunAt) : t("automation.rules.never"),
            })}
            {rule.enabled && rule.nextRunAt && (
              <>
                {" · "}
                <time dateTime={rule.nextRunAt} title={formatRelative(rule.nextRunAt)}>
                  {t("automation.rules.nextRun", { when: formatDateTime(rule.nextRunAt) })}
                </time>
              </>
            )}
          </span>
        )}
        <div className="button-row">
          {rule.schedule && canManage && (
            <button
              type="button"
              className="button button-small"
              disabled={acting.busy}
              onClick={() => void runNow()}
            >
              {acting.busyKey === "run" ? t("automation.rules.running") : t("automation.rules.runNow")}
            </button>
          )}
          <button
            type="button"
            className="button button-ghost button-small"
            aria-expanded={showRuns}
            aria-controls={runsId}
            onClick={() => setShowRuns((value) => !value)}
          >
            {showRuns ? t("automation.rules.hideRuns") : t("automation.rules.showRuns")}
          </button>
          {canManage && (
            <button
              type="button"
              ref={editButton}
              className="button button-small"
              disabled={acting.busy}
              onClick={() => setEditing(true)}
            >
              {t("common.edit")}
            </button>
          )}
          {canManage && rule.builtin === null && (
            <button
              type="button"
              className="button button-ghost button-small"
              disabled={acting.busy}
              onClick={() => setAskDelete(true)}
            >
              {t("common.delete")}
            </button>
          )}
        </div>
      </div>

      {lastRun && (
        <p className="alert alert-success" role="status" data-testid="run-result">
          {lastRun.status === "failed"
            ? t("automation.rules.runFailed")
            : t("automation.rules.ranNow", { result: runResultInWords(lastRun, rule.mode, t) })}
          {lastRun.error && <span className="muted small"> {lastRun.error}</span>}
        </p>
      )}
      <ProblemAlert error={acting.error} />
      <div id={runsId}>{showRuns && <RuleRuns key={runsVersion} ruleId={rule.id} />}</div>

      <ConfirmDialog
        open={askAuto}
        title={t("automation.rules.confirmAutoTitle", { name: rule.name })}
        confirmLabel={t("automation.rules.confirmAuto")}
        busy={acting.busyKey === "mode"}
        onCancel={() => setAskAuto(false)}
        onConfirm={() => {
          void patch({ mode: "auto" }, "mode").then(() => setAskAuto(false));
        }}
      >
        <p>{t("automation.rules.confirmAutoBody")}</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={askDelete}
        danger
        title={t("automation.ruleForm.confirmDelete", { name: rule.name })}
        confirmLabel={t("common.delete")}
        busy={acting.busyKey === "delete"}
        onCancel={() => setAskDelete(false)}
        onConfirm={() => void remove()}
      >
        <p>{t("automation.ruleForm.confirmDeleteBody")}</p>
      </ConfirmDialog>
    </article>
  );
}
