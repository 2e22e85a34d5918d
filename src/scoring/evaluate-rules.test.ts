import { describe, expect, it } from "vitest";
import { DEFAULT_RULE_SET } from "./default-rules.ts";
import { evaluateRules } from "./evaluate-rules.ts";

const complete = { name: "Ana", email: "ana@example.com", phone: "+5511987654321", source: "typeform" };

describe("evaluateRules with the default (StreamLeads) rule set", () => {
  it("scores a complete, high-ticket lead from a served city with high income as hot, with reasons", () => {
    const result = evaluateRules(DEFAULT_RULE_SET, {
      ...complete,
      interest: "Quero comprar um APARTAMENTO na planta",
      city: "sao paulo",
      income: 25000,
    });
    expect(result.score).toBe(40);
    expect(result.temperature).toBe("hot");
    expect(result.reasons.map((reason) => [reason.rule, reason.points])).toEqual([
      ["required_fields", 10],
      ["high_ticket_interest", 15],
      ["served_city", 5],
      ["income_bonus", 10],
    ]);
  });

  it.each([
    [{ ...complete }, 10, "cold"],
    [{ ...complete, interest: "investimento" }, 25, "hot"],
    [{ ...complete, city: "Curitiba", income: 5000 }, 19, "warm"],
    [{ name: "Ana", interest: "casa de praia" }, 15, "warm"],
    [{ ...complete, income: 2999 }, 10, "cold"],
    [{ ...complete, income: 3000 }, 12, "cold"],
    [{ ...complete, interest: "casamento" }, 10, "cold"],
    [{}, 0, "cold"],
  ])("scores %j as %d (%s)", (subject, score, temperature) => {
    const result = evaluateRules(DEFAULT_RULE_SET, subject);
    expect(result.score).toBe(score);
    expect(result.temperature).toBe(temperature);
    expect(result.reasons.reduce((sum, reason) => sum + reason.points, 0)).toBe(score);
  });

  it("uses the thresholds of the rule set", () => {
    const strict = { ...DEFAULT_RULE_SET, hotThreshold: 50, warmThreshold: 30 };
    expect(evaluateRules(strict, { ...complete, interest: "imóvel" }).temperature).toBe("cold");
  });

  it("skips disabled rules", () => {
    const rules = DEFAULT_RULE_SET.rules.map((rule) => ({ ...rule, enabled: rule.id !== "required_fields" }));
    expect(evaluateRules({ ...DEFAULT_RULE_SET, rules }, complete).reasons).toEqual([]);
  });

  it("gives the points of the contact's creator tier (from enrichment), none without a tier", () => {
    expect(evaluateRules(DEFAULT_RULE_SET, { ...complete, creatorTier: "mid" }).reasons).toContainEqual({
      rule: "creator_tier",
      label: "Nível de criador (enriquecimento)",
      points: 6,
    });
    expect(evaluateRules(DEFAULT_RULE_SET, { ...complete, creatorTier: "macro" }).score).toBe(20);
    expect(evaluateRules(DEFAULT_RULE_SET, { ...complete, creatorTier: "unknown" }).score).toBe(10);
    expect(evaluateRules(DEFAULT_RULE_SET, { ...complete, creatorTier: null }).score).toBe(10);
  });
});
