import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import type { Rule } from "./schemas.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface RulesView {
  version: number;
  rules: Rule[];
  hotThreshold: number;
  warmThreshold: number;
  rescore: { version: number; total: number; current: number };
}

interface Lead {
  id: string;
  score: number;
  temperature: string;
  scoreReasons: { rule: string; points: number }[];
  scoreHistory: { score: number; ruleSetVersion: number }[];
}

describe("scoring rules per workspace", () => {
  it("starts from the StreamLeads defaults, stored and readable", async () => {
    const rules = (await t.request("GET", "/api/v1/scoring/rules")).json() as RulesView;
    expect(rules.version).toBe(1);
    expect(rules.hotThreshold).toBe(25);
    expect(rules.warmThreshold).toBe(15);
    expect(rules.rules.map((rule) => rule.id)).toEqual([
      "required_fields",
      "high_ticket_interest",
      "served_city",
      "income_bonus",
      "creator_tier",
    ]);
  });

  it("re-scores the whole base in the background when the rules change, keeping history", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const response = await t.request("POST", "/api/v1/leads", {
        body: {
          name: `Lead ${i}`,
          email: `lead${i}@example.com`,
          city: i % 2 ? "Recife" : "Manaus",
          income: 4000,
        },
      });
      ids.push((response.json() as { id: string }).id);
    }
    const before = (await t.request("GET", `/api/v1/leads/${ids[1]}`)).json() as Lead;
    expect(before.score).toBe(2);

    const current = (await t.request("GET", "/api/v1/scoring/rules")).json() as RulesView;
    const rules = current.rules.map((rule) =>
      rule.type === "in_list" ? { ...rule, values: [...rule.values, "Recife"], points: 20 } : rule,
    );
    const updated = await t.request("PUT", "/api/v1/scoring/rules", {
      body: { rules, hotThreshold: 20, warmThreshold: 10 },
    });
    expect(updated.statusCode).toBe(200);
    expect((updated.json() as { version: number }).version).toBe(2);

    const pending = (await t.request("GET", "/api/v1/scoring/rules")).json() as RulesView;
    expect(pending.rescore).toEqual({ version: 2, total: 30, current: 0 });

    await t.drain();

    const done = (await t.request("GET", "/api/v1/scoring/rules")).json() as RulesView;
    expect(done.rescore).toEqual({ version: 2, total: 30, current: 30 });
    const after = (await t.request("GET", `/api/v1/leads/${ids[1]}`)).json() as Lead;
    expect(after.score).toBe(22);
    expect(after.temperature).toBe("hot");
    expect(after.scoreReasons).toEqual([
      { rule: "served_city", label: "Cidade atendida", points: 20 },
      { rule: "income_bonus", label: "Bônus por renda", points: 2 },
    ]);
    expect(after.scoreHistory.map((entry) => [entry.score, entry.ruleSetVersion])).toEqual([
      [22, 2],
      [2, 1],
    ]);
    const manaus = (await t.request("GET", `/api/v1/leads/${ids[0]}`)).json() as Lead;
    expect(manaus.scoreHistory).toHaveLength(1);

    const trail = await t.app.deps.db
      .selectFrom("audit_log")
      .select(["action", "actor_label"])
      .where("entity_type", "=", "scoring_rule_set")
      .execute();
    expect(trail).toEqual([{ action: "update", actor_label: "admin@funil.test" }]);

    // Running the job again changes nothing.
    expect(await t.drain()).toBe(0);
  });

  it("rejects an invalid rule set with the fields named", async () => {
    const response = await t.request("PUT", "/api/v1/scoring/rules", {
      body: {
        rules: [{ id: "x", label: "X", type: "keywords", field: "password", keywords: [], points: 5 }],
        hotThreshold: 10,
        warmThreshold: 20,
      },
    });
    expect(response.statusCode).toBe(400);
    const fields = (response.json() as { errors: { field: string }[] }).errors.map((error) => error.field);
    expect(fields).toEqual(
      expect.arrayContaining(["body.rules.0.field", "body.rules.0.keywords", "body.hotThreshold"]),
    );
  });

  it("only lets managers and admins change rules", async () => {
    await t.request("POST", `/api/v1/workspaces/${t.app.bootstrap.workspaceId}/members`, {
      body: { email: "cs@funil.test", password: "long-enough-password", role: "cs" },
    });
    const token = await t.login("cs@funil.test", "long-enough-password");
    const current = (await t.request("GET", "/api/v1/scoring/rules", { token })).json() as RulesView;
    const response = await t.request("PUT", "/api/v1/scoring/rules", {
      token,
      body: { rules: current.rules, hotThreshold: 25, warmThreshold: 15 },
    });
    expect(response.statusCode).toBe(403);
  });
});
