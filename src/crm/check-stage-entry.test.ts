import { describe, expect, it } from "vitest";
import { checkStageEntry, type DealFacts } from "./check-stage-entry.ts";

const bare: DealFacts = {
  ownerId: null,
  value: null,
  expectedClose: null,
  propertyRef: null,
  propertyId: null,
};

describe("stage entry rules", () => {
  it("lets a deal into a stage without rules", () => {
    expect(checkStageEntry({ deal: bare, stage: { name: "Novo", kind: "open", requires: [] } })).toEqual([]);
  });

  it("names every unmet rule, by field", () => {
    const errors = checkStageEntry({
      deal: { ...bare, value: 0 },
      stage: { name: "Proposta", kind: "open", requires: ["property", "value", "owner", "expectedClose"] },
    });
    expect(errors.map((error) => error.field)).toEqual(["propertyRef", "value", "ownerId", "expectedClose"]);
    expect(errors[0]?.message).toBe('"Proposta" needs a chosen property first');
  });

  it("passes once the deal has what the stage asks", () => {
    const deal = {
      ownerId: "u",
      value: 350_000,
      expectedClose: "2027-01-15",
      propertyRef: "Apto 42",
      propertyId: null,
    };
    expect(
      checkStageEntry({
        deal,
        stage: { name: "Proposta", kind: "open", requires: ["property", "value", "owner", "expectedClose"] },
      }),
    ).toEqual([]);
  });

  it("takes a property of the catalog as the chosen property", () => {
    const stage = { name: "Proposta", kind: "open" as const, requires: ["property" as const] };
    expect(checkStageEntry({ deal: { ...bare, propertyId: "p" }, stage })).toEqual([]);
    expect(checkStageEntry({ deal: bare, stage }).map((error) => error.field)).toEqual(["propertyRef"]);
  });

  it("asks a lost deal for its reason, not a won one", () => {
    expect(
      checkStageEntry({ deal: bare, stage: { name: "Perdido", kind: "lost", requires: [] } }).map(
        (e) => e.field,
      ),
    ).toEqual(["reason"]);
    expect(
      checkStageEntry({
        deal: bare,
        stage: { name: "Perdido", kind: "lost", requires: [] },
        reason: "Preço",
      }),
    ).toEqual([]);
    expect(checkStageEntry({ deal: bare, stage: { name: "Ganho", kind: "won", requires: [] } })).toEqual([]);
  });
});
