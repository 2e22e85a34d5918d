import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import type { RuleView } from "../../../automation/manage-rules.ts";
import type { TemplateView } from "../../../automation/manage-templates.ts";
import type { PipelineView } from "../../../crm/schemas.ts";
import { api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useSubmit } from "../../hooks/use-submit.ts";
import { type MessageKey, useT } from "../../i18n.ts";
import { triggerInWords } from "./automation-format.ts";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import { RuleActions } from "./rule-actions.tsx";
import { RuleConditions } from "./rule-conditions.tsx";
import {
  draftOfRule,
  draftProblems,
  fieldsForTrigger,
  isFormPath,
  newRuleDraft,
  purposesByChannel,
  RULE_EVENTS,
  RULE_QUERIES,
  type RuleDraft,
  ruleChange,
  ruleCreation,
  ruleErrorsByPath,
  ruleSummary,
  type TriggerDraft,
} from "./rule-form-format.ts";
import { Field, FieldError, type FormErrors, invalidProps } from "./rule-form-parts.tsx";
import { RuleSchedulePicker } from "./rule-schedule-picker.tsx";

const TEMPLATES_QUERY = { limit: 200 };

interface Props {
  /** The rule edited (its trigger read-only), or null to make one. */
  editing: RuleView | null;
  onSaved: (rule: RuleView) => void;
  onCancel: () => void;
}

/**
 * A rule: its name; what starts it (an event, or a saved query on a schedule); the conditions, with the
 * fields that trigger offers; the actions in order; Sugerir or Automático (which asks first); and what
 * it will do, in words. Creating POSTs the rule; editing PATCHes only what changed. The form's own
 * checks and the server's field errors show beside their fields, and the first one takes the focus.
 */
