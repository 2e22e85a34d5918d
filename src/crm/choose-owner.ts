import type { AssignmentStrategy, WorkingHours } from "./schemas.ts";

export interface RuleForChoice {
  strategy: AssignmentStrategy;
  ownerIds: string[];
  maxOpenDeals: number | null;
  cursor: number;
}

export type Choice =
  | { ownerId: string; cursor: number; reason: string }
  | { ownerId: null; cursor: number; reason: string };

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Whether `at` falls in the working hours (weekday and HH:MM in their time zone; end excluded). */
export function isWithinWorkingHours(hours: WorkingHours, at: Date): boolean {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: hours.timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? "";
  const day = WEEKDAYS[part("weekday")];
  const time = `${part("hour")}:${part("minute")}`;
  return day !== undefined && hours.days.includes(day) && time >= hours.start && time < hours.end;
}

/**
 * Who gets the next deal under one rule. Owners at their cap of open deals (or no longer members)
 * are skipped. Round-robin takes the next owner after the cursor; least-loaded the one with the
 * fewest open deals (ties in rotation order). The cursor moves past whoever was chosen. Nobody
 * below the cap → no owner (the next rule may have one).
 */
export function chooseOwner(input: {
  rule: RuleForChoice;
  /** Open deals per owner now (missing: none). */
  loads: Map<string, number>;
  /** Owners who may own deals (members of the workspace, not viewers). */
  members: Set<string>;
}): Choice {
  const { rule, loads } = input;
  const pool = rule.ownerIds;
  const start = pool.length === 0 ? 0 : ((rule.cursor % pool.length) + pool.length) % pool.length;
  const rotation = pool.map((_, offset) => (start + offset) % pool.length);
  const load = (ownerId: string) => loads.get(ownerId) ?? 0;
  const belowCap = rotation.filter((index) => {
    const ownerId = pool[index];
    return (
      ownerId !== undefined &&
      input.members.has(ownerId) &&
      (rule.maxOpenDeals === null || load(ownerId) < rule.maxOpenDeals)
    );
  });
  if (belowCap.length === 0) {
    return {
      ownerId: null,
      cursor: start,
      reason: pool.length === 0 ? "the rule names no owner" : "every owner is at the cap of open deals",
    };
  }
  let chosen = belowCap[0] as number;
  if (rule.strategy === "least_loaded") {
    for (const index of belowCap) {
      if (load(pool[index] as string) < load(pool[chosen] as string)) chosen = index;
    }
  }
  const ownerId = pool[chosen] as string;
  const how =
    rule.strategy === "round_robin" ? "next in the rotation" : `fewest open deals (${load(ownerId)})`;
  return { ownerId, cursor: (chosen + 1) % pool.length, reason: how };
}
