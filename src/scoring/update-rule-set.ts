import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { forgetRuleSet, getRuleSet } from "./get-rule-set.ts";
import { RESCORE_WORKSPACE_JOB, type RuleSet, type RuleSetInput } from "./schemas.ts";

/** Replaces a workspace's rules (new version, audited) and re-scores the base in the background. */
export async function updateRuleSet(
  deps: Deps,
  input: { workspaceId: string; ruleSet: RuleSetInput; actor: Actor },
): Promise<RuleSet> {
  const at = deps.clock.now();
  const before = await getRuleSet(deps.db, input.workspaceId);
  const version = await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable("scoring_rule_sets")
      .set((eb) => ({
        version: eb("version", "+", 1),
        rules: JSON.stringify(input.ruleSet.rules),
        hot_threshold: input.ruleSet.hotThreshold,
        warm_threshold: input.ruleSet.warmThreshold,
        updated_at: at,
        updated_by: input.actor.label ?? input.actor.type,
      }))
      .where("workspace_id", "=", input.workspaceId)
      .returning("version")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "scoring_rule_set",
      entityId: input.workspaceId,
      action: "update",
      actor: input.actor,
      before: { ...before },
      after: { ...input.ruleSet, version: row.version },
      at,
    });
    await enqueue(trx, RESCORE_WORKSPACE_JOB, { workspaceId: input.workspaceId, version: row.version });
    return row.version;
  });
  forgetRuleSet(input.workspaceId);
  return { ...input.ruleSet, version };
}

/** How far the re-scoring of the base has come for the current version. */
export async function getRescoreProgress(deps: Deps, input: { workspaceId: string }) {
  const ruleSet = await getRuleSet(deps.db, input.workspaceId);
  const row = await deps.db
    .selectFrom("contacts")
    .leftJoin("contact_scores", "contact_scores.contact_id", "contacts.id")
    .select((eb) => [
      eb.fn.countAll<number>().as("total"),
      eb.fn
        .count<number>("contacts.id")
        .filterWhere("contact_scores.rule_set_version", "=", ruleSet.version)
        .as("current"),
    ])
    .where("contacts.workspace_id", "=", input.workspaceId)
    .where("contacts.deleted_at", "is", null)
    .executeTakeFirstOrThrow();
  return { version: ruleSet.version, total: Number(row.total), current: Number(row.current) };
}
