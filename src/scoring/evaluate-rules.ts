import type { ScoreReason, Temperature } from "../platform/db/schema.ts";
import type { Rule, RuleSetInput } from "./schemas.ts";

/** What the rules can look at. */
export interface ScoringSubject {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  source?: string | null;
  interest?: string | null;
  city?: string | null;
  income?: number | null;
  instagram?: string | null;
  /** The creator tier from enrichment (micro, mid, macro… per workspace), null when none. */
  creatorTier?: string | null;
  custom?: Record<string, unknown>;
}

export interface ScoreResult {
  score: number;
  temperature: Temperature;
  reasons: ScoreReason[];
}

function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .trim();
}

/** Keyword and value lists folded once per rule set (the lists are the rule set's own arrays). */
const foldedLists = new WeakMap<readonly string[], readonly string[]>();
function foldedAll(list: readonly string[]): readonly string[] {
  let folded = foldedLists.get(list);
  if (!folded) {
    folded = list.map(fold);
    foldedLists.set(list, folded);
  }
  return folded;
}

function read(subject: ScoringSubject, path: string): unknown {
  if (path.startsWith("custom.")) return subject.custom?.[path.slice("custom.".length)];
  return subject[path as keyof Omit<ScoringSubject, "custom" | "creatorTier">];
}

function isFilled(value: unknown): boolean {
  return value !== null && value !== undefined && !(typeof value === "string" && value.trim() === "");
}

function points(rule: Rule, subject: ScoringSubject): number {
  switch (rule.type) {
    case "required_fields":
      return rule.fields.every((field) => isFilled(read(subject, field))) ? rule.points : 0;
    case "keywords": {
      const value = read(subject, rule.field);
      if (typeof value !== "string") return 0;
      const haystack = ` ${fold(value).replace(/[^\p{L}\p{N}]+/gu, " ")} `;
      // Whole words (a plural "s" allowed): "casa" matches "casas" but not "casamento".
      const hit = foldedAll(rule.keywords).some(
        (word) => haystack.includes(` ${word} `) || haystack.includes(` ${word}s `),
      );
      return hit ? rule.points : 0;
    }
    case "in_list": {
      const value = read(subject, rule.field);
      if (typeof value !== "string") return 0;
      const folded = fold(value);
      return foldedAll(rule.values).includes(folded) ? rule.points : 0;
    }
    case "bands": {
      const raw = read(subject, rule.field);
      const value = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw) : Number.NaN;
      if (!Number.isFinite(value)) return 0;
      let best = 0;
      let bestMin = Number.NEGATIVE_INFINITY;
      for (const band of rule.bands) {
        if (value >= band.min && band.min >= bestMin) {
          best = band.points;
          bestMin = band.min;
        }
      }
      return best;
    }
    case "creator_tier": {
      if (!subject.creatorTier) return 0;
      return rule.tiers.find((entry) => entry.tier === subject.creatorTier)?.points ?? 0;
    }
  }
}

export function temperatureFor(score: number, ruleSet: Pick<RuleSetInput, "hotThreshold" | "warmThreshold">) {
  if (score >= ruleSet.hotThreshold) return "hot" as const;
  if (score >= ruleSet.warmThreshold) return "warm" as const;
  return "cold" as const;
}

/** Applies a rule set: the score, its temperature, and every rule that fired with its points. */
export function evaluateRules(ruleSet: RuleSetInput, subject: ScoringSubject): ScoreResult {
  const reasons: ScoreReason[] = [];
  for (const rule of ruleSet.rules) {
    if (!rule.enabled) continue;
    const earned = points(rule, subject);
    if (earned !== 0) reasons.push({ rule: rule.id, label: rule.label, points: earned });
  }
  const score = reasons.reduce((sum, reason) => sum + reason.points, 0);
  return { score, temperature: temperatureFor(score, ruleSet), reasons };
}
