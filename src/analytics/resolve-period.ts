import { sql } from "kysely";
import { workspaceTimeZone } from "../crm/sweep-sla.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import type { Period } from "./dashboard-schemas.ts";

const DAY_MS = 86_400_000;
/** The longest period a dashboard answers for (a year and a day). */
export const MAX_PERIOD_DAYS = 366;
export const DEFAULT_PERIOD_DAYS = 30;

/** The local day (YYYY-MM-DD) of `at` in `timeZone`. */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

/** `day` plus `days` (calendar arithmetic, no time zone involved). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * The dashboard's period: whole days in the workspace's time zone, `to` included (default: the last 30
 * days, today included), and the instants it spans, converted by PostgreSQL (`at time zone`, so
 * daylight-saving changes are PostgreSQL's to know). 400 when it ends before it starts or spans more
 * than a year.
 */
export async function resolvePeriod(
  deps: Pick<Deps, "db" | "clock">,
  input: { workspaceId: string; from?: string | undefined; to?: string | undefined },
): Promise<Period & { today: string }> {
  const timeZone = await workspaceTimeZone(deps, input.workspaceId);
  const today = localDay(deps.clock.now(), timeZone);
  const to = input.to ?? (input.from && input.from > today ? input.from : today);
  const from = input.from ?? addDays(to, -(DEFAULT_PERIOD_DAYS - 1));
  if (from > to) {
    throw new AppError("invalid_input", "The period ends before it starts", [
      { field: "querystring.to", message: "on or after from" },
    ]);
  }
  const span = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (span > MAX_PERIOD_DAYS) {
    throw new AppError("invalid_input", `A period spans at most ${MAX_PERIOD_DAYS} days`, [
      { field: "querystring.from", message: `at most ${MAX_PERIOD_DAYS} days before to` },
    ]);
  }
  const { rows } = await sql<{ start: Date; end: Date }>`
    select (${from}::date::timestamp at time zone ${timeZone}::text) as start,
           ((${to}::date + 1)::timestamp at time zone ${timeZone}::text) as "end"
  `.execute(deps.db);
  const row = rows[0];
  if (!row) throw new Error("resolvePeriod: no row");
  return {
    from,
    to,
    timeZone,
    start: new Date(row.start).toISOString(),
    end: new Date(row.end).toISOString(),
    days: daysBetween(from, to),
    today,
  };
}
