import type { Kysely, OperationNodeSource, Transaction } from "kysely";
import { insertJsonRows } from "../platform/db/one-statement.ts";
import type { ContactRow, DB } from "../platform/db/schema.ts";
import { evaluateRules, type ScoreResult } from "./evaluate-rules.ts";
import { getRuleSet } from "./get-rule-set.ts";
import { scoringSubject } from "./score-contact.ts";

/**
 * Scores contacts that are about to be created, in memory, and returns the inserts that store the
 * scores and their first history entries, to run together with the contacts' own inserts.
 */
export async function planNewScores(
  db: Kysely<DB> | Transaction<DB>,
  contacts: ContactRow[],
  at: Date,
): Promise<{ results: Map<string, ScoreResult>; inserts: OperationNodeSource[] }> {
  const results = new Map<string, ScoreResult>();
  if (contacts.length === 0) return { results, inserts: [] };
  const ruleSets = new Map<string, Awaited<ReturnType<typeof getRuleSet>>>();
  for (const workspaceId of new Set(contacts.map((contact) => contact.workspace_id))) {
    ruleSets.set(workspaceId, await getRuleSet(db, workspaceId));
  }
  const rows = contacts.map((contact) => {
    const ruleSet = ruleSets.get(contact.workspace_id);
    if (!ruleSet) throw new Error("rule set missing");
    const result = evaluateRules(ruleSet, scoringSubject(contact));
    results.set(contact.id, result);
    return {
      contact_id: contact.id,
      workspace_id: contact.workspace_id,
      score: result.score,
      temperature: result.temperature,
      reasons: result.reasons,
      rule_set_version: ruleSet.version,
    };
  });
  const columns = {
    contact_id: "uuid",
    workspace_id: "uuid",
    score: "integer",
    temperature: "text",
    reasons: "jsonb",
    rule_set_version: "integer",
  } as const;
  return {
    results,
    inserts: [
      insertJsonRows(
        "contact_scores",
        { ...columns, scored_at: "timestamptz" },
        rows.map((row) => ({ ...row, scored_at: at })),
      ),
      insertJsonRows(
        "score_history",
        { ...columns, at: "timestamptz" },
        rows.map((row) => ({ ...row, at })),
      ),
    ],
  };
}
