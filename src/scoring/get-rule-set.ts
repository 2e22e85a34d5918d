import type { Kysely, Transaction } from "kysely";
import type { DB } from "../platform/db/schema.ts";
import { DEFAULT_RULE_SET } from "./default-rules.ts";
import { type RuleSet, RuleSetInputSchema } from "./schemas.ts";

const CACHE_MS = 2_000;
const cache = new Map<string, { ruleSet: RuleSet; loadedAt: number }>();

/** The workspace's rule set; the default one is stored on first use. Cached for two seconds. */
export async function getRuleSet(db: Kysely<DB> | Transaction<DB>, workspaceId: string): Promise<RuleSet> {
  const hit = cache.get(workspaceId);
  if (hit && Date.now() - hit.loadedAt < CACHE_MS) return hit.ruleSet;
  let row = await db
    .selectFrom("scoring_rule_sets")
    .select(["version", "rules", "hot_threshold", "warm_threshold"])
    .where("workspace_id", "=", workspaceId)
    .executeTakeFirst();
  if (!row) {
    await db
      .insertInto("scoring_rule_sets")
      .values({
        workspace_id: workspaceId,
        version: 1,
        rules: JSON.stringify(DEFAULT_RULE_SET.rules),
        hot_threshold: DEFAULT_RULE_SET.hotThreshold,
        warm_threshold: DEFAULT_RULE_SET.warmThreshold,
        updated_at: new Date(),
        updated_by: "system",
      })
      .onConflict((oc) => oc.column("workspace_id").doNothing())
      .execute();
    row = await db
      .selectFrom("scoring_rule_sets")
      .select(["version", "rules", "hot_threshold", "warm_threshold"])
      .where("workspace_id", "=", workspaceId)
      .executeTakeFirstOrThrow();
  }
  const parsed = RuleSetInputSchema.parse({
    rules: row.rules,
    hotThreshold: row.hot_threshold,
    warmThreshold: row.warm_threshold,
  });
  const ruleSet: RuleSet = { ...parsed, version: row.version };
  cache.set(workspaceId, { ruleSet, loadedAt: Date.now() });
  return ruleSet;
}

export function forgetRuleSet(workspaceId: string): void {
  cache.delete(workspaceId);
}
