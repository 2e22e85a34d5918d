import { sql, type Transaction } from "kysely";
import type { DB } from "../platform/db/schema.ts";
import { chooseOwner, isWithinWorkingHours } from "./choose-owner.ts";
import { dealOwnersAmong } from "./find-deal-owners.ts";
import { crmDb } from "./schemas.ts";

export interface Pick {
  ownerId: string | null;
  ruleId: string | null;
  reason: string;
}

/**
 * The owner the workspace's assignment rules give a new deal: the first enabled rule that matches
 * its pipeline and the lead's first source, inside its working hours, with someone below the cap.
 * The rules are locked for the transaction, so concurrent deals rotate fairly, and the chosen
 * rule's cursor moves on with the deal that used it.
 */
export async function pickOwner(
  trx: Transaction<DB>,
  input: { workspaceId: string; pipelineId: string; contactSource: string | null; now: Date },
): Promise<Pick> {
  const db = crmDb(trx);
  const rules = await db
    .selectFrom("assignment_rules")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where("enabled", "=", true)
    .where((eb) => eb.or([eb("pipeline_id", "is", null), eb("pipeline_id", "=", input.pipelineId)]))
    .orderBy("position")
    .orderBy("created_at")
    .forUpdate()
    .execute();
  const applying = rules.filter(
    (rule) =>
      (rule.source === null || rule.source === input.contactSource) &&
      (rule.working_hours === null || isWithinWorkingHours(rule.working_hours, input.now)),
  );
  if (applying.length === 0) {
    return {
      ownerId: null,
      ruleId: null,
      reason: rules.length === 0 ? "no assignment rule" : "no rule applies now",
    };
  }
  const owners = [...new Set(applying.flatMap((rule) => rule.owner_ids))];
  const members = await dealOwnersAmong(trx, input.workspaceId, owners);
  const loads = new Map(
    (
      await db
        .selectFrom("deals")
        .select(["owner_id", sql<number>`count(*)::int`.as("n")])
        .where("workspace_id", "=", input.workspaceId)
        .where("status", "=", "open")
        .where("deleted_at", "is", null)
        .where("owner_id", "in", owners)
        .groupBy("owner_id")
        .execute()
    ).map((row) => [row.owner_id as string, row.n]),
  );
  let reason = "";
  for (const rule of applying) {
    const choice = chooseOwner({
      rule: {
        strategy: rule.strategy,
        ownerIds: rule.owner_ids,
        maxOpenDeals: rule.max_open_deals,
        cursor: rule.cursor,
      },
      loads,
      members,
    });
    if (choice.ownerId === null) {
      reason = `${rule.name}: ${choice.reason}`;
      continue;
    }
    await db
      .updateTable("assignment_rules")
      .set({ cursor: choice.cursor })
      .where("id", "=", rule.id)
      .execute();
    return { ownerId: choice.ownerId, ruleId: rule.id, reason: `${rule.name}: ${choice.reason}` };
  }
  return { ownerId: null, ruleId: null, reason };
}
