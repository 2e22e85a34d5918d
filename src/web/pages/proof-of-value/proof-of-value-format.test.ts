import { describe, expect, it } from "vitest";
import { PERMISSIONS, ROLES } from "../../../auth/schemas.ts";
import {
  canSeeProofOfValue,
  clientMayOpen,
  fileNameFrom,
  formatShare,
  headlineKind,
  homePathFor,
  isClientRole,
  niceMax,
  weekBars,
  weekLabel,
} from "./proof-of-value-format.ts";

const headline = {
  productName: null,
  cohort: null,
  enrollments: 4,
  firstAccesses: 3,
  ourFirstAccesses: 2,
  ourShare: 0.6667,
};

describe("who sees the proof of value", () => {
  it("the roles of analytics:proof, and a client nothing else", () => {
    expect(ROLES.filter((role) => canSeeProofOfValue(role))).toEqual([...PERMISSIONS["analytics:proof"]]);
    expect(canSeeProofOfValue("sales")).toBe(false);
    expect(canSeeProofOfValue(null)).toBe(false);
    expect(isClientRole("client")).toBe(true);
    expect(isClientRole("viewer")).toBe(false);
    expect(homePathFor("client")).toBe("/proof-of-value");
    expect(homePathFor("admin")).toBe("/leads");
    expect(clientMayOpen("/proof-of-value")).toBe(true);
    expect(clientMayOpen("/leads")).toBe(false);
    expect(clientMayOpen("/proof-of-value/x")).toBe(false);
  });
});

describe("the headline", () => {
  it("is about the cohort, the product or everything, or says there is nothing yet", () => {
    expect(headlineKind({ ...headline, cohort: "Turma 10", productName: "Lumina" })).toBe("cohort");
    expect(headlineKind({ ...headline, productName: "Lumina" })).toBe("product");
    expect(headlineKind(headline)).toBe("all");
    expect(headlineKind({ ...headline, firstAccesses: 0, ourFirstAccesses: 0, ourShare: null })).toBe("none");
    expect(formatShare(0.6667, "pt-BR")).toBe("67%");
    expect(formatShare(0.4, "en")).toBe("40%");
    expect(formatShare(null, "pt-BR")).toBe("—");
  });
});

describe("the weekly chart", () => {
  it("labels weeks by their Monday as a calendar day, in the language's order", () => {
    expect(weekLabel("2026-11-16", "pt-BR")).toBe("16/11");
    expect(weekLabel("2026-11-16", "en")).toBe("11/16");
    expect(weekLabel("nope", "en")).toBe("nope");
  });

  it("scales to a round top and stacks our link under Hotmart's e-mail", () => {
    expect([0, 1, 3, 7, 10, 11, 45, 120].map(niceMax)).toEqual([1, 1, 5, 10, 10, 20, 50, 200]);
    const { max, bars } = weekBars(
      [
        { week: "2026-11-16", whatsapp_link: 0, hotmart_email: 1, other: 0, total: 1 },
        { week: "2026-11-23", whatsapp_link: 2, hotmart_email: 0, other: 0, total: 2 },
      ],
      200,
      100,
    );
    expect(max).toBe(2);
    expect(bars.map((bar) => [bar.week, bar.x, bar.width])).toEqual([
      // 60% of each 100-unit slot, at most 48 wide, centred.
      ["2026-11-16", 26, 48],
      ["2026-11-23", 126, 48],
    ]);
    expect(bars[0]?.segments).toEqual([{ origin: "hotmart_email", count: 1, y: 50, height: 50 }]);
    expect(bars[1]?.segments).toEqual([{ origin: "whatsapp_link", count: 2, y: 0, height: 100 }]);
    const mixed = weekBars(
      [{ week: "2026-11-30", whatsapp_link: 1, hotmart_email: 2, other: 1, total: 4 }],
      100,
      100,
    );
    expect(mixed.bars[0]?.segments.map((segment) => [segment.origin, segment.y, segment.height])).toEqual([
      ["whatsapp_link", 80, 20],
      ["hotmart_email", 40, 40],
      ["other", 20, 20],
    ]);
    expect(weekBars([], 100, 100)).toEqual({ max: 1, bars: [] });
  });

  it("reads the CSV's file name from Content-Disposition", () => {
    expect(fileNameFrom('attachment; filename="proof-of-value-weeks.csv"', "x.csv")).toBe(
      "proof-of-value-weeks.csv",
    );
    expect(fileNameFrom(null, "x.csv")).toBe("x.csv");
  });
});
