import { sql } from "kysely";
import { workspaceTimeZone } from "../../crm/sweep-sla.ts";
import type { Deps } from "../../deps.ts";
import { AppError } from "../../platform/http/errors.ts";

/**
 * When the person bought the product: the first approval among their purchases of it (the vendor's
 * time), null when the enrollment came from a members-area event alone; `e` is the enrollments row.
 */
export function purchasedAtSql() {
  return sql<Date | null>`(
    select min(coalesce(pu.approved_at, pu.last_event_at)) from purchases pu
    where pu.workspace_id = e.workspace_id and pu.contact_id = e.contact_id and pu.product_id = e.product_id
      and (pu.approved_at is not null or pu.status in ('approved', 'complete'))
  )`;
}

/**
 * When an enrollment began: its purchase (purchasedAtSql), else when Funil recorded it. Cohort ranges
 * and the access KPIs' ranges read it.
 */
export function enrolledAtSql() {
  return sql<Date>`coalesce(${purchasedAtSql()}, e.created_at)`;
}

/** How far `timeZone` is ahead of UTC at `at`, in ms. */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const local = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return local - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a local date (YYYY-MM-DD) starts in `timeZone`, `addDays` later. */
function startOfLocalDay(date: string, timeZone: string, addDays = 0): Date {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(year, month - 1, day + addDays);
  const first = midnightUtc - zoneOffsetMs(new Date(midnightUtc), timeZone);
  // Read the offset again at the guessed instant (a change of offset between the two).
  return new Date(midnightUtc - zoneOffsetMs(new Date(first), timeZone));
}

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/**
 * A range [from, to) of instants: a date is a whole day in the workspace's time zone (`to` included),
 * an instant is taken as given (`to` excluded). 400 when it ends before it starts.
 */
export async function resolveRange(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; from?: string | undefined; to?: string | undefined },
): Promise<{ from: Date | null; to: Date | null }> {
  const needsZone = [input.from, input.to].some((value) => value !== undefined && isDate(value));
  const timeZone = needsZone ? await workspaceTimeZone(deps, input.workspaceId) : "UTC";
  const from =
    input.from === undefined
      ? null
      : isDate(input.from)
        ? startOfLocalDay(input.from, timeZone)
        : new Date(input.from);
  const to =
    input.to === undefined
      ? null
      : isDate(input.to)
        ? startOfLocalDay(input.to, timeZone, 1)
        : new Date(input.to);
  if (from && to && from.getTime() >= to.getTime()) {
    throw new AppError("invalid_input", "The range ends before it starts", [
      { field: "to", message: "after from" },
    ]);
  }
  return { from, to };
}
