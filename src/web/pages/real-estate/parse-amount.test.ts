import { describe, expect, it } from "vitest";
import { parseAmount } from "./parse-amount.ts";

describe("amounts typed in the forms", () => {
  it("reads Brazilian and plain numbers alike", () => {
    expect(parseAmount("480.000")).toBe(480_000);
    expect(parseAmount("480.000,50")).toBe(480_000.5);
    expect(parseAmount("R$ 1.200")).toBe(1_200);
    expect(parseAmount("72,5")).toBe(72.5);
    expect(parseAmount("72.5")).toBe(72.5);
    expect(parseAmount("3")).toBe(3);
  });

  it("says empty for nothing and NaN for what is not a number", () => {
    expect(parseAmount("  ")).toBeNull();
    expect(parseAmount("abc")).toBeNaN();
    expect(parseAmount("1,2,3")).toBeNaN();
  });
});
