import type { Kysely, OperationNodeSource, Transaction } from "kysely";
import { sql } from "kysely";
import { enrichmentDb } from "../enrichment/schemas.ts";
import { executeAsOneStatement, insertJsonRows } from "../platform/db/one-statement.ts";
import type { ContactRow, DB, ScoreReason } from "../platform/db/schema.ts";
import { evaluateRules, type ScoreResult, type ScoringSubject } from "./evaluate-rules.ts";
import { getRuleSet } from "./get-rule-set.ts";

/** What the rules see of a contact. */
export function scoringSubject(contact: ContactRow): ScoringSubject {
  return {
    name: contact.name,
    email: contact.email,
    phone: contact.phone,
    source: contact.first_source,
    interest: contact.interest,
    city: contact.city,
    income: contact.income,
    instagram: contact.instagram,
    custom: contact.custom,
  };
}

/** One contact to score, in order: its state at that point, and whether it is stored yet. */
export interface ScoreStep {
  contact: ContactRow;
  /** The contact is being created (no stored score, no enrichment yet). */
  isNew: boolean;
}

type Executor = Kysely<DB> | Transaction<DB>;
type Scored = { score: number; temperature: string; reasons: unknown };

const COLUMNS = {
  contact_id: "uuid",
  workspace_id: "uuid",
  score: "integer",
  temperature: "text",
  reasons: "jsonb",
  rule_set_version: "integer",
} as const;

/**
 * Scores contacts with their workspaces' rules, in memory, step by step in order (a contact may
 * appear several times: each step is compared with the one before it), and returns the statements
 * that store each contact's last score and append to the score history every step whose score,
 * temperature or reasons changed. Reads the rule sets, the stored scores and, when a rule looks at
 * it, the creator tiers of stored contacts (one query each). Idempotent.
 */
export async function planScores(
  db: Executor,
  steps: ScoreStep[],
  at: Date,
): Promise<{
  results: (ScoreResult & { isChanged: boolean; previousTemperature: string | null })[];
  writes: OperationNodeSource[];
}> {
  if (steps.length === 0) return { results: [], writes: [] };
  const ruleSets = new Map<string, Awaited<ReturnType<typeof getRuleSet>>>();
  for (const workspaceId of new Set(steps.map((step) => step.contact.workspace_id))) {
    ruleSets.set(workspaceId, await getRuleSet(db, workspaceId));
  }
  const stored = [...new Set(steps.filter((step) => !step.isNew).map((step) => step.contact.id))];
  const previous = new Map<string, Scored>();
  const tiers = new Map<string, string | null>();
  if (stored.length > 0) {
    const rows = await db
      .selectFrom("contact_scores")
      .select(["contact_id", "score", "temperature", "reasons"])
      .where("contact_id", "in", stored)
      .execute();
    for (const row of rows) previous.set(row.contact_id, row);
    // The creator tier lives with enrichment; only read when a rule looks at it.
    const needsTier = [...ruleSets.values()].some((ruleSet) =>
      ruleSet.rules.some((rule) => rule.enabled && rule.type === "creator_tier"),
    );
    if (needsTier) {
      const found = await enrichmentDb(db)
        .selectFrom("contact_enrichments")
        .select(["contact_id", "tier"])
        .where("contact_id", "in", stored)
        .execute();
      for (const row of found) tiers.set(row.contact_id, row.tier ?? null);
    }
  }

  const results: (ScoreResult & { isChanged: boolean; previousTemperature: string | null })[] = [];
  const last = new Map<string, Record<string, unknown>>();
  const history: Record<string, unknown>[] = [];
  for (const { contact } of steps) {
    const ruleSet = ruleSets.get(contact.workspace_id);
    if (!ruleSet) throw new Error("rule set missing");
    const creatorTier = tiers.get(contact.id) ?? null;
    const result = evaluateRules(ruleSet, { ...scoringSubject(contact), creatorTier });
    const before = previous.get(contact.id);
    const isChanged =
      !before ||
      before.score !== result.score ||
      before.temperature !== result.temperature ||
      JSON.stringify(before.reasons) !== JSON.stringify(result.reasons);
    const row = {
      contact_id: contact.id,
      workspace_id: contact.workspace_id,
      score: result.score,
      temperature: result.temperature,
      reasons: result.reasons as ScoreReason[],
      rule_set_version: ruleSet.version,
    };
    if (isChanged) history.push({ ...row, at });
    previous.set(contact.id, result);
    last.set(contact.id, { ...row, scored_at: at });
    results.push({ ...result, isChanged, previousTemperature: before?.temperature ?? null });
  }
  const writes: OperationNodeSource[] = [
    sql`${insertJsonRows("contact_scores", { ...COLUMNS, scored_at: "timestamptz" }, [...last.values()])}
      on conflict (contact_id) do update set score = excluded.score, temperature = excluded.temperature,
        reasons = excluded.reasons, rule_set_version = excluded.rule_set_version, scored_at = excluded.scored_at`,
  ];
  if (history.length > 0)
    writes.push(insertJsonRows("score_history", { ...COLUMNS, at: "timestamptz" }, history));
  return { results, writes };
}

/**
 * Scores one contact with its workspace's rules, stores the score with its reasons, and appends to
 * the score history when the score or temperature changed. Idempotent.
 */
export async function scoreContact(
  trx: Transaction<DB>,
  input: { contact: ContactRow; at: Date; isNew?: boolean },
): Promise<ScoreResult & { isChanged: boolean; previousTemperature: string | null }> {
  const planned = await planScores(trx, [{ contact: input.contact, isNew: input.isNew ?? false }], input.at);
  await executeAsOneStatement(trx, planned.writes);
  const result = planned.results[0];
  if (!result) throw new Error("no score planned");
  return result;
}
