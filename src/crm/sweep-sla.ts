import { sql } from "kysely";
import { raiseAlert } from "../alerts/raise-alert.ts";
import type { Deps } from "../deps.ts";
import { addBusinessMinutes, type BusinessCalendar } from "./business-time.ts";
import { crmDb } from "./schemas.ts";

const START_BATCH = 1_000;

export const DEFAULT_CALENDAR: BusinessCalendar = {
  timeZone: "America/Sao_Paulo",
  days: [1, 2, 3, 4, 5],
  start: "09:00",
  end: "18:00",
  holidays: [],
};

/** The workspace's time zone (its business calendar's), for schedules, quiet hours and day buckets. */
export async function workspaceTimeZone(deps: Pick<Deps, "db">, workspaceId: string): Promise<string> {
  return (await loadCalendar(deps, workspaceId)).timeZone;
}

export async function loadCalendar(deps: Pick<Deps, "db">, workspaceId: string): Promise<BusinessCalendar> {
  const row = await crmDb(deps.db)
    .selectFrom("business_calendars")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .executeTakeFirst();
  return row
    ? {
        timeZone: row.time_zone,
        days: row.days,
        start: row.start_time,
        end: row.end_time,
        holidays: row.holidays,
      }
    : DEFAULT_CALENDAR;
}

interface PolicyRow {
  id: string;
  source: string | null;
  pipeline_id: string | null;
  target_minutes: number;
  created_at: Date;
}

/**
 * Which target covers a lead: a policy of a pipeline the lead has a deal in (and of its source, when
 * the policy names one too), then a policy of its first source, then the workspace fallback.
 */
export function policyChooser<P extends PolicyRow>(policies: P[]) {
  const ofPipelines = policies.filter((policy) => policy.pipeline_id !== null);
  const bySource = new Map(
    policies.flatMap((policy) =>
      policy.source && policy.pipeline_id === null ? [[policy.source, policy] as const] : [],
    ),
  );
  const fallback = policies.find((policy) => policy.source === null && policy.pipeline_id === null) ?? null;
  const choose = (source: string | null, pipelineIds: string[]): P | null => {
    for (const pipelineId of pipelineIds) {
      const matches = ofPipelines.filter((policy) => policy.pipeline_id === pipelineId);
      const match =
        matches.find((policy) => policy.source !== null && policy.source === source) ??
        matches.find((policy) => policy.source === null);
      if (match) return match;
    }
    return (source ? bySource.get(source) : undefined) ?? fallback;
  };
  return Object.assign(choose, {
    pipelineIds: [...new Set(ofPipelines.map((policy) => policy.pipeline_id as string))],
  });
}

