import cronParser from "cron-parser";

/** The first moment after `after` that `cron` names, read in `timeZone` (e.g. 09:00 in São Paulo). */
export function nextCronRun(cron: string, after: Date, timeZone: string): Date {
  return cronParser.parseExpression(cron, { currentDate: after, tz: timeZone }).next().toDate();
}

/** Whether `cron` is a valid five-field expression. */
export function isValidCron(cron: string): boolean {
  if (cron.trim().split(/\s+/).length !== 5) return false;
  try {
    cronParser.parseExpression(cron);
    return true;
  } catch {
    return false;
  }
}
