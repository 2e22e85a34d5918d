import { useId } from "react";
import { useT } from "../../i18n.ts";
import { cronInWords } from "./automation-format.ts";
import { cronOfSchedule, type ScheduleDraft, scheduleOfCron, WEEKDAYS } from "./rule-form-format.ts";
import { Field, type FormErrors, invalidProps } from "./rule-form-parts.tsx";

const KINDS: readonly ScheduleDraft["kind"][] = ["daily", "weekly", "advanced"];

interface Props {
  schedule: ScheduleDraft;
  errors: FormErrors;
  onChange: (next: ScheduleDraft) => void;
}

/**
 * When a scheduled rule runs: every day or every week on a weekday at a time (the cron written for it),
 * or "Avançado" to type the cron; the schedule is said in words below, in the workspace's time zone.
 */
export function RuleSchedulePicker({ schedule, errors, onChange }: Props) {
  const t = useT();
  const id = useId();
  const cron = cronOfSchedule(schedule);

  function pick(kind: ScheduleDraft["kind"]) {
    if (kind === schedule.kind) return;
    if (kind === "advanced") {
      onChange({ ...schedule, kind, cron: cron ?? schedule.cron });
      return;
    }
    const read = schedule.kind === "advanced" ? scheduleOfCron(schedule.cron) : null;
    const friendly = read && read.kind !== "advanced" ? read : schedule;
    onChange({ ...schedule, kind, time: friendly.time, weekday: friendly.weekday });
  }

  return (
    <fieldset className="rule-form-group">
      <legend>{t("automation.ruleForm.schedule")}</legend>
      <div className="rule-form-choices">
        {KINDS.map((kind) => (
          <label key={kind} className="toggle">
            <input
              type="radio"
              name={`${id}-kind`}
              checked={schedule.kind === kind}
              onChange={() => pick(kind)}
            />
            {t(`automation.ruleForm.scheduleKind.${kind}`)}
          </label>
        ))}
      </div>
      <div className="rule-form-inline">
        {schedule.kind === "weekly" && (
          <Field label={t("automation.ruleForm.weekday")} errors={errors} className="field-compact">
            {(fieldId) => (
              <select
                id={fieldId}
                value={schedule.weekday}
                onChange={(event) => {
                  const weekday = WEEKDAYS.find((day) => String(day) === event.target.value);
                  if (weekday !== undefined) onChange({ ...schedule, weekday });
                }}
              >
                {WEEKDAYS.map((day) => (
                  <option key={day} value={day}>
                    {t(`automation.weekday.${day}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {schedule.kind === "advanced" ? (
          <Field
            label={t("automation.ruleForm.cron")}
            errors={errors}
            path="cron"
            className="rule-form-cron"
            hint={<small className="muted">{t("automation.ruleForm.cronHint")}</small>}
          >
            {(fieldId) => (
              <input
                id={fieldId}
                value={schedule.cron}
                maxLength={100}
                spellCheck={false}
                autoComplete="off"
                onChange={(event) => onChange({ ...schedule, cron: event.target.value })}
                {...invalidProps(errors, "cron")}
              />
            )}
          </Field>
        ) : (
          <Field label={t("automation.ruleForm.time")} errors={errors} path="cron" className="field-compact">
            {(fieldId) => (
              <input
                id={fieldId}
                type="time"
                value={schedule.time}
                onChange={(event) => onChange({ ...schedule, time: event.target.value })}
                {...invalidProps(errors, "cron")}
              />
            )}
          </Field>
        )}
      </div>
      <p className="muted small" data-testid="schedule-in-words">
        {cron ? `${cronInWords(cron, t)}. ` : ""}
        {t("automation.ruleForm.timeZoneHint")}
      </p>
    </fieldset>
  );
}
