import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { loadContext } from "./load-context.ts";
import { failedCondition } from "./match-conditions.ts";
import { planDispatches } from "./plan-dispatches.ts";
import { type AutomationEventInput, automationDb } from "./schemas.ts";

/**
 * Runs every enabled rule listening to `event` for its contact: one run per rule and event (a repeat
 * finds the run and stops), conditions checked on the contact's current state, dispatches planned.
 */
export async function evaluateEvent(deps: Deps, event: AutomationEventInput): Promise<void> {
  const db = automationDb(deps.db);
  const rules = await db
    .selectFrom("automation_rules")
    .select(["id", "workspace_id", "name", "mode", "conditions", "actions"])
    .where("workspace_id", "=", event.workspaceId)
    .where("trigger_kind", "=", "event")
    .where("trigger_event", "=", event.event)
    .where("enabled", "=", true)
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .execute();
  if (rules.length === 0) return;
  const productId = typeof event.data.productId === "string" ? event.data.productId : null;
  const context = await loadContext(deps, {
    workspaceId: event.workspaceId,
    contactId: event.contactId,
    productId,
    event: event.data,
  });
  for (const rule of rules) {
    await withTransaction(deps.db, async (trx) => {
      const tdb = automationDb(trx);
      const now = deps.clock.now();
      const run = await tdb
        .insertInto("automation_runs")
        .values({
          workspace_id: event.workspaceId,
          rule_id: rule.id,
          cause: "event",
          event_key: event.key,
          started_at: now,
        })
        .onConflict((conflict) =>
          conflict.columns(["rule_id", "event_key"]).where("event_key", "is not", null).doNothing(),
        )
        .returning("id")
        .executeTakeFirst();
      if (!run) return;
      const failed = context ? failedCondition(rule.conditions, context) : null;
      const outcome =
        context && !failed
          ? await planDispatches(deps, trx, {
              rule,
              runId: run.id,
              context,
              causeKey: event.key,
              reason: rule.name,
              facets: {
                ...(context.product ? { product: context.product.name } : {}),
                ...(typeof event.data.module === "string" ? { module: event.data.module } : {}),
              },
            })
          : { created: 0, skipped: [context ? `condition ${failed?.field} ${failed?.op}` : "contact gone"] };
      await tdb
        .updateTable("automation_runs")
        .set({
          status: "done",
          matched: context && !failed ? 1 : 0,
          created: outcome.created,
          skipped: outcome.skipped.length,
          error: outcome.skipped.length > 0 ? outcome.skipped.join("; ").slice(0, 500) : null,
          finished_at: now,
        })
        .where("id", "=", run.id)
        .execute();
      await tdb.updateTable("automation_rules").set({ last_run_at: now }).where("id", "=", rule.id).execute();
    });
  }
}
