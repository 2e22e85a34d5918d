import type { Kysely, OperationNodeSource, Transaction } from "kysely";
import { insertJsonRows } from "../platform/db/one-statement.ts";
import type { DB } from "../platform/db/schema.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { listeningRules } from "./load-context.ts";
import { eventConditionsHold } from "./match-conditions.ts";
import { type AutomationEventInput, EVALUATE_EVENT_JOB } from "./schemas.ts";

/**
 * Queues the evaluation of the workspace's rules for an event, in the transaction of the change the
 * event names (so it exists if and only if that committed). Nothing is queued when no enabled rule
 * listens, or when the rules' conditions on the event's data (`event.temperature`…) rule it out; the
 * job is keyed by the event's key, so emitting twice evaluates once.
 */
export async function emitAutomationEvent(
  trx: Kysely<DB> | Transaction<DB>,
  event: AutomationEventInput,
): Promise<void> {
  const rules = await listeningRules(trx, { workspaceIds: [event.workspaceId], events: [event.event] });
  if (!rules.some((rule) => eventConditionsHold(rule.conditions, event.data))) return;
  await enqueue(trx, EVALUATE_EVENT_JOB, { ...event }, `automation:${event.workspaceId}:${event.key}`);
}

/**
 * The same for many events, as statements to run with the change (platform/db/one-statement.ts): one
 * query finds which workspaces listen to which events, and one insert queues the evaluations of the
 * events someone listens to. No statement when nobody does (the intake's hot path stays as it is).
 */
export async function automationEventWrites(
  db: Kysely<DB> | Transaction<DB>,
  events: AutomationEventInput[],
): Promise<OperationNodeSource[]> {
  if (events.length === 0) return [];
  const rules = await listeningRules(db, {
    workspaceIds: [...new Set(events.map((event) => event.workspaceId))],
    events: [...new Set(events.map((event) => event.event))],
  });
  if (rules.length === 0) return [];
  const queued = events
    .filter((event) =>
      rules.some(
        (rule) =>
          rule.workspaceId === event.workspaceId &&
          rule.event === event.event &&
          eventConditionsHold(rule.conditions, event.data),
      ),
    )
    .map((event) => ({
      queue: EVALUATE_EVENT_JOB,
      payload: event,
      singleton_key: `automation:${event.workspaceId}:${event.key}`,
    }));
  return queued.length === 0
    ? []
    : [insertJsonRows("outbox", { queue: "text", payload: "jsonb", singleton_key: "text" }, queued)];
}
