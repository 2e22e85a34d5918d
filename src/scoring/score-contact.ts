import type { Transaction } from "kysely";
import { readCreatorTier } from "../enrichment/read-creator-tier.ts";
import type { ContactRow, DB } from "../platform/db/schema.ts";
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

/**
 * Scores one contact with its workspace's rules, stores the score with its reasons, and appends to
 * the score history when the score or temperature changed. Idempotent.
 */
export async function scoreContact(
  trx: Transaction<DB>,
  input: { contact: ContactRow; at: Date; isNew?: boolean },
): Promise<ScoreResult & { isChanged: boolean }> {
  const { contact, at } = input;
  const ruleSet = await getRuleSet(trx, contact.workspace_id);
  // The creator tier lives with enrichment; only read when a rule looks at it.
  const needsTier =
    !input.isNew && ruleSet.rules.some((rule) => rule.enabled && rule.type === "creator_tier");
  const creatorTier = needsTier ? await readCreatorTier(trx, contact.id) : null;
  const result = evaluateRules(ruleSet, { ...scoringSubject(contact), creatorTier });
  const previous = input.isNew
    ? undefined
    : await trx
        .selectFrom("contact_scores")
        .select(["score", "temperature", "reasons"])
        .where("contact_id", "=", contact.id)
        .executeTakeFirst();
  const isChanged =
    !previous ||
    previous.score !== result.score ||
    previous.temperature !== result.temperature ||
    JSON.stringify(previous.reasons) !== JSON.stringify(result.reasons);
  const row = {
    score: result.score,
    temperature: result.temperature,
    reasons: JSON.stringify(result.reasons),
    rule_set_version: ruleSet.version,
    scored_at: at,
  };
  await trx
    .insertInto("contact_scores")
    .values({ contact_id: contact.id, workspace_id: contact.workspace_id, ...row })
    .onConflict((oc) => oc.column("contact_id").doUpdateSet(row))
    .execute();
  if (isChanged) {
    await trx
      .insertInto("score_history")
      .values({
        workspace_id: contact.workspace_id,
        contact_id: contact.id,
        score: result.score,
        temperature: result.temperature,
        reasons: JSON.stringify(result.reasons),
        rule_set_version: ruleSet.version,
        at,
      })
      .execute();
  }
  return { ...result, isChanged };
}
