import { formatDate } from "../../format.ts";

/** A calendar day (`YYYY-MM-DD`, UTC) in the current language, without a time zone shifting it a day back. */
export function formatDay(day: string): string {
  return formatDate(`${day}T12:00:00Z`);
}