export function RuleForm({ editing, onSaved, onCancel }: Props) {
  const t = useT();
  const [draft, setDraft] = useState<RuleDraft>(() => (editing ? draftOfRule(editing) : newRuleDraft()));
  const [problems, setProblems] = useState<Record<string, MessageKey>>({});
  const [askAuto, setAskAuto] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const saving = useSubmit();
  const templates = useApi<{ items: TemplateView[] }>("/api/v1/message-templates", TEMPLATES_QUERY);
  const pipelines = useApi<{ items: PipelineView[] }>("/api/v1/pipelines");
  const purposes = useMemo(() => purposesByChannel(templates.data?.items ?? []), [templates.data]);
  const fields = useMemo(() => fieldsForTrigger(draft.trigger), [draft.trigger]);
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    nameRef.current?.focus();
  }, []);
  // After a refused save, the first field with an error takes the focus.
  useEffect(() => {
    if (attempt === 0) return;
    formRef.current
      ?.querySelector<HTMLElement>("input[aria-invalid='true'], select[aria-invalid='true']")
      ?.focus();
  }, [attempt]);

  const serverErrors = ruleErrorsByPath(saving.fieldErrors);
  const errors: FormErrors = {
    idPrefix: id,
    byPath: {
      ...serverErrors,
      ...Object.fromEntries(Object.entries(problems).map(([path, key]) => [path, t(key)])),
    },
  };
  const serverPaths = Object.keys(serverErrors);
  const allShown =
    Object.keys(problems).length > 0 || (serverPaths.length > 0 && serverPaths.every(isFormPath));
  const summary = ruleSummary(draft, t);

  const set = (change: Partial<RuleDraft>) => {
    setDraft((previous) => ({ ...previous, ...change }));
    setProblems({});
    saving.setError(null);
  };

  function setTrigger(trigger: TriggerDraft) {
    // Conditions on fields the new trigger does not have go (they would never hold).
    const offered = new Set(fieldsForTrigger(trigger).map((field) => field.path));
    set({ trigger, conditions: draft.conditions.filter((condition) => offered.has(condition.field)) });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = draftProblems(draft);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      saving.setError(null);
      setAttempt((value) => value + 1);
      return;
    }
    const done = await saving.run(async () => {
      if (editing) {
        const change = ruleChange(editing, draft);
        onSaved(
          Object.keys(change).length === 0
            ? editing
            : await api<RuleView>(`/api/v1/automation-rules/${editing.id}`, {
                method: "PATCH",
                body: change,
              }),
        );
      } else {
        onSaved(
          await api<RuleView>("/api/v1/automation-rules", { method: "POST", body: ruleCreation(draft) }),
        );
      }
    });
    if (!done) setAttempt((value) => value + 1);
  }

  const modeButton = (mode: RuleDraft["mode"]) => (
    <button
      type="button"
      className={draft.mode === mode ? "segment active" : "segment"}
      aria-pressed={draft.mode === mode}
      onClick={() => {
        if (draft.mode === mode) return;
        if (mode === "auto") setAskAuto(true);
        else set({ mode });
      }}
    >
      {t(`automation.mode.${mode}`)}
    </button>
  );

  return (
    <div className="rule-form-wrap">
      <form
        ref={formRef}
        className="rule-form"
        onSubmit={submit}
        noValidate
        aria-label={
          editing
            ? t("automation.ruleForm.editOf", { name: editing.name })
            : t("automation.ruleForm.formLabel")
        }
      >
        <Field label={t("automation.ruleForm.name")} errors={errors} path="name">
          {(fieldId) => (
            <input
              id={fieldId}
              ref={nameRef}
              value={draft.name}
              maxLength={120}
              onChange={(event) => set({ name: event.target.value })}
              {...invalidProps(errors, "name")}
            />
          )}
        </Field>

        {editing ? (
          <div className="rule-form-group">
            <p className="rule-trigger">
              <span className="muted">{t("automation.rules.when")} </span>
              <strong>{triggerInWords(editing, t)}</strong>
            </p>
            <p className="muted small">{t("automation.ruleForm.triggerReadOnly")}</p>
            {editing.builtin && <p className="muted small">{t("automation.ruleForm.builtinHint")}</p>}
          </div>
        ) : (
          <fieldset className="rule-form-group">
            <legend>{t("automation.ruleForm.trigger")}</legend>
            <div className="rule-form-choices">
              {(["event", "schedule"] as const).map((kind) => (
                <label key={kind} className="toggle">
                  <input
                    type="radio"
                    name={`${id}-trigger`}
                    checked={draft.trigger.kind === kind}
                    onChange={() => setTrigger({ ...draft.trigger, kind })}
                  />
                  {t(`automation.ruleForm.triggerKind.${kind}`)}
                </label>
              ))}
            </div>
            {draft.trigger.kind === "event" ? (
              <Field
                label={t("automation.ruleForm.event")}
                errors={errors}
                path="trigger"
                className="field-compact"
              >
                {(fieldId) => (
                  <select
                    id={fieldId}
                    value={draft.trigger.event}
                    onChange={(event) => {
                      const picked = RULE_EVENTS.find((item) => item === event.target.value);
                      if (picked) setTrigger({ ...draft.trigger, event: picked });
                    }}
                    {...invalidProps(errors, "trigger")}
                  >
                    {RULE_EVENTS.map((item) => (
                      <option key={item} value={item}>
                        {t(`automation.event.${item}`)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ) : (
              <Field
                label={t("automation.ruleForm.query")}
                errors={errors}
                path="trigger"
                className="field-compact"
                hint={
                  <small className="muted">{t(`automation.ruleForm.queryHint.${draft.trigger.query}`)}</small>
                }
              >
                {(fieldId) => (
                  <select
                    id={fieldId}
                    value={draft.trigger.query}
                    onChange={(event) => {
                      const picked = RULE_QUERIES.find((item) => item === event.target.value);
                      if (picked) setTrigger({ ...draft.trigger, query: picked });
                    }}
                    {...invalidProps(errors, "trigger")}
                  >
                    {RULE_QUERIES.map((item) => (
                      <option key={item} value={item}>
                        {t(`automation.query.${item}`)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )}
          </fieldset>
        )}

        {draft.trigger.kind === "schedule" && (
          <RuleSchedulePicker
            schedule={draft.schedule}
            errors={errors}
            onChange={(schedule) => set({ schedule })}
          />
        )}

        <RuleConditions
          conditions={draft.conditions}
          fields={fields}
          errors={errors}
          onChange={(conditions) => set({ conditions })}
        />
        <RuleActions
          actions={draft.actions}
          purposes={purposes}
          pipelines={pipelines.data?.items ?? []}
          errors={errors}
          onChange={(actions) => set({ actions })}
        />

        <fieldset className="rule-form-group">
          <legend>{t("automation.ruleForm.mode")}</legend>
          <div className="segmented rule-mode">
            {modeButton("suggest")}
            {modeButton("auto")}
          </div>
          <FieldError errors={errors} path="mode" />
        </fieldset>

        <section className="rule-summary" aria-labelledby={`${id}-summary`} data-testid="rule-summary">
          <h4 id={`${id}-summary`}>{t("automation.ruleForm.summary")}</h4>
          <p>
            <span className="muted">{t("automation.rules.when")} </span>
            <strong>{summary.trigger}</strong>
          </p>
          <div>
            <span className="muted">{t("automation.rules.conditions")}: </span>
            {summary.conditions.length === 0 ? (
              <span>{t("automation.rules.noConditions")}</span>
            ) : (
              <ul>
                {summary.conditions.map((text, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the summary is a list of sentences in order
                  <li key={index}>{text}</li>
                ))}
              </ul>
            )}
          </div>
          <div>
            <span className="muted">{t("automation.rules.actions")}: </span>
            {summary.actions.length === 0 ? (
              <span>{t("automation.ruleForm.noActions")}</span>
            ) : (
              <ol>
                {summary.actions.map((text, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the summary is a list of sentences in order
                  <li key={index}>{text}</li>
                ))}
              </ol>
            )}
          </div>
          <p className="muted small">
            {t(`automation.mode.${draft.mode}`)}: {summary.mode}
          </p>
        </section>

        {allShown ? (
          <p className="error-text small" role="alert">
            {t("automation.templates.fixFields")}
          </p>
        ) : (
          <ProblemAlert error={saving.error} />
        )}
        <div className="button-row">
          <button type="submit" className="button button-primary button-small" disabled={saving.busy}>
            {saving.busy ? t("common.saving") : editing ? t("common.save") : t("automation.ruleForm.create")}
          </button>
          <button type="button" className="button button-ghost button-small" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        </div>
      </form>

      <ConfirmDialog
        open={askAuto}
        title={t("automation.rules.confirmAutoTitle", {
          name: draft.name.trim() || t("automation.ruleForm.thisRule"),
        })}
        confirmLabel={t("automation.rules.confirmAuto")}
        onCancel={() => setAskAuto(false)}
        onConfirm={() => {
          set({ mode: "auto" });
          setAskAuto(false);
        }}
      >
        <p>{t("automation.rules.confirmAutoBody")}</p>
      </ConfirmDialog>
    </div>
  );
}
