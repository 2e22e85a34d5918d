/** A workspace's working time: days of the week, hours, holidays, in one time zone. */
export interface BusinessCalendar {
  timeZone: string;
  /** 0 = Sunday … 6 = Saturday */
  days: number[];
  /** "HH:MM", local */
  start: string;
  end: string;
  /** Local dates off work, "YYYY-MM-DD". */
  holidays: string[];
}

const MINUTE = 60_000;
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

interface LocalDay {
  year: number;
  month: number;
  day: number;
  weekday: number;
  /** Minutes since local midnight of the instant it was read from. */
  minute: number;
}

function localOf(at: Date, timeZone: string): LocalDay {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    weekday: WEEKDAYS[get("weekday")] ?? 0,
    minute: Number(get("hour")) * 60 + Number(get("minute")),
  };
}

/** The instant of local `minute` on a local date (the zone's offset read at that moment). */
function instantOf(
  day: { year: number; month: number; day: number },
  minute: number,
  timeZone: string,
): Date {
  const guess = Date.UTC(day.year, day.month - 1, day.day, 0, minute);
  const seen = localOf(new Date(guess), timeZone);
  const seenUtc = Date.UTC(seen.year, seen.month - 1, seen.day, 0, seen.minute);
  return new Date(guess - (seenUtc - guess));
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const dateKey = (day: { year: number; month: number; day: number }) =>
  `${day.year}-${String(day.month).padStart(2, "0")}-${String(day.day).padStart(2, "0")}`;

/** The business windows [from, to) of each local day from `at`'s day on (at most `maxDays`). */
function* windows(at: Date, calendar: BusinessCalendar, maxDays = 800): Generator<[Date, Date]> {
  const open = minutesOf(calendar.start);
  const close = minutesOf(calendar.end);
  const holidays = new Set(calendar.holidays);
  const first = localOf(at, calendar.timeZone);
  for (let offset = 0; offset < maxDays; offset++) {
    // Noon of the local day `offset` days on: safe from any offset change at midnight.
    const noon = instantOf(first, 12 * 60 + offset * 24 * 60, calendar.timeZone);
    const day = localOf(noon, calendar.timeZone);
    if (!calendar.days.includes(day.weekday) || holidays.has(dateKey(day))) continue;
    yield [instantOf(day, open, calendar.timeZone), instantOf(day, close, calendar.timeZone)];
  }
}

/** `start` plus `minutes` of business time (a start outside hours counts from the next opening). */
export function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar): Date {
  let left = minutes * MINUTE;
  for (const [from, to] of windows(start, calendar)) {
    const begin = Math.max(from.getTime(), start.getTime());
    if (begin >= to.getTime()) continue;
    const available = to.getTime() - begin;
    if (left <= available) return new Date(begin + left);
    left -= available;
  }
  throw new Error("the calendar has no working time ahead");
}

/** Business minutes between two instants (0 when `end` is not after `start`). */
export function businessMinutesBetween(start: Date, end: Date, calendar: BusinessCalendar): number {
  if (end.getTime() <= start.getTime()) return 0;
  let total = 0;
  for (const [from, to] of windows(start, calendar)) {
    if (from.getTime() >= end.getTime()) break;
    const begin = Math.max(from.getTime(), start.getTime());
    const finish = Math.min(to.getTime(), end.getTime());
    if (finish > begin) total += finish - begin;
  }
  return Math.round(total / MINUTE);
}
