import { isMessageKey, type Translate, useT } from "../../i18n.ts";
import {
  type ConditionDraft,
  choiceLabel,
  choicesOf,
  type FieldGroup,
  type FieldSpec,
  fieldSpecOf,
  newCondition,
  opsForKind,
  opTakesValue,
  splitList,
  withField,
  withOp,
} from "./rule-form-format.ts";
import { Field, FieldError, type FormErrors, invalidProps, useFocusLater } from "./rule-form-parts.tsx";

const GROUPS: readonly FieldGroup[] = ["event", "contact", "product", "enrollment", "other"];

export function fieldLabel(path: string, t: Translate): string {
  const key = `automation.field.${path}`;
  return isMessageKey(key) ? t(key) : path;
}

interface Props {
  conditions: ConditionDraft[];
  /** The fields the rule's trigger offers. */
  fields: readonly FieldSpec[];
  errors: FormErrors;
  onChange: (next: ConditionDraft[]) => void;
}

/**
 * The conditions, all of which must hold: a row per condition with its field (grouped: the event's own
 * data, the contact, the product, the enrollment), its comparison and a value input typed by the field.
 */
export function RuleConditions({ conditions, fields, errors, onChange }: Props) {
  const t = useT();
  const focusLater = useFocusLater();
  const rowId = (condition: ConditionDraft, part: string) => `${errors.idPrefix}-c-${condition.key}-${part}`;
  const addId = `${errors.idPrefix}-add-condition`;

  const replace = (index: number, next: ConditionDraft) =>
    onChange(conditions.map((item, at) => (at === index ? next : item)));

  function add() {
    const created = newCondition(fields);
    onChange([...conditions, created]);
    focusLater(rowId(created, "field"));
  }

  function remove(index: number) {
    const rest = conditions.filter((_, at) => at !== index);
    onChange(rest);
    const next = rest[index] ?? rest[index - 1];
    focusLater(next ? rowId(next, "remove") : addId);
  }

  return (
    <fieldset className="rule-form-group">
      <legend>{t("automation.ruleForm.conditions")}</legend>
      <p className="muted small">
        {conditions.length === 0
          ? t("automation.ruleForm.noConditions")
          : t("automation.ruleForm.conditionsHint")}
      </p>
      <FieldError errors={errors} path="conditions" />
      <ol className="rule-rows">
        {conditions.map((condition, index) => {
          const n = index + 1;
          const path = `conditions.${index}`;
          const options = fields.some((field) => field.path === condition.field)
            ? fields
            : [...fields, fieldSpecOf(condition.field, fields, condition.value)];
          const field = fieldSpecOf(condition.field, options);
          return (
            <li key={condition.key}>
              <fieldset className="rule-row" data-testid="condition-row">
                <legend className="visually-hidden">{t("automation.ruleForm.condition", { n })}</legend>
                <Field
                  label={t("automation.ruleForm.field")}
                  errors={errors}
                  path={`${path}.field`}
                  className="field-compact"
                  id={rowId(condition, "field")}
                >
                  {(fieldId) => (
                    <select
                      id={fieldId}
                      value={condition.field}
                      onChange={(event) => replace(index, withField(condition, event.target.value, options))}
                      {...invalidProps(errors, `${path}.field`)}
                    >
                      {GROUPS.map((group) => {
                        const inGroup = options.filter((item) => item.group === group);
                        if (inGroup.length === 0) return null;
                        return (
                          <optgroup key={group} label={t(`automation.ruleForm.group.${group}`)}>
                            {inGroup.map((item) => (
                              <option key={item.path} value={item.path}>
                                {fieldLabel(item.path, t)}
                              </option>
                            ))}
                          </optgroup>
                        );
                      })}
                    </select>
                  )}
                </Field>
                <Field
                  label={t("automation.ruleForm.op")}
                  errors={errors}
                  path={`${path}.op`}
                  className="field-compact"
                >
                  {(fieldId) => (
                    <select
                      id={fieldId}
                      value={condition.op}
                      onChange={(event) => {
                        const op = opsForKind(field.kind).find((item) => item === event.target.value);
                        if (op) replace(index, withOp(condition, op));
                      }}
                      {...invalidProps(errors, `${path}.op`)}
                    >
                      {opsForKind(field.kind).map((op) => (
                        <option key={op} value={op}>
                          {t(`automation.ruleForm.op.${op}`)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                {opTakesValue(condition.op) && (
                  <ConditionValue
                    condition={condition}
                    field={field}
                    errors={errors}
                    path={`${path}.value`}
                    onValue={(value) => replace(index, { ...condition, value })}
                  />
                )}
                <button
                  type="button"
                  id={rowId(condition, "remove")}
                  className="button button-ghost button-small rule-row-remove"
                  aria-label={t("automation.ruleForm.removeCondition", { n })}
                  onClick={() => remove(index)}
                >
                  {t("automation.ruleForm.remove")}
                </button>
                <FieldError errors={errors} path={path} />
              </fieldset>
            </li>
          );
        })}
      </ol>
      <button type="button" id={addId} className="button button-small" onClick={add}>
        {t("automation.ruleForm.addCondition")}
      </button>
    </fieldset>
  );
}

interface ValueProps {
  condition: ConditionDraft;
  field: FieldSpec;
  errors: FormErrors;
  path: string;
  onValue: (value: string) => void;
}

/** The value typed by the field: a select of its values (checkboxes for "é um de"), a number, or text. */
function ConditionValue({ condition, field, errors, path, onValue }: ValueProps) {
  const t = useT();
  const choices = choicesOf(field.kind);
  if (choices.length > 0 && condition.op === "in") {
    const picked = splitList(condition.value);
    return (
      <fieldset className="rule-row-values">
        <legend>{t("automation.ruleForm.values")}</legend>
        {choices.map((choice) => (
          <label key={choice} className="toggle">
            <input
              type="checkbox"
              checked={picked.includes(choice)}
              onChange={(event) =>
                onValue(
                  choices
                    .filter((item) => (item === choice ? event.target.checked : picked.includes(item)))
                    .join(", "),
                )
              }
            />
            {choiceLabel(field.kind, choice, t)}
          </label>
        ))}
        <FieldError errors={errors} path={path} />
      </fieldset>
    );
  }
  if (choices.length > 0) {
    return (
      <Field label={t("automation.ruleForm.value")} errors={errors} path={path} className="field-compact">
        {(fieldId) => (
          <select
            id={fieldId}
            value={condition.value}
            onChange={(event) => onValue(event.target.value)}
            {...invalidProps(errors, path)}
          >
            {!choices.includes(condition.value) && <option value={condition.value}>{condition.value}</option>}
            {choices.map((choice) => (
              <option key={choice} value={choice}>
                {choiceLabel(field.kind, choice, t)}
              </option>
            ))}
          </select>
        )}
      </Field>
    );
  }
  const list = condition.op === "in";
  return (
    <Field
      label={list ? t("automation.ruleForm.values") : t("automation.ruleForm.value")}
      errors={errors}
      path={path}
      className="field-compact rule-row-value"
      hint={list ? <small className="muted">{t("automation.ruleForm.listHint")}</small> : undefined}
    >
      {(fieldId) => (
        <input
          id={fieldId}
          type="text"
          inputMode={field.kind === "number" ? "decimal" : undefined}
          value={condition.value}
          maxLength={200}
          onChange={(event) => onValue(event.target.value)}
          {...invalidProps(errors, path)}
        />
      )}
    </Field>
  );
}
