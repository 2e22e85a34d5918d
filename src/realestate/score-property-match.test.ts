import { describe, expect, it } from "vitest";
import type { Interest } from "./schemas.ts";
import { normalizePlace, scorePropertyMatch } from "./score-property-match.ts";

const any: Interest = {
  purpose: "buy",
  kinds: [],
  priceMin: null,
  priceMax: null,
  bedroomsMin: null,
  cities: [],
  neighborhoods: [],
  notes: null,
};
const flat = {
  kind: "apartment" as const,
  purpose: "sale" as const,
  price: 480_000,
  bedrooms: 2,
  city: "São Paulo",
  neighborhood: "Pinheiros",
  status: "available" as const,
};

describe("matching a property to an interest", () => {
  it("fits anything available for the purpose when the interest says nothing more", () => {
    expect(scorePropertyMatch(any, flat)).toEqual({ score: 100, reasons: [] });
    expect(scorePropertyMatch(any, { ...flat, status: "reserved" })).toBeNull();
    expect(scorePropertyMatch({ ...any, purpose: "rent" }, flat)).toBeNull();
    expect(scorePropertyMatch({ ...any, purpose: "rent" }, { ...flat, purpose: "rent" })?.score).toBe(100);
  });

  it("leaves out other kinds, other cities, over 10% above the budget and two bedrooms short", () => {
    expect(scorePropertyMatch({ ...any, kinds: ["house"] }, flat)).toBeNull();
    expect(scorePropertyMatch({ ...any, cities: ["Campinas"] }, flat)).toBeNull();
    expect(scorePropertyMatch({ ...any, cities: ["sao  paulo"] }, flat)?.score).toBe(100);
    expect(scorePropertyMatch({ ...any, priceMax: 430_000 }, flat)).toBeNull();
    expect(scorePropertyMatch({ ...any, bedroomsMin: 4 }, flat)).toBeNull();
  });

  it("scores the share of the stated criteria met, nearly-met ones for part", () => {
    const nearly = scorePropertyMatch(
      { ...any, priceMax: 450_000, bedroomsMin: 3, neighborhoods: ["Perdizes"] },
      flat,
    );
    expect(nearly?.reasons.map((reason) => [reason.rule, reason.fit, reason.points])).toEqual([
      ["price", "partial", 20],
      ["bedrooms", "partial", 10],
      ["neighborhood", "none", 0],
    ]);
    expect(nearly?.score).toBe(Math.round((100 * 30) / 85));
    const cheap = scorePropertyMatch({ ...any, priceMin: 500_000, priceMax: 900_000 }, flat);
    expect(cheap?.reasons[0]).toMatchObject({ fit: "partial", points: 30 });
    expect(scorePropertyMatch({ ...any, bedroomsMin: 2 }, { ...flat, bedrooms: null })).toEqual({
      score: 0,
      reasons: [{ rule: "bedrooms", fit: "none", points: 0, label: "bedrooms not given" }],
    });
  });

  it("treats accents, case and spaces of place names alike", () => {
    expect(normalizePlace("  São   Paulo ")).toBe("sao paulo");
    expect(normalizePlace("JARDIM ÉDEN")).toBe("jardim eden");
  });
});
