import { describe, expect, it } from "vitest";
import type { RuleContext } from "./load-context.ts";
import { failedCondition } from "./match-conditions.ts";

const context: RuleContext = {
  contact: {
    id: "c",
    name: "Camila",
    email: null,
    phone: "+5531988776655",
    city: "Belo Horizonte",
    tags: ["vip"],
    source: "typeform",
    ownerId: null,
    score: 30,
    temperature: "hot",
    optedOut: false,
  },
  product: { id: "p", name: "Curso", monitoring: true, accessUrl: null, welcomeTemplate: null },
  enrollment: null,
  event: { stage: "Proposta" },
};

describe("rule conditions", () => {
  it("passes when every condition holds", () => {
    expect(
      failedCondition(
        [
          { field: "product.monitoring", op: "eq", value: true },
          { field: "contact.score", op: "gte", value: 25 },
          { field: "contact.tags", op: "contains", value: "vip" },
          { field: "contact.temperature", op: "in", value: ["hot", "warm"] },
          { field: "contact.city", op: "contains", value: "belo" },
          { field: "contact.email", op: "missing" },
          { field: "event.stage", op: "neq", value: "Ganho" },
        ],
        context,
      ),
    ).toBeNull();
  });
  it("names the first condition that fails", () => {
    const failing = { field: "enrollment.modulesCompleted", op: "gte", value: 1 } as const;
    expect(failedCondition([{ field: "contact.phone", op: "exists" }, failing], context)).toEqual(failing);
    expect(
      failedCondition([{ field: "product.monitoring", op: "eq", value: false }], context),
    ).not.toBeNull();
  });
});
