import type { Transaction } from "kysely";
import type { Deps } from "../deps.ts";
import type { DB } from "../platform/db/schema.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { type AlertTables, DELIVER_ALERT_JOB } from "./schemas.ts";

export interface RaiseAlertInput {
  workspaceId: string;
  /** Dotted `capability.what`, e.g. `enrichment.success-rate`. */
  kind: string;
  /** The message people read (pt-BR first); never personal data. */
  text: string;
  details?: Record<string, unknown>;
  /** No second alert of the same kind within this many minutes. */
  cooldownMinutes: number;
}

/**
 * Records an alert and enqueues its delivery in the same transaction, unless one of the same kind was
 * raised within the cool-down. Returns the new alert's id, or null when it was held back.
 */
export async function raiseAlert(deps: Deps, input: RaiseAlertInput): Promise<string | null> {
  return withTransaction(deps.db, (trx) => raiseAlertIn(trx, deps, input));
}

/**
 * The same inside the caller's transaction: the alert and its delivery job commit (or roll back)
 * with the change that raised it.
 */
export async function raiseAlertIn(
  base: Transaction<DB>,
  deps: Pick<Deps, "clock">,
  input: RaiseAlertInput,
): Promise<string | null> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - input.cooldownMinutes * 60_000);
  const trx = base.withTables<AlertTables>();
  // One raiser at a time per workspace and kind (two workers checking the same rate).
  await trx.selectFrom("workspaces").select("id").where("id", "=", input.workspaceId).forUpdate().execute();
  const recent = await trx
    .selectFrom("alerts")
    .select("id")
    .where("workspace_id", "=", input.workspaceId)
    .where("kind", "=", input.kind)
    .where("raised_at", ">", since)
    .executeTakeFirst();
  if (recent) return null;
  const alert = await trx
    .insertInto("alerts")
    .values({
      workspace_id: input.workspaceId,
      kind: input.kind,
      text: input.text,
      details: JSON.stringify(input.details ?? {}),
      raised_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await enqueue(trx, DELIVER_ALERT_JOB, { alertId: alert.id });
  return alert.id;
}
