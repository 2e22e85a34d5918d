import { sql } from "kysely";
import type { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import type { BusinessCalendar } from "./business-time.ts";
import { businessMinutesBetween } from "./business-time.ts";
import {
  type BusinessCalendarSchema,
  type CreateSlaPolicySchema,
  crmDb,
  type SlaView,
  type UpdateSlaPolicySchema,
} from "./schemas.ts";
import { loadCalendar } from "./sweep-sla.ts";

export async function getCalendar(deps: Deps, input: { workspaceId: string }): Promise<BusinessCalendar> {
  return loadCalendar(deps, input.workspaceId);
}

export async function setCalendar(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; calendar: z.infer<typeof BusinessCalendarSchema> },
): Promise<BusinessCalendar> {
  const before = await loadCalendar(deps, input.workspaceId);
  const { calendar } = input;
  const now = deps.clock.now();
  const holidays = [...new Set(calendar.holidays)].sort();
  await deps.db.transaction().execute(async (trx) => {
    const values = {
      time_zone: calendar.timeZone,
      days: [...new Set(calendar.days)].sort(),
      start_time: calendar.start,
      end_time: calendar.end,
      holidays: JSON.stringify(holidays),
      updated_at: now,
    };
    await crmDb(trx)
      .insertInto("business_calendars")
      .values({ workspace_id: input.workspaceId, ...values })
      .onConflict((oc) => oc.column("workspace_id").doUpdateSet(values))
      .execute();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "business_calendar",
      entityId: input.workspaceId,
      action: "business_calendar.updated",
      actor: input.actor,
      before: { ...before },
      after: { ...calendar, holidays },
      at: now,
    });
  });
  return loadCalendar(deps, input.workspaceId);
}

const policyView = (row: {
  id: string;
  name: string;
  source: string | null;
  pipeline_id: string | null;
  target_minutes: number;
  enabled: boolean;
  created_at: Date;
}) => ({
  id: row.id,
  name: row.name,
  source: row.source,
  pipelineId: row.pipeline_id,
  targetMinutes: row.target_minutes,
  enabled: row.enabled,
  createdAt: row.created_at.toISOString(),
});

/** A policy may name only a live pipeline of its own workspace (422 otherwise). */
async function assertPipelineOf(deps: Deps, workspaceId: string, pipelineId: string | null | undefined) {
  if (!pipelineId) return;
  const pipeline = await crmDb(deps.db)
    .selectFrom("pipelines")
    .select("id")
    .where("id", "=", pipelineId)
    .where("workspace_id", "=", workspaceId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!pipeline) {
    throw new AppError("unprocessable", "The pipeline is not one of this workspace", [
      { field: "pipelineId", message: "unknown pipeline" },
    ]);
  }
}

export async function listSlaPolicies(deps: Deps, input: { workspaceId: string }) {
  const rows = await crmDb(deps.db)
    .selectFrom("sla_policies")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .orderBy("created_at")
    .execute();
  return { items: rows.map(policyView) };
}

export async function createSlaPolicy(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; policy: z.infer<typeof CreateSlaPolicySchema> },
) {
  const now = deps.clock.now();
  await assertPipelineOf(deps, input.workspaceId, input.policy.pipelineId);
  return deps.db.transaction().execute(async (trx) => {
    const row = await crmDb(trx)
      .insertInto("sla_policies")
      .values({
        workspace_id: input.workspaceId,
        name: input.policy.name,
        source: input.policy.source,
        pipeline_id: input.policy.pipelineId,
        target_minutes: input.policy.targetMinutes,
        enabled: input.policy.enabled,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "sla_policy",
      entityId: row.id,
      action: "sla_policy.created",
      actor: input.actor,
      before: null,
      after: policyView(row),
      at: now,
    });
    return policyView(row);
  });
}

export async function updateSlaPolicy(
  deps: Deps,
  input: {
    workspaceId: string;
    policyId: string;
    actor: Actor;
    changes: z.infer<typeof UpdateSlaPolicySchema>;
  },
) {
  const { changes } = input;
  const now = deps.clock.now();
  await assertPipelineOf(deps, input.workspaceId, changes.pipelineId);
  return deps.db.transaction().execute(async (trx) => {
    const db = crmDb(trx);
    const before = await db
      .selectFrom("sla_policies")
      .selectAll()
      .where("id", "=", input.policyId)
      .where("workspace_id", "=", input.workspaceId)
      .executeTakeFirst();
    if (!before) throw notFound("SLA policy");
    const row = await db
      .updateTable("sla_policies")
      .set({
        updated_at: now,
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.source !== undefined ? { source: changes.source } : {}),
        ...(changes.pipelineId !== undefined ? { pipeline_id: changes.pipelineId } : {}),
        ...(changes.targetMinutes !== undefined ? { target_minutes: changes.targetMinutes } : {}),
        ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
      })
      .where("id", "=", input.policyId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "sla_policy",
      entityId: row.id,
      action: "sla_policy.updated",
      actor: input.actor,
      before: policyView(before),
      after: policyView(row),
      at: now,
    });
    return policyView(row);
  });
}

