import { describe, expect, it } from "vitest";
import { bandScale, labelEvery, linearScale, niceStep, niceTicks, stack } from "./scales.ts";

describe("chart scales", () => {
  it("steps on round whole numbers", () => {
    expect([0, 0.4, 1, 1.75, 3, 7, 23.75, 120, 4500].map(niceStep)).toEqual([
      1, 1, 1, 2, 5, 10, 50, 200, 5000,
    ]);
  });

  it("ticks from zero to a round top that holds the largest value", () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(8)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(95)).toEqual([0, 50, 100]);
    expect(niceTicks(1234, 5)).toEqual([0, 500, 1000, 1500]);
  });

  it("maps linearly, flipped ranges too, and a flat domain to the start", () => {
    const y = linearScale([0, 10], [200, 0]);
    expect([0, 5, 10].map(y)).toEqual([200, 100, 0]);
    expect(linearScale([3, 3], [0, 50])(3)).toBe(0);
  });

  it("splits a range into padded bands", () => {
    const band = bandScale(4, [0, 400], 0.2);
    expect(band.step).toBe(100);
    expect(band.bandwidth).toBe(80);
    expect([0, 1, 3].map(band.x)).toEqual([10, 110, 310]);
    expect(bandScale(0, [0, 100]).step).toBe(0);
  });

  it("labels few enough categories", () => {
    expect(labelEvery(30, 10)).toBe(3);
    expect(labelEvery(7, 10)).toBe(1);
    expect(labelEvery(60, 0)).toBe(60);
  });

  it("stacks values in order, leaving empty ones out", () => {
    expect(
      stack([
        { key: "a", value: 2 },
        { key: "b", value: 0 },
        { key: "c", value: 3 },
      ]),
    ).toEqual([
      { key: "a", value: 2, from: 0, to: 2 },
      { key: "c", value: 3, from: 2, to: 5 },
    ]);
  });
});
