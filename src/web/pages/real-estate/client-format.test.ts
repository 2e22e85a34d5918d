import { describe, expect, it } from "vitest";
import type { InterestView } from "../../../realestate/schemas.ts";
import { t } from "../../i18n.ts";
import { hasClientFilters, interestSummary, NO_CLIENT_FILTERS, priceRangeText } from "./client-format.ts";

const money = (value: number) => `R$ ${value}`;

function interest(patch: Partial<InterestView> = {}): InterestView {
  return {
    contactId: "c1",
    purpose: "buy",
    kinds: [],
    priceMin: null,
    priceMax: null,
    bedroomsMin: null,
    cities: [],
    neighborhoods: [],
    notes: null,
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...patch,
  };
}

describe("a client's price range", () => {
  it("says up to, from, or between, and nothing when no price was said", () => {
    expect(priceRangeText(null, 500_000, t, money)).toBe("até R$ 500000");
    expect(priceRangeText(300_000, null, t, money)).toBe("a partir de R$ 300000");
    expect(priceRangeText(300_000, 500_000, t, money)).toBe("R$ 300000 a R$ 500000");
    expect(priceRangeText(null, null, t, money)).toBe("");
  });
});

describe("a client's interest in short lines", () => {
  it("says what, the budget, where and the neighbourhoods preferred", () => {
    expect(
      interestSummary(
        interest({
          kinds: ["apartment", "house"],
          priceMax: 500_000,
          bedroomsMin: 2,
          cities: ["São Paulo", "Campinas"],
          neighborhoods: ["Pinheiros"],
        }),
        t,
        money,
      ),
    ).toEqual({
      what: "Comprar · Apartamento, Casa",
      budget: "até R$ 500000 · 2+ quartos",
      where: "São Paulo, Campinas",
      prefers: "bairros preferidos: Pinheiros",
    });
  });

  it("says any kind, and leaves out what was not said", () => {
    expect(interestSummary(interest({ purpose: "rent" }), t, money)).toEqual({
      what: "Alugar · qualquer tipo",
      budget: "",
      where: "",
      prefers: "",
    });
  });
});

describe("the client filters", () => {
  it("count as set once any has text", () => {
    expect(hasClientFilters(NO_CLIENT_FILTERS)).toBe(false);
    expect(hasClientFilters({ ...NO_CLIENT_FILTERS, city: "  " })).toBe(false);
    expect(hasClientFilters({ ...NO_CLIENT_FILTERS, kind: "house" })).toBe(true);
  });
});
