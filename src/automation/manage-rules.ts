import type { Selectable } from "kysely";
import { sql } from "kysely";
import { diffFields, recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import { workspaceTimeZone } from "../crm/sweep-sla.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { decodeTimeCursor, pageOf } from "../platform/http/cursor.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { isValidCron, nextCronRun } from "./next-cron-run.ts";
import { type RunSummary, runView } from "./run-scheduled-rule.ts";
import {
  type Action,
  type AutomationTables,
  automationDb,
  type Condition,
  type UpdateRuleInput,
} from "./schemas.ts";
import { BUILTIN_RULES } from "./seed-builtin-rules.ts";

export interface RuleView {
  id: string;
  name: string;
  /** The event it starts from, or "schedule". */
  trigger: string;
  schedule: { query: string; cron: string } | null;
  builtin: string | null;
  mode: "suggest" | "auto";
  enabled: boolean;
  conditions: Condition[];
  actions: Action[];
  lastRunAt: string | null;
  nextRunAt: string | null;
  pending: number;
}

type RuleRow = Selectable<AutomationTables["automation_rules"]>;

function ruleView(row: RuleRow, pending: number): RuleView {
  return {
    id: row.id,
    name: row.name,
    trigger: row.trigger_kind === "event" ? (row.trigger_event ?? "event") : "schedule",
    schedule:
      row.schedule_query && row.schedule_cron ? { query: row.schedule_query, cron: row.schedule_cron } : null,
    builtin: row.builtin,
    mode: row.mode,
    enabled: row.enabled,
    conditions: row.conditions,
    actions: row.actions,
    lastRunAt: row.last_run_at?.toISOString() ?? null,
    nextRunAt: row.next_run_at?.toISOString() ?? null,
    pending,
  };
}

async function pendingCounts(deps: Deps, workspaceId: string): Promise<Map<string, number>> {
  const { rows } = await sql<{ rule_id: string; pending: number }>`
    select rule_id, count(*)::int as pending from dispatches
    where workspace_id = ${workspaceId} and status = 'pending' and rule_id is not null
    group by rule_id
  `.execute(deps.db);
  return new Map(rows.map((row) => [row.rule_id, row.pending]));
}

/** The workspace's rules, built-in first, each with how many of its dispatches wait for review. */
export async function listRules(deps: Deps, input: { workspaceId: string }): Promise<{ items: RuleView[] }> {
  const rows = await automationDb(deps.db)
    .selectFrom("automation_rules")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where("deleted_at", "is", null)
    .orderBy(
      sql`array_position(${sql.val(BUILTIN_RULES.map((rule) => rule.builtin))}::text[], builtin) nulls last`,
    )
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const pending = await pendingCounts(deps, input.workspaceId);
  return { items: rows.map((row) => ruleView(row, pending.get(row.id) ?? 0)) };
}

export async function getRule(deps: Deps, input: { workspaceId: string; ruleId: string }): Promise<RuleView> {
  const row = await automationDb(deps.db)
    .selectFrom("automation_rules")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where("id", "=", input.ruleId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) throw notFound("Automation rule");
  const pending = await pendingCounts(deps, input.workspaceId);
  return ruleView(row, pending.get(row.id) ?? 0);
}

/** Changes a rule's mode, switch, name, conditions, actions or schedule; audited with before/after. */
export async function updateRule(
  deps: Deps,
  input: { workspaceId: string; ruleId: string; actor: Actor; change: UpdateRuleInput },
): Promise<RuleView> {
  const { change } = input;
  if (change.scheduleCron !== undefined && !isValidCron(change.scheduleCron)) {
    throw new AppError("invalid_input", "The schedule is not a cron expression", [
      { field: "scheduleCron", message: "five fields, e.g. 0 9 * * 1" },
    ]);
  }
  const timeZone = await workspaceTimeZone(deps, input.workspaceId);
  const row = await withTransaction(deps.db, async (trx) => {
    const db = automationDb(trx);
    const before = await db
      .selectFrom("automation_rules")
      .selectAll()
      .where("workspace_id", "=", input.workspaceId)
      .where("id", "=", input.ruleId)
      .where("deleted_at", "is", null)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw notFound("Automation rule");
    if (change.scheduleCron !== undefined && before.trigger_kind !== "schedule") {
      throw new AppError("invalid_input", "Only a scheduled rule has a schedule", [
        { field: "scheduleCron", message: "this rule starts from an event" },
      ]);
    }
    const now = deps.clock.now();
    const cron = change.scheduleCron ?? before.schedule_cron;
    const enabled = change.enabled ?? before.enabled;
    const after = await db
      .updateTable("automation_rules")
      .set({
        ...(change.mode !== undefined ? { mode: change.mode } : {}),
        ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.conditions !== undefined ? { conditions: JSON.stringify(change.conditions) } : {}),
        ...(change.actions !== undefined ? { actions: JSON.stringify(change.actions) } : {}),
        ...(change.scheduleCron !== undefined ? { schedule_cron: change.scheduleCron } : {}),
        // A schedule switched on (or changed) runs at its next time, not at once for missed ones.
        ...(before.trigger_kind === "schedule" &&
        cron &&
        (change.scheduleCron !== undefined || (enabled && !before.enabled))
          ? { next_run_at: nextCronRun(cron, now, timeZone) }
          : {}),
        updated_at: now,
      })
      .where("id", "=", before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const pick = (rule: RuleRow) => ({
      mode: rule.mode,
      enabled: rule.enabled,
      name: rule.name,
      conditions: rule.conditions,
      actions: rule.actions,
      scheduleCron: rule.schedule_cron,
    });
    const diff = diffFields(pick(before), pick(after));
    if (diff) {
      await recordAudit(trx, {
        workspaceId: input.workspaceId,
        entityType: "automation_rule",
        entityId: before.id,
        action: "automation_rule.updated",
        actor: input.actor,
        before: diff.before,
        after: diff.after,
        at: now,
      });
    }
    return after;
  });
  const pending = await pendingCounts(deps, input.workspaceId);
  return ruleView(row, pending.get(row.id) ?? 0);
}

/** A rule's run history, newest first. */
export async function listRuns(
  deps: Deps,
  input: { workspaceId: string; ruleId: string; cursor?: string; limit: number },
): Promise<{ items: RunSummary[]; nextCursor: string | null }> {
  await getRule(deps, input);
  const after = decodeTimeCursor(input.cursor);
  const rows = await automationDb(deps.db)
    .selectFrom("automation_runs")
    .selectAll()
    .where("rule_id", "=", input.ruleId)
    .where("workspace_id", "=", input.workspaceId)
    .$if(after !== null, (query) =>
      query.where(sql<boolean>`(started_at, id) < (${after?.at}, ${after?.id}::uuid)`),
    )
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .limit(input.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.started_at);
  return { items: page.map(runView), nextCursor };
}
