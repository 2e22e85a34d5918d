import { type FormEvent, useEffect, useState } from "react";
import type { BusinessCalendar } from "../../../crm/business-time.ts";
import { api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { LoadingState, Notice } from "../../components/status-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useSubmit } from "../../hooks/use-submit.ts";
import { useLanguage, useT } from "../../i18n.ts";
import {
  addHoliday,
  allFieldsShown,
  fieldMessages,
  formatDateOnly,
  isDateOnly,
  removeHoliday,
  toggleDay,
  WEEK_ORDER,
  weekdayOf,
} from "./settings-format.ts";

const FIELDS = ["timeZone", "days", "start", "end", "holidays"];
const TIME_ZONES = [
  "America/Sao_Paulo",
  "America/Bahia",
  "America/Fortaleza",
  "America/Recife",
  "America/Belem",
  "America/Manaus",
  "America/Cuiaba",
  "America/Campo_Grande",
  "America/Porto_Velho",
  "America/Boa_Vista",
  "America/Rio_Branco",
  "America/Noronha",
  "Europe/Lisbon",
  "UTC",
];

/** The working days, hours, holidays and time zone the first-response SLA counts in. */
export function BusinessCalendarForm() {
  const t = useT();
  const language = useLanguage();
  const saved = useApi<BusinessCalendar>("/api/v1/business-calendar");
  const [draft, setDraft] = useState<BusinessCalendar | null>(null);
  const [holiday, setHoliday] = useState("");
  const [holidayError, setHolidayError] = useState(false);
  const saving = useSubmit();
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (saved.data) setDraft(saved.data);
  }, [saved.data]);

  if (!draft) {
    return (
      <section className="card" aria-labelledby="calendar-title">
        <h2 id="calendar-title">{t("settings.calendar.title")}</h2>
        {saved.error ? <ProblemAlert error={saved.error} onRetry={saved.reload} /> : <LoadingState />}
      </section>
    );
  }

  const messages = fieldMessages(saving.fieldErrors);
  const startAfterEnd = draft.start !== "" && draft.end !== "" && draft.start >= draft.end;
  const noDays = draft.days.length === 0;
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved.data);
  const change = (next: Partial<BusinessCalendar>) => {
    setDraft({ ...draft, ...next });
    setNotice(null);
  };

  function addDate() {
    if (!isDateOnly(holiday)) {
      setHolidayError(true);
      return;
    }
    setHolidayError(false);
    change({ holidays: addHoliday(draft?.holidays ?? [], holiday) });
    setHoliday("");
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    setNotice(null);
    await saving.run(async () => {
      const result = await api<BusinessCalendar>("/api/v1/business-calendar", {
        method: "PUT",
        body: {
          timeZone: draft.timeZone.trim(),
          days: draft.days,
          start: draft.start,
          end: draft.end,
          holidays: draft.holidays,
        },
      });
      saved.setData(result);
      setDraft(result);
      setNotice(t("settings.calendar.saved"));
    });
  }

  return (
    <section className="card" aria-labelledby="calendar-title">
      <h2 id="calendar-title">{t("settings.calendar.title")}</h2>
      <p className="muted">{t("settings.calendar.intro")}</p>
      <form onSubmit={submit} noValidate aria-labelledby="calendar-title">
        <fieldset className="chip-group" aria-invalid={noDays || messages.days ? true : undefined}>
          <legend>{t("settings.calendar.days")}</legend>
          {WEEK_ORDER.map((day) => (
            <label key={day} className="toggle" style={{ marginRight: "0.75rem" }}>
              <input
                type="checkbox"
                checked={draft.days.includes(day)}
                onChange={() => change({ days: toggleDay(draft.days, day) })}
              />
              {t(`settings.day.${day}`)}
            </label>
          ))}
        </fieldset>
        {(noDays || messages.days) && (
          <p className="field-error">{noDays ? t("settings.calendar.noDays") : messages.days}</p>
        )}
        <div className="form-grid" style={{ marginTop: "0.75rem" }}>
          <label className="field">
            <span>{t("settings.calendar.start")}</span>
            <input
              type="time"
              value={draft.start}
              required
              onChange={(event) => change({ start: event.target.value })}
              aria-invalid={messages.start ? true : undefined}
            />
            {messages.start && <small className="field-error">{messages.start}</small>}
          </label>
          <label className="field">
            <span>{t("settings.calendar.end")}</span>
            <input
              type="time"
              value={draft.end}
              required
              onChange={(event) => change({ end: event.target.value })}
              aria-invalid={startAfterEnd || messages.end ? true : undefined}
            />
            {(startAfterEnd || messages.end) && (
              <small className="field-error">
                {startAfterEnd ? t("settings.calendar.startAfterEnd") : messages.end}
              </small>
            )}
          </label>
          <label className="field">
            <span>{t("settings.calendar.timeZone")}</span>
            <input
              value={draft.timeZone}
              list="settings-time-zones"
              required
              maxLength={64}
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => change({ timeZone: event.target.value })}
              aria-invalid={messages.timeZone ? true : undefined}
            />
            <datalist id="settings-time-zones">
              {TIME_ZONES.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
            {messages.timeZone ? (
              <small className="field-error">{messages.timeZone}</small>
            ) : (
              <small>{t("settings.calendar.timeZoneHint")}</small>
            )}
          </label>
        </div>
        <fieldset className="page-section" style={{ border: 0, padding: 0, margin: "0.5rem 0 0" }}>
          <legend>
            <strong>{t("settings.calendar.holidays")}</strong>
          </legend>
          {draft.holidays.length === 0 ? (
            <p className="muted">{t("settings.calendar.noHolidays")}</p>
          ) : (
            <ul
              className="tag-list"
              aria-label={t("settings.calendar.holidays")}
              style={{ listStyle: "none", padding: 0, margin: "0.5rem 0", gap: "0.5rem" }}
            >
              {draft.holidays.map((date) => {
                const shown = formatDateOnly(date, language);
                const weekday = weekdayOf(date);
                const offDay = weekday !== null && !draft.days.includes(weekday);
                return (
                  <li key={date} className="tag" data-holiday={date}>
                    {shown}
                    {weekday !== null && (
                      <span className="muted"> ({t(`settings.dayShort.${weekday}`)})</span>
                    )}
                    {offDay && <span className="muted"> · {t("settings.calendar.holidayOnDayOff")}</span>}{" "}
                    <button
                      type="button"
                      className="button button-ghost button-small"
                      style={{ padding: "0 0.3rem" }}
                      aria-label={t("settings.calendar.removeHoliday", { date: shown })}
                      title={t("settings.calendar.removeHoliday", { date: shown })}
                      onClick={() => change({ holidays: removeHoliday(draft.holidays, date) })}
                    >
                      ×
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          {messages.holidays && <p className="field-error">{messages.holidays}</p>}
          <div className="toolbar-row">
            <label className="field field-compact">
              <span>{t("settings.calendar.holidayDate")}</span>
              <input
                type="date"
                value={holiday}
                onChange={(event) => {
                  setHoliday(event.target.value);
                  setHolidayError(false);
                }}
                onKeyDown={(event) => {
                  if (event.key === "Enter") {
                    event.preventDefault();
                    addDate();
                  }
                }}
                aria-invalid={holidayError ? true : undefined}
              />
              {holidayError && <small className="field-error">{t("settings.calendar.holidayInvalid")}</small>}
            </label>
            <button type="button" className="button" onClick={addDate} style={{ marginBottom: "0.75rem" }}>
              {t("settings.calendar.addHoliday")}
            </button>
          </div>
        </fieldset>
        {notice && <Notice>{notice}</Notice>}
        {saving.error !== null && !allFieldsShown(saving.fieldErrors, FIELDS) && (
          <ProblemAlert error={saving.error} />
        )}
        <div className="form-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={saving.busy || noDays || startAfterEnd || draft.timeZone.trim() === ""}
          >
            {saving.busy ? t("common.saving") : t("settings.calendar.save")}
          </button>
          {dirty && (
            <>
              <button
                type="button"
                className="button"
                onClick={() => {
                  if (saved.data) setDraft(saved.data);
                  saving.setError(null);
                }}
              >
                {t("settings.calendar.discard")}
              </button>
              <span className="muted">{t("settings.calendar.unsaved")}</span>
            </>
          )}
        </div>
      </form>
    </section>
  );
}
