import type { Role } from "../../../auth/schemas.ts";

// Pure helpers of the Configurações pages (no React, no i18n state: tested in settings-format.test.ts).

export type SettingsTab = "sla" | "team" | "audit";

/** The roles in the order the app lists them (the server's `ROLES`, without importing zod into the bundle). */
export const ROLE_ORDER = [
  "admin",
  "manager",
  "sales",
  "cs",
  "viewer",
  "client",
] as const satisfies readonly Role[];

/** Configurações is for admins and managers: both may change the calendar and the SLA and read the audit. */
export function canOpenSettings(role: string | null | undefined): boolean {
  return role === "admin" || role === "manager";
}

/** Members and API keys are admin-only on the server (403 for a manager), so only admins see "Equipe". */
export function settingsTabsFor(role: string | null | undefined): SettingsTab[] {
  if (role === "admin") return ["sla", "team", "audit"];
  if (role === "manager") return ["sla", "audit"];
  return [];
}

/** The tab a route segment names, or the first one the role may see (null: none). */
export function pickSettingsTab(
  segment: string | undefined,
  role: string | null | undefined,
): SettingsTab | null {
  const tabs = settingsTabsFor(role);
  const wanted = tabs.find((tab) => tab === segment);
  return wanted ?? tabs[0] ?? null;
}

/** Monday first, as a Brazilian week is read; the values are the server's 0 = Sunday … 6 = Saturday. */
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;

/** `days` with `day` switched on or off, sorted and without repeats. */
export function toggleDay(days: readonly number[], day: number): number[] {
  const set = new Set(days);
  if (set.has(day)) set.delete(day);
  else set.add(day);
  return [...set].sort((a, b) => a - b);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isDateOnly(value: string): boolean {
  if (!DATE_ONLY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** `holidays` with `date` added, sorted and without repeats; an invalid date changes nothing. */
export function addHoliday(holidays: readonly string[], date: string): string[] {
  if (!isDateOnly(date)) return [...holidays];
  return [...new Set([...holidays, date])].sort();
}

export function removeHoliday(holidays: readonly string[], date: string): string[] {
  return holidays.filter((item) => item !== date);
}

/**
 * A local date ("2026-12-25") for people, e.g. 25/12/2026. It is a calendar day, not an instant, so it is
 * formatted in UTC: in São Paulo, `new Date("2026-12-25")` would print the 24th.
 */
export function formatDateOnly(value: string, language: string): string {
  if (!isDateOnly(value)) return value;
  return new Intl.DateTimeFormat(language, { dateStyle: "short", timeZone: "UTC" }).format(
    new Date(`${value}T00:00:00Z`),
  );
}

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** The weekday of a YYYY-MM-DD date (0 = Sunday), or null. */
export function weekdayOf(value: string): Weekday | null {
  return isDateOnly(value) ? (new Date(`${value}T00:00:00Z`).getUTCDay() as Weekday) : null;
}

/** Business minutes as "45 min", "2 h", "1 h 30 min". */
export function formatMinutes(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes < 60) return `${Math.max(0, Math.round(minutes))} min`;
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes - hours * 60);
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

export interface FieldMessage {
  field: string;
  message: string;
}

/**
 * A problem's field errors by the field's first name: "body.end" → "end", "body.holidays.3" → "holidays",
 * "password" → "password". The first message of a field wins.
 */
export function fieldMessages(errors: readonly FieldMessage[]): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const item of errors) {
    const name = item.field.replace(/^(body|querystring|params)\./, "").split(".")[0] ?? item.field;
    if (!(name in byField)) byField[name] = item.message;
  }
  return byField;
}

/** Whether every field error of a problem has a place in the form (then no separate list is needed). */
export function allFieldsShown(errors: readonly FieldMessage[], shown: readonly string[]): boolean {
  return errors.length > 0 && Object.keys(fieldMessages(errors)).every((name) => shown.includes(name));
}

/**
 * The audit's `since` / `until` for a day range picked in local dates: from the start of `from` to the
 * start of the day after `to` (so "até 31/01" includes the 31st). Empty or invalid dates give undefined.
 */
export function dayRangeQuery(from: string, to: string): { since?: string; until?: string } {
  const range: { since?: string; until?: string } = {};
  if (isDateOnly(from)) range.since = new Date(`${from}T00:00:00`).toISOString();
  if (isDateOnly(to)) {
    const end = new Date(`${to}T00:00:00`);
    end.setDate(end.getDate() + 1);
    range.until = end.toISOString();
  }
  return range;
}

/** A long audit value cut to `max` characters with an ellipsis. */
export function truncate(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Fields of an audit entry that say nothing to people (the record's own id, its timestamps). */
const NOISE_FIELDS = new Set(["id", "createdAt", "updatedAt", "created_at", "updated_at"]);

/** The changes worth showing in a compact diff. */
export function withoutNoise<T extends { field: string }>(changes: readonly T[]): T[] {
  return changes.filter((change) => !NOISE_FIELDS.has(change.field));
}

/** The first `limit` items and how many were left out. */
export function firstOf<T>(items: readonly T[], limit: number): { shown: T[]; hidden: number } {
  return { shown: items.slice(0, limit), hidden: Math.max(0, items.length - limit) };
}

/** "3f2a9c1e" from a UUID (the rest in a title). */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}
