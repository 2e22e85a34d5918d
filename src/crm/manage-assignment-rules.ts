import type { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { dealOwnersAmong } from "./find-deal-owners.ts";
import { getPipeline } from "./manage-pipelines.ts";
import {
  type AssignmentRuleView,
  type CreateAssignmentRuleSchema,
  crmDb,
  type UpdateAssignmentRuleSchema,
} from "./schemas.ts";

type RuleRow = {
  id: string;
  name: string;
  position: number;
  pipeline_id: string | null;
  source: string | null;
  strategy: AssignmentRuleView["strategy"];
  owner_ids: string[];
  max_open_deals: number | null;
  working_hours: AssignmentRuleView["workingHours"];
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
};

function ruleView(row: RuleRow): AssignmentRuleView {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    pipelineId: row.pipeline_id,
    source: row.source,
    strategy: row.strategy,
    ownerIds: row.owner_ids,
    maxOpenDeals: row.max_open_deals,
    workingHours: row.working_hours,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Every owner must be a member who can own deals; a pipeline must be the workspace's. */
async function checkTargets(
  deps: Deps,
  workspaceId: string,
  input: { ownerIds?: string[] | undefined; pipelineId?: string | null | undefined },
) {
  if (input.pipelineId) await getPipeline(deps, { workspaceId, pipelineId: input.pipelineId });
  if (!input.ownerIds) return;
  const members = await dealOwnersAmong(deps.db, workspaceId, input.ownerIds);
  const index = input.ownerIds.findIndex((id) => !members.has(id));
  if (index !== -1) {
    throw new AppError("invalid_input", "An owner is not a member who can own deals", [
      { field: `ownerIds.${index}`, message: "not a member (or a viewer)" },
    ]);
  }
  if (new Set(input.ownerIds).size !== input.ownerIds.length) {
    throw new AppError("invalid_input", "An owner is listed twice", [
      { field: "ownerIds", message: "listed twice" },
    ]);
  }
}

export async function listAssignmentRules(deps: Deps, input: { workspaceId: string }) {
  const rows = await crmDb(deps.db)
    .selectFrom("assignment_rules")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .orderBy("position")
    .orderBy("created_at")
    .execute();
  return { items: rows.map(ruleView) };
}

export async function createAssignmentRule(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; rule: z.infer<typeof CreateAssignmentRuleSchema> },
): Promise<AssignmentRuleView> {
  const { rule } = input;
  await checkTargets(deps, input.workspaceId, rule);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await crmDb(trx)
      .insertInto("assignment_rules")
      .values({
        workspace_id: input.workspaceId,
        name: rule.name,
        ...(rule.position !== undefined ? { position: rule.position } : {}),
        pipeline_id: rule.pipelineId,
        source: rule.source,
        strategy: rule.strategy,
        owner_ids: rule.ownerIds,
        max_open_deals: rule.maxOpenDeals,
        working_hours: rule.workingHours === null ? null : JSON.stringify(rule.workingHours),
        enabled: rule.enabled,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = ruleView(row);
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "assignment_rule",
      entityId: view.id,
      action: "assignment_rule.created",
      actor: input.actor,
      before: null,
      after: { ...view },
      at: now,
    });
    return view;
  });
}

export async function updateAssignmentRule(
  deps: Deps,
  input: {
    workspaceId: string;
    ruleId: string;
    actor: Actor;
    changes: z.infer<typeof UpdateAssignmentRuleSchema>;
  },
): Promise<AssignmentRuleView> {
  const { changes } = input;
  await checkTargets(deps, input.workspaceId, changes);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const db = crmDb(trx);
    const before = await db
      .selectFrom("assignment_rules")
      .selectAll()
      .where("id", "=", input.ruleId)
      .where("workspace_id", "=", input.workspaceId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw notFound("Assignment rule");
    const row = await db
      .updateTable("assignment_rules")
      .set({
        updated_at: now,
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.position !== undefined ? { position: changes.position } : {}),
        ...(changes.pipelineId !== undefined ? { pipeline_id: changes.pipelineId } : {}),
        ...(changes.source !== undefined ? { source: changes.source } : {}),
        ...(changes.strategy !== undefined ? { strategy: changes.strategy } : {}),
        // A new pool starts its rotation from the top.
        ...(changes.ownerIds !== undefined ? { owner_ids: changes.ownerIds, cursor: 0 } : {}),
        ...(changes.maxOpenDeals !== undefined ? { max_open_deals: changes.maxOpenDeals } : {}),
        ...(changes.workingHours !== undefined
          ? { working_hours: changes.workingHours === null ? null : JSON.stringify(changes.workingHours) }
          : {}),
        ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
      })
      .where("id", "=", input.ruleId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = ruleView(row);
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "assignment_rule",
      entityId: view.id,
      action: "assignment_rule.updated",
      actor: input.actor,
      before: { ...ruleView(before) },
      after: { ...view },
      at: now,
    });
    return view;
  });
}

export async function deleteAssignmentRule(
  deps: Deps,
  input: { workspaceId: string; ruleId: string; actor: Actor },
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const row = await crmDb(trx)
      .deleteFrom("assignment_rules")
      .where("id", "=", input.ruleId)
      .where("workspace_id", "=", input.workspaceId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound("Assignment rule");
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "assignment_rule",
      entityId: row.id,
      action: "assignment_rule.deleted",
      actor: input.actor,
      before: { ...ruleView(row) },
      after: null,
      at: now,
    });
  });
}