/** For each contact, the pipelines (among `pipelineIds`) of its live deals, oldest deal first. */
async function dealPipelines(
  deps: Deps,
  workspaceId: string,
  contactIds: string[],
  pipelineIds: string[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (contactIds.length === 0 || pipelineIds.length === 0) return found;
  const rows = await crmDb(deps.db)
    .selectFrom("deals")
    .select(["contact_id", "pipeline_id"])
    .where("workspace_id", "=", workspaceId)
    .where("contact_id", "in", contactIds)
    .where("pipeline_id", "in", pipelineIds)
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .execute();
  for (const row of rows) found.set(row.contact_id, [...(found.get(row.contact_id) ?? []), row.pipeline_id]);
  return found;
}

/**
 * One pass of the first-response SLA, safe to run twice: starts a timer for each new lead a policy
 * covers (due after the target in business time), closes timers whose lead got an outbound
 * interaction (met, or breached when it came late), and marks overdue ones breached — raising an
 * alert once per breach and escalating it to a manager.
 */
export async function sweepSla(deps: Deps, input: { workspaceId?: string } = {}) {
  const db = crmDb(deps.db);
  const now = deps.clock.now();
  let workspaces = db
    .selectFrom("sla_policies")
    .select("workspace_id")
    .distinct()
    .where("enabled", "=", true);
  if (input.workspaceId) workspaces = workspaces.where("workspace_id", "=", input.workspaceId);
  const counts = { started: 0, met: 0, breached: 0 };
  for (const { workspace_id: workspaceId } of await workspaces.execute()) {
    const calendar = await loadCalendar(deps, workspaceId);
    const policies = await db
      .selectFrom("sla_policies")
      .selectAll()
      .where("workspace_id", "=", workspaceId)
      .where("enabled", "=", true)
      .orderBy("created_at")
      .execute();
    const choosePolicy = policyChooser(policies);
    const since = new Date(Math.min(...policies.map((policy) => policy.created_at.getTime())));

    // 1. New leads since the policies exist, with no timer yet.
    const fresh = await db
      .selectFrom("contacts as c")
      .select(["c.id", "c.first_source", "c.created_at", "c.owner_id"])
      .where("c.workspace_id", "=", workspaceId)
      .where("c.deleted_at", "is", null)
      .where("c.merged_into", "is", null)
      .where("c.created_at", ">=", since)
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom("sla_timers as s").select("s.id").whereRef("s.contact_id", "=", "c.id")),
        ),
      )
      .orderBy("c.created_at")
      .limit(START_BATCH)
      .execute();
    const pipelinesOf = await dealPipelines(
      deps,
      workspaceId,
      fresh.map((contact) => contact.id),
      choosePolicy.pipelineIds,
    );
    const timers = fresh.flatMap((contact) => {
      const policy = choosePolicy(contact.first_source, pipelinesOf.get(contact.id) ?? []);
      if (!policy || contact.created_at < policy.created_at) return [];
      return [
        {
          workspace_id: workspaceId,
          contact_id: contact.id,
          policy_id: policy.id,
          target_minutes: policy.target_minutes,
          started_at: contact.created_at,
          due_at: addBusinessMinutes(contact.created_at, policy.target_minutes, calendar),
          owner_id: contact.owner_id,
          created_at: now,
        },
      ];
    });
    if (timers.length > 0) {
      const inserted = await db
        .insertInto("sla_timers")
        .values(timers)
        .onConflict((oc) => oc.column("contact_id").doNothing())
        .returning("id")
        .execute();
      counts.started += inserted.length;
    }

    // 1b. A running timer under a source or fallback target moves to its pipeline's target once the
    // lead has a deal there (deals often come a little after the lead).
    if (choosePolicy.pipelineIds.length > 0) {
      const running = await db
        .selectFrom("sla_timers as s")
        .innerJoin("contacts as c", "c.id", "s.contact_id")
        .leftJoin("sla_policies as p", "p.id", "s.policy_id")
        .select(["s.id", "s.contact_id", "s.started_at", "s.policy_id", "c.first_source"])
        .where("s.workspace_id", "=", workspaceId)
        .where("s.status", "=", "running")
        .where("p.pipeline_id", "is", null)
        .execute();
      const pipelines = await dealPipelines(
        deps,
        workspaceId,
        running.map((timer) => timer.contact_id),
        choosePolicy.pipelineIds,
      );
      for (const timer of running) {
        const policy = choosePolicy(timer.first_source, pipelines.get(timer.contact_id) ?? []);
        if (!policy?.pipeline_id || policy.id === timer.policy_id) continue;
        await db
          .updateTable("sla_timers")
          .set({
            policy_id: policy.id,
            target_minutes: policy.target_minutes,
            due_at: addBusinessMinutes(timer.started_at, policy.target_minutes, calendar),
          })
          .where("id", "=", timer.id)
          .where("status", "=", "running")
          .execute();
      }
    }

    // 2. Running timers whose lead was answered (an outbound interaction after the arrival).
    const answered = await sql<{ id: string; due_at: Date; responded_at: Date }>`
      select s.id, s.due_at, r.at as responded_at
      from sla_timers s
      cross join lateral (
        select min(i.occurred_at) as at from interactions i
        where i.workspace_id = s.workspace_id and i.direction = 'outbound' and i.occurred_at >= s.started_at
          and i.contact_id in (select c.id from contacts c where c.id = s.contact_id or c.merged_into = s.contact_id)
      ) r
      where s.workspace_id = ${workspaceId} and s.status = 'running' and r.at is not null
    `.execute(deps.db);
    for (const row of answered.rows) {
      const late = row.responded_at.getTime() > row.due_at.getTime();
      await db
        .updateTable("sla_timers")
        .set({
          responded_at: row.responded_at,
          status: late ? "breached" : "met",
          ...(late ? { breached_at: row.due_at } : {}),
        })
        .where("id", "=", row.id)
        .where("status", "=", "running")
        .execute();
      if (late) counts.breached++;
      else counts.met++;
    }

    // 3. Overdue and still unanswered: breached and escalated to a manager, alerted once.
    const manager = await deps.db
      .selectFrom("memberships")
      .select("user_id")
      .where("workspace_id", "=", workspaceId)
      .where("role", "in", ["manager", "admin"])
      .orderBy(sql`case when role = 'manager' then 0 else 1 end`)
      .orderBy("created_at")
      .executeTakeFirst();
    const overdue = await db
      .updateTable("sla_timers")
      .set({ status: "breached", breached_at: now, escalated_to: manager?.user_id ?? null })
      .where("workspace_id", "=", workspaceId)
      .where("status", "=", "running")
      .where("due_at", "<=", now)
      .returning(["id", "contact_id", "target_minutes", "owner_id"])
      .execute();
    counts.breached += overdue.length;
    for (const timer of overdue) {
      // No personal data in the alert: the lead is named by its link.
      await raiseAlert(deps, {
        workspaceId,
        kind: `crm.sla-breach:${timer.id}`,
        text: `SLA de primeira resposta estourado: um lead está sem resposta além da meta de ${timer.target_minutes} min úteis.`,
        details: {
          contactId: timer.contact_id,
          ownerId: timer.owner_id,
          escalatedTo: manager?.user_id ?? null,
        },
        cooldownMinutes: 24 * 60,
      });
    }
  }
  return counts;
}
