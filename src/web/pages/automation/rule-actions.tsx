import type { PipelineView } from "../../../crm/schemas.ts";
import { useT } from "../../i18n.ts";
import {
  ACTION_TYPES,
  type ActionDraft,
  DURATION_UNITS,
  type DurationUnit,
  moved,
  newAction,
  type PurposesByChannel,
  templateChannelOf,
  withActionType,
} from "./rule-form-format.ts";
import { Field, FieldError, type FormErrors, invalidProps, useFocusLater } from "./rule-form-parts.tsx";
import { purposeLabel } from "./template-format.ts";

interface Props {
  actions: ActionDraft[];
  purposes: PurposesByChannel;
  pipelines: readonly PipelineView[];
  errors: FormErrors;
  onChange: (next: ActionDraft[]) => void;
}

/**
 * The actions, in order (each becomes one dispatch): add, remove and move them; each type with its own
 * inputs (a template of its channel, a label, a task's title and due time, a pipeline, a tag, a delay).
 */
export function RuleActions({ actions, purposes, pipelines, errors, onChange }: Props) {
  const t = useT();
  const focusLater = useFocusLater();
  const rowId = (action: ActionDraft, part: string) => `${errors.idPrefix}-a-${action.key}-${part}`;
  const addId = `${errors.idPrefix}-add-action`;

  const replace = (index: number, next: ActionDraft) =>
    onChange(actions.map((item, at) => (at === index ? next : item)));

  function add() {
    const created = newAction("send_whatsapp", purposes);
    onChange([...actions, created]);
    focusLater(rowId(created, "type"));
  }

  function remove(index: number) {
    const rest = actions.filter((_, at) => at !== index);
    onChange(rest);
    const next = rest[index] ?? rest[index - 1];
    focusLater(next ? rowId(next, "remove") : addId);
  }

  function move(index: number, by: -1 | 1) {
    const action = actions[index];
    if (!action) return;
    const to = index + by;
    onChange(moved(actions, index, to));
    // The same button keeps the focus, unless the action reached the end that disables it.
    const atEnd = by === -1 ? to === 0 : to === actions.length - 1;
    focusLater(rowId(action, (by === -1) !== atEnd ? "up" : "down"));
  }

  return (
    <fieldset className="rule-form-group">
      <legend>{t("automation.ruleForm.actions")}</legend>
      <p className="muted small">
        {actions.length === 0 ? t("automation.ruleForm.noActions") : t("automation.ruleForm.actionsHint")}
      </p>
      <FieldError errors={errors} path="actions" />
      <ol className="rule-rows">
        {actions.map((action, index) => {
          const n = index + 1;
          const path = `actions.${index}`;
          return (
            <li key={action.key}>
              <fieldset className="rule-row" data-testid="action-row">
                <legend className="visually-hidden">{t("automation.ruleForm.action", { n })}</legend>
                <Field
                  label={t("automation.ruleForm.actionType")}
                  errors={errors}
                  path={`${path}.type`}
                  className="field-compact"
                  id={rowId(action, "type")}
                >
                  {(fieldId) => (
                    <select
                      id={fieldId}
                      value={action.type}
                      onChange={(event) => {
                        const type = ACTION_TYPES.find((item) => item === event.target.value);
                        if (type) replace(index, withActionType(action, type, purposes));
                      }}
                      {...invalidProps(errors, `${path}.type`)}
                    >
                      {ACTION_TYPES.map((type) => (
                        <option key={type} value={type}>
                          {t(`automation.ruleForm.actionType.${type}`)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <ActionInputs
                  action={action}
                  path={path}
                  purposes={purposes}
                  pipelines={pipelines}
                  errors={errors}
                  onAction={(next) => replace(index, next)}
                />
                <div className="rule-row-buttons">
                  <button
                    type="button"
                    id={rowId(action, "up")}
                    className="button button-ghost button-small"
                    aria-label={t("automation.ruleForm.moveUp", { n })}
                    title={t("automation.ruleForm.moveUp", { n })}
                    disabled={index === 0}
                    onClick={() => move(index, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    id={rowId(action, "down")}
                    className="button button-ghost button-small"
                    aria-label={t("automation.ruleForm.moveDown", { n })}
                    title={t("automation.ruleForm.moveDown", { n })}
                    disabled={index === actions.length - 1}
                    onClick={() => move(index, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    id={rowId(action, "remove")}
                    className="button button-ghost button-small"
                    aria-label={t("automation.ruleForm.removeAction", { n })}
                    onClick={() => remove(index)}
                  >
                    {t("automation.ruleForm.remove")}
                  </button>
                </div>
                <FieldError errors={errors} path={path} />
              </fieldset>
            </li>
          );
        })}
      </ol>
      <button type="button" id={addId} className="button button-small" onClick={add}>
        {t("automation.ruleForm.addAction")}
      </button>
    </fieldset>
  );
}

interface InputsProps {
  action: ActionDraft;
  path: string;
  purposes: PurposesByChannel;
  pipelines: readonly PipelineView[];
  errors: FormErrors;
  onAction: (next: ActionDraft) => void;
}

function ActionInputs({ action, path, purposes, pipelines, errors, onAction }: InputsProps) {
  const t = useT();
  const channel = templateChannelOf(action.type);
  const set = (change: Partial<ActionDraft>) => onAction({ ...action, ...change });
  const text = (key: "label" | "tag" | "title", label: string, max: number) => (
    <Field label={label} errors={errors} path={`${path}.${key}`} className="field-compact rule-row-text">
      {(fieldId) => (
        <input
          id={fieldId}
          value={action[key]}
          maxLength={max}
          onChange={(event) => set({ [key]: event.target.value })}
          {...invalidProps(errors, `${path}.${key}`)}
        />
      )}
    </Field>
  );

  return (
    <>
      {channel && (
        <TemplateSelect
          value={action.template}
          offered={purposes[channel]}
          path={`${path}.template`}
          errors={errors}
          onValue={(template) => set({ template })}
        />
      )}
      {(action.type === "send_whatsapp" || action.type === "send_email") && (
        <Duration
          label={t("automation.ruleForm.delay")}
          hint={t("automation.ruleForm.delayHint")}
          amount={action.delay}
          unit={action.delayUnit}
          path={`${path}.delayMinutes`}
          errors={errors}
          onAmount={(delay) => set({ delay })}
          onUnit={(delayUnit) => set({ delayUnit })}
        />
      )}
      {action.type === "chatwoot_label" && text("label", t("automation.ruleForm.label"), 60)}
      {action.type === "create_task" && (
        <>
          {text("title", t("automation.ruleForm.taskTitle"), 200)}
          <Duration
            label={t("automation.ruleForm.due")}
            amount={action.due}
            unit={action.dueUnit}
            path={`${path}.dueInMinutes`}
            errors={errors}
            onAmount={(due) => set({ due })}
            onUnit={(dueUnit) => set({ dueUnit })}
          />
        </>
      )}
      {action.type === "push_to_pipeline" && (
        <Field
          label={t("automation.ruleForm.pipeline")}
          errors={errors}
          path={`${path}.pipelineId`}
          className="field-compact"
        >
          {(fieldId) => (
            <select
              id={fieldId}
              value={action.pipelineId}
              onChange={(event) => set({ pipelineId: event.target.value })}
              {...invalidProps(errors, `${path}.pipelineId`)}
            >
              <option value="">{t("automation.ruleForm.firstPipeline")}</option>
              {action.pipelineId && !pipelines.some((pipeline) => pipeline.id === action.pipelineId) && (
                <option value={action.pipelineId}>{action.pipelineId}</option>
              )}
              {pipelines.map((pipeline) => (
                <option key={pipeline.id} value={pipeline.id}>
                  {pipeline.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {action.type === "add_tag" && text("tag", t("automation.ruleForm.tag"), 60)}
      {action.type === "partner_webhook" && (
        <p className="muted small">{t("automation.ruleForm.webhookHint")}</p>
      )}
    </>
  );
}

interface TemplateSelectProps {
  value: string;
  offered: readonly string[];
  path: string;
  errors: FormErrors;
  onValue: (value: string) => void;
}

/** The template purposes of the action's channel (the one a rule names is kept even if gone). */
function TemplateSelect({ value, offered, path, errors, onValue }: TemplateSelectProps) {
  const t = useT();
  const options = value && !offered.includes(value) ? [value, ...offered] : offered;
  return (
    <Field
      label={t("automation.ruleForm.template")}
      errors={errors}
      path={path}
      className="field-compact"
      hint={
        offered.length === 0 ? (
          <small className="muted">{t("automation.ruleForm.noTemplates")}</small>
        ) : undefined
      }
    >
      {(fieldId) => (
        <select
          id={fieldId}
          value={value}
          onChange={(event) => onValue(event.target.value)}
          {...invalidProps(errors, path)}
        >
          {value === "" && <option value="">{t("common.none")}</option>}
          {options.map((purpose) => (
            <option key={purpose} value={purpose}>
              {purposeLabel(purpose, t)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

interface DurationProps {
  label: string;
  hint?: string;
  amount: string;
  unit: DurationUnit;
  path: string;
  errors: FormErrors;
  onAmount: (amount: string) => void;
  onUnit: (unit: DurationUnit) => void;
}

/** An amount and its unit (minutes, hours, days), sent as minutes. */
function Duration({ label, hint, amount, unit, path, errors, onAmount, onUnit }: DurationProps) {
  const t = useT();
  return (
    <fieldset className="rule-duration">
      <legend>{label}</legend>
      <input
        type="text"
        inputMode="numeric"
        aria-label={label}
        value={amount}
        maxLength={6}
        onChange={(event) => onAmount(event.target.value)}
        {...invalidProps(errors, path)}
      />
      <select
        aria-label={t("automation.ruleForm.unit")}
        value={unit}
        onChange={(event) => {
          const next = DURATION_UNITS.find((item) => item === event.target.value);
          if (next) onUnit(next);
        }}
      >
        {DURATION_UNITS.map((item) => (
          <option key={item} value={item}>
            {t(`automation.ruleForm.unit.${item}`)}
          </option>
        ))}
      </select>
      {hint && <small className="muted">{hint}</small>}
      <FieldError errors={errors} path={path} />
    </fieldset>
  );
}