/** A lead's first-response SLA (null when no policy covered it). */
export async function getLeadSla(
  deps: Deps,
  input: { workspaceId: string; contactId: string },
): Promise<SlaView | null> {
  const row = await crmDb(deps.db)
    .selectFrom("sla_timers as s")
    .leftJoin("sla_policies as p", "p.id", "s.policy_id")
    .select([
      "s.status",
      "p.name as policy",
      "s.target_minutes",
      "s.started_at",
      "s.due_at",
      "s.responded_at",
      "s.breached_at",
    ])
    .where("s.workspace_id", "=", input.workspaceId)
    .where("s.contact_id", "=", input.contactId)
    .executeTakeFirst();
  if (!row) return null;
  const calendar = await loadCalendar(deps, input.workspaceId);
  const now = deps.clock.now();
  const end = row.responded_at ?? now;
  return {
    status: row.status,
    policy: row.policy,
    targetMinutes: row.target_minutes,
    startedAt: row.started_at.toISOString(),
    dueAt: row.due_at.toISOString(),
    respondedAt: row.responded_at?.toISOString() ?? null,
    breachedAt: row.breached_at?.toISOString() ?? null,
    businessMinutes: businessMinutesBetween(row.started_at, end, calendar),
    minutesLeft: row.status === "running" ? businessMinutesBetween(now, row.due_at, calendar) : null,
  };
}

/**
 * SLA compliance of the leads that arrived in a period, by owner and by the stage of their deal.
 * `ownerId` narrows to one owner's timers, `source` to leads of that first source, and `pipelineId` to
 * leads with a deal in that pipeline (their stage is then the stage there); the Painel's funnel
 * (analytics/report-funnel.ts) reads this same report.
 */
export async function reportSla(
  deps: Deps,
  input: {
    workspaceId: string;
    from?: string | undefined;
    to?: string | undefined;
    ownerId?: string | undefined;
    source?: string | undefined;
    pipelineId?: string | undefined;
  },
) {
  const from = input.from ? new Date(input.from) : new Date(deps.clock.now().getTime() - 30 * 86_400_000);
  const to = input.to ? new Date(input.to) : deps.clock.now();
  const rows = await sql<{
    owner_id: string | null;
    owner: string | null;
    stage: string | null;
    status: "running" | "met" | "breached";
    n: number;
  }>`
    select s.owner_id, coalesce(u.name, u.email) as owner, st.name as stage, s.status, count(*)::int as n
    from sla_timers s
    left join users u on u.id = s.owner_id
    left join lateral (
      select d.stage_id from deals d
      where d.contact_id = s.contact_id and d.deleted_at is null
        ${input.pipelineId ? sql`and d.pipeline_id = ${input.pipelineId}` : sql``}
      order by d.created_at desc limit 1
    ) d on true
    left join pipeline_stages st on st.id = d.stage_id
    where s.workspace_id = ${input.workspaceId} and s.started_at >= ${from} and s.started_at < ${to}
      ${input.pipelineId ? sql`and d.stage_id is not null` : sql``}
      ${input.ownerId ? sql`and s.owner_id = ${input.ownerId}` : sql``}
      ${
        input.source
          ? sql`and exists (select 1 from contacts c where c.id = s.contact_id and c.first_source = ${input.source})`
          : sql``
      }
    group by 1, 2, 3, 4
  `.execute(deps.db);
  const group = (keyOf: (row: (typeof rows.rows)[number]) => { key: string; label: string | null }) => {
    const groups = new Map<
      string,
      { key: string; label: string | null; met: number; breached: number; running: number }
    >();
    for (const row of rows.rows) {
      const { key, label } = keyOf(row);
      const entry = groups.get(key) ?? { key, label, met: 0, breached: 0, running: 0 };
      entry[row.status] += row.n;
      groups.set(key, entry);
    }
    return [...groups.values()].map((entry) => ({
      ...entry,
      // Compliance counts closed timers only: met ÷ (met + breached).
      compliance: entry.met + entry.breached === 0 ? null : entry.met / (entry.met + entry.breached),
    }));
  };
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    byOwner: group((row) => ({ key: row.owner_id ?? "none", label: row.owner })),
    byStage: group((row) => ({ key: row.stage ?? "none", label: row.stage })),
  };
}
