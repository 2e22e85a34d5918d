import { sql } from "kysely";
import { workspaceTimeZone } from "../crm/sweep-sla.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { loadContext } from "./load-context.ts";
import { failedCondition } from "./match-conditions.ts";
import { nextCronRun } from "./next-cron-run.ts";
import { planDispatches } from "./plan-dispatches.ts";
import { automationDb, type ScheduleQuery } from "./schemas.ts";

/** One contact a saved query matches, on one subject (its enrollment). */
interface ScheduleMatch {
  contactId: string;
  productId: string;
  subjectKey: string;
  facets: Record<string, string>;
  detail: string;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The saved queries: students of monitored products who bought over 24 h ago and never accessed
 * (access_rescue), and students with no module progress for over 7 days (stalled_students, keyed by the
 * module they are in, so moving on and stalling again is a new match).
 */
async function findScheduleMatches(
  deps: Deps,
  input: { workspaceId: string; query: ScheduleQuery; now: Date },
): Promise<ScheduleMatch[]> {
  if (input.query === "access_rescue") {
    const { rows } = await sql<{
      contact_id: string;
      product_id: string;
      enrollment_id: string;
      product: string;
    }>`
      select e.contact_id, e.product_id, e.id as enrollment_id, p.name as product
      from enrollments e
      join products p on p.id = e.product_id and p.monitoring
      join contacts c on c.id = e.contact_id and c.deleted_at is null and c.merged_into is null
      where e.workspace_id = ${input.workspaceId} and e.first_access_at is null
        and exists (
          select 1 from purchases pu
          where pu.workspace_id = e.workspace_id and pu.contact_id = e.contact_id and pu.product_id = e.product_id
            and pu.status in ('approved', 'complete')
            and coalesce(pu.approved_at, pu.last_event_at) < ${new Date(input.now.getTime() - DAY_MS)}
        )
      order by e.created_at, e.id
    `.execute(deps.db);
    return rows.map((row) => ({
      contactId: row.contact_id,
      productId: row.product_id,
      subjectKey: `enrollment:${row.enrollment_id}`,
      facets: { product: row.product },
      detail: "comprou há mais de 24 h e não acessou",
    }));
  }
  const { rows } = await sql<{
    contact_id: string;
    product_id: string;
    enrollment_id: string;
    product: string;
    modules_completed: number;
  }>`
    select e.contact_id, e.product_id, e.id as enrollment_id, p.name as product, e.modules_completed
    from enrollments e
    join products p on p.id = e.product_id and p.monitoring
    join contacts c on c.id = e.contact_id and c.deleted_at is null and c.merged_into is null
    where e.workspace_id = ${input.workspaceId} and e.first_access_at is not null
      and greatest(
        e.first_access_at,
        (select max((m ->> 'completedAt')::timestamptz) from jsonb_array_elements(e.modules) m)
      ) < ${new Date(input.now.getTime() - 7 * DAY_MS)}
      and not exists (
        select 1 from purchases pu
        where pu.workspace_id = e.workspace_id and pu.contact_id = e.contact_id and pu.product_id = e.product_id
          and pu.status in ('refunded', 'chargeback', 'canceled')
      )
    order by e.created_at, e.id
  `.execute(deps.db);
  return rows.map((row) => {
    const module = `Módulo ${row.modules_completed + 1}`;
    return {
      contactId: row.contact_id,
      productId: row.product_id,
      subjectKey: `enrollment:${row.enrollment_id}:${row.modules_completed}`,
      facets: { product: row.product, module },
      detail: `parado no ${module} há mais de 7 dias`,
    };
  });
}

export interface RunSummary {
  id: string;
  ruleId: string;
  cause: "event" | "schedule" | "manual";
  status: "running" | "done" | "failed";
  matched: number;
  created: number;
  skipped: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/**
 * Runs a scheduled rule over its saved query: contacts that newly match get dispatches (a contact
 * already matching waits until it stops matching before it can enter again), contacts that stopped
 * matching leave, and the run is recorded with its counts.
 */
export async function runScheduledRule(
  deps: Deps,
  input: { workspaceId: string; ruleId: string; cause: "schedule" | "manual" },
): Promise<RunSummary> {
  const db = automationDb(deps.db);
  const rule = await db
    .selectFrom("automation_rules")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where("id", "=", input.ruleId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!rule) throw notFound("Automation rule");
  if (rule.trigger_kind !== "schedule" || !rule.schedule_query || !rule.schedule_cron) {
    throw new AppError(
      "conflict",
      "Only a scheduled rule can be run now; an event rule runs when its event happens",
    );
  }
  const now = deps.clock.now();
  const run = await db
    .insertInto("automation_runs")
    .values({ workspace_id: rule.workspace_id, rule_id: rule.id, cause: input.cause, started_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  let matched = 0;
  let created = 0;
  const skipped: string[] = [];
  try {
    const matches = await findScheduleMatches(deps, {
      workspaceId: rule.workspace_id,
      query: rule.schedule_query,
      now,
    });
    const current = await db
      .selectFrom("automation_matches")
      .select(["contact_id", "subject_key"])
      .where("rule_id", "=", rule.id)
      .execute();
    const key = (contactId: string, subjectKey: string) => `${contactId}|${subjectKey}`;
    const stillMatching = new Set(matches.map((match) => key(match.contactId, match.subjectKey)));
    const left = current.filter((row) => !stillMatching.has(key(row.contact_id, row.subject_key)));
    const already = new Set(current.map((row) => key(row.contact_id, row.subject_key)));
    for (const row of left) {
      await db
        .deleteFrom("automation_matches")
        .where("rule_id", "=", rule.id)
        .where("contact_id", "=", row.contact_id)
        .where("subject_key", "=", row.subject_key)
        .execute();
    }
    const templates: NonNullable<Parameters<typeof planDispatches>[2]["templates"]> = new Map();
    for (const match of matches) {
      if (already.has(key(match.contactId, match.subjectKey))) continue;
      const context = await loadContext(deps, {
        workspaceId: rule.workspace_id,
        contactId: match.contactId,
        productId: match.productId,
        event: { module: match.facets.module ?? null },
      });
      if (!context) continue;
      const failed = failedCondition(rule.conditions, context);
      if (failed) continue;
      matched++;
      await withTransaction(deps.db, async (trx) => {
        const entered = await automationDb(trx)
          .insertInto("automation_matches")
          .values({
            rule_id: rule.id,
            contact_id: match.contactId,
            subject_key: match.subjectKey,
            matched_at: now,
          })
          .onConflict((conflict) => conflict.columns(["rule_id", "contact_id", "subject_key"]).doNothing())
          .returning("rule_id")
          .executeTakeFirst();
        if (!entered) return;
        const outcome = await planDispatches(deps, trx, {
          rule,
          runId: run.id,
          context,
          causeKey: `${match.subjectKey}:${now.toISOString()}`,
          reason: `${rule.name}: ${match.detail}`,
          facets: match.facets,
          templates,
        });
        created += outcome.created;
        skipped.push(...outcome.skipped);
      });
    }
    const timeZone = await workspaceTimeZone(deps, rule.workspace_id);
    await db
      .updateTable("automation_rules")
      .set({ last_run_at: now, next_run_at: nextCronRun(rule.schedule_cron, now, timeZone) })
      .where("id", "=", rule.id)
      .execute();
    const done = await db
      .updateTable("automation_runs")
      .set({
        status: "done",
        matched,
        created,
        skipped: skipped.length,
        error: skipped.length > 0 ? [...new Set(skipped)].join("; ").slice(0, 500) : null,
        finished_at: deps.clock.now(),
      })
      .where("id", "=", run.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return runView(done);
  } catch (error) {
    await db
      .updateTable("automation_runs")
      .set({ status: "failed", matched, created, error: "the run failed", finished_at: deps.clock.now() })
      .where("id", "=", run.id)
      .execute();
    throw error;
  }
}

export function runView(row: {
  id: string;
  rule_id: string;
  cause: "event" | "schedule" | "manual";
  status: "running" | "done" | "failed";
  matched: number;
  created: number;
  skipped: number;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}): RunSummary {
  return {
    id: row.id,
    ruleId: row.rule_id,
    cause: row.cause,
    status: row.status,
    matched: row.matched,
    created: row.created,
    skipped: row.skipped,
    error: row.error,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** Runs every scheduled rule that is due (each claimed, so two schedulers never run one twice). */
export async function runDueRules(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const due = await automationDb(deps.db)
    .selectFrom("automation_rules")
    .select(["id", "workspace_id"])
    .where("trigger_kind", "=", "schedule")
    .where("enabled", "=", true)
    .where("deleted_at", "is", null)
    .where("next_run_at", "<=", now)
    .execute();
  let ran = 0;
  for (const rule of due) {
    // Claim: push next_run_at past now; the loser of a race updates nothing.
    const claimed = await automationDb(deps.db)
      .updateTable("automation_rules")
      .set({ next_run_at: new Date(now.getTime() + 60_000) })
      .where("id", "=", rule.id)
      .where("next_run_at", "<=", now)
      .returning("id")
      .executeTakeFirst();
    if (!claimed) continue;
    await runScheduledRule(deps, { workspaceId: rule.workspace_id, ruleId: rule.id, cause: "schedule" });
    ran++;
  }
  return ran;
}
