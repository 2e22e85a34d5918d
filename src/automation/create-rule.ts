import { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import { workspaceTimeZone } from "../crm/sweep-sla.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { getRule, type RuleView } from "./manage-rules.ts";
import { isValidCron, nextCronRun } from "./next-cron-run.ts";
import {
  ActionSchema,
  AUTOMATION_EVENTS,
  automationDb,
  ConditionSchema,
  SCHEDULE_QUERIES,
} from "./schemas.ts";

/** A rule a person makes: an event or a schedule over a saved query, conditions, actions. */
export const CreateRuleSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    trigger: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("event"), event: z.enum(AUTOMATION_EVENTS) }).strict(),
      z
        .object({
          kind: z.literal("schedule"),
          query: z.enum(SCHEDULE_QUERIES),
          cron: z.string().trim().min(9).max(100),
        })
        .strict(),
    ]),
    conditions: z.array(ConditionSchema).max(20).default([]),
    actions: z.array(ActionSchema).min(1).max(10),
    mode: z.enum(["suggest", "auto"]).default("suggest"),
    enabled: z.boolean().default(true),
  })
  .strict();

export async function createRule(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; rule: z.infer<typeof CreateRuleSchema> },
): Promise<RuleView> {
  const { rule } = input;
  if (rule.trigger.kind === "schedule" && !isValidCron(rule.trigger.cron)) {
    throw new AppError("invalid_input", "The schedule is not a cron expression", [
      { field: "trigger.cron", message: "five fields, e.g. 0 9 * * 1" },
    ]);
  }
  const now = deps.clock.now();
  const timeZone = await workspaceTimeZone(deps, input.workspaceId);
  const id = await withTransaction(deps.db, async (trx) => {
    const created = await automationDb(trx)
      .insertInto("automation_rules")
      .values({
        workspace_id: input.workspaceId,
        name: rule.name,
        trigger_kind: rule.trigger.kind,
        trigger_event: rule.trigger.kind === "event" ? rule.trigger.event : null,
        schedule_query: rule.trigger.kind === "schedule" ? rule.trigger.query : null,
        schedule_cron: rule.trigger.kind === "schedule" ? rule.trigger.cron : null,
        next_run_at: rule.trigger.kind === "schedule" ? nextCronRun(rule.trigger.cron, now, timeZone) : null,
        conditions: JSON.stringify(rule.conditions),
        actions: JSON.stringify(rule.actions),
        mode: rule.mode,
        enabled: rule.enabled,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "automation_rule",
      entityId: created.id,
      action: "automation_rule.created",
      actor: input.actor,
      before: null,
      after: { name: rule.name, trigger: rule.trigger, mode: rule.mode, enabled: rule.enabled },
      at: now,
    });
    return created.id;
  });
  return getRule(deps, { workspaceId: input.workspaceId, ruleId: id });
}

/** Deletes a rule a person made (soft: its runs and dispatches keep their history); built-ins are switched off instead. */
export async function deleteRule(
  deps: Deps,
  input: { workspaceId: string; ruleId: string; actor: Actor },
): Promise<void> {
  const now = deps.clock.now();
  await withTransaction(deps.db, async (trx) => {
    const db = automationDb(trx);
    const rule = await db
      .selectFrom("automation_rules")
      .select(["id", "builtin", "name"])
      .where("workspace_id", "=", input.workspaceId)
      .where("id", "=", input.ruleId)
      .where("deleted_at", "is", null)
      .forUpdate()
      .executeTakeFirst();
    if (!rule) throw notFound("Automation rule");
    if (rule.builtin) {
      throw new AppError("conflict", "A built-in rule cannot be deleted; switch it off instead");
    }
    await db
      .updateTable("automation_rules")
      .set({ deleted_at: now, enabled: false, updated_at: now })
      .where("id", "=", rule.id)
      .execute();
    // What it suggested and nobody decided goes with it.
    await db
      .updateTable("dispatches")
      .set({ status: "expired", updated_at: now })
      .where("rule_id", "=", rule.id)
      .where("status", "=", "pending")
      .execute();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "automation_rule",
      entityId: rule.id,
      action: "automation_rule.deleted",
      actor: input.actor,
      before: { name: rule.name },
      after: null,
      at: now,
    });
  });
}
