import type { RuleContext } from "./load-context.ts";
import type { Condition } from "./schemas.ts";

function valueAt(context: RuleContext, path: string): unknown {
  let value: unknown = context;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function holds(condition: Condition, actual: unknown): boolean {
  const expected = condition.value;
  switch (condition.op) {
    case "exists":
      return actual !== undefined && actual !== null && actual !== "";
    case "missing":
      return actual === undefined || actual === null || actual === "";
    case "eq":
      return actual === expected;
    case "neq":
      return actual !== expected;
    case "in":
      return Array.isArray(expected) && (expected as unknown[]).includes(actual);
    case "gte":
      return typeof actual === "number" && typeof expected === "number" && actual >= expected;
    case "lte":
      return typeof actual === "number" && typeof expected === "number" && actual <= expected;
    case "contains":
      if (Array.isArray(actual)) return actual.includes(expected);
      return (
        typeof actual === "string" &&
        typeof expected === "string" &&
        actual.toLocaleLowerCase("pt-BR").includes(expected.toLocaleLowerCase("pt-BR"))
      );
  }
}

/** The first condition that does not hold (for the run log), or null when all hold. */
export function failedCondition(conditions: readonly Condition[], context: RuleContext): Condition | null {
  return conditions.find((condition) => !holds(condition, valueAt(context, condition.field))) ?? null;
}

/** Whether the conditions on the event's own data (`event.*`) hold: the rest wait for the evaluation. */
export function eventConditionsHold(conditions: readonly Condition[], data: RuleContext["event"]): boolean {
  return conditions
    .filter((condition) => condition.field.startsWith("event."))
    .every((condition) => holds(condition, valueAt({ event: data } as RuleContext, condition.field)));
}
