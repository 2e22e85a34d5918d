import { describe, expect, it } from "vitest";
import { BudgetExhaustedError, RequestBudget, type Timer } from "./request-budget.ts";

function fakeTimer() {
  let now = 0;
  const sleeps: number[] = [];
  const timer: Timer & { sleeps: number[]; advance(ms: number): void } = {
    now: () => now,
    // Records the wait; time moves only when the test says so.
    sleep: async (ms) => {
      sleeps.push(Math.round(ms));
    },
    sleeps,
    advance: (ms) => {
      now += ms;
    },
  };
  return timer;
}

describe("RequestBudget", () => {
  it("spaces request starts to the rate, concurrent callers taking the next slot", async () => {
    const timer = fakeTimer();
    const budget = new RequestBudget({ ratePerSecond: 10, timer, headroom: 1 });
    await Promise.all([budget.acquire(), budget.acquire(), budget.acquire()]);
    // slot 0 now, then 100 ms and 200 ms from the start
    expect(timer.sleeps).toEqual([100, 200]);
    // By default 10% of the rate is kept as headroom.
    const spare = new RequestBudget({ ratePerSecond: 10, timer });
    await Promise.all([spare.acquire(), spare.acquire()]);
    expect(timer.sleeps.slice(2)).toEqual([111]);
  });

  it("slows down as the usage headers fill up", async () => {
    const timer = fakeTimer();
    const budget = new RequestBudget({ ratePerSecond: 10, timer, headroom: 1 });
    budget.record({ percent: 30, regainSeconds: 0 });
    expect(budget.currentRate).toBe(10);
    budget.record({ percent: 72.5, regainSeconds: 0 }); // halfway between 50 and 95
    expect(budget.currentRate).toBeCloseTo(5.5, 5);
    await budget.acquire();
    await budget.acquire();
    expect(timer.sleeps).toEqual([Math.round(1000 / 5.5)]);
    timer.advance(1000);
    budget.record({ percent: 94, regainSeconds: 0 });
    expect(budget.currentRate).toBeLessThan(1.5);
  });

  it("stops at the limit until access is regained, then goes on", async () => {
    const timer = fakeTimer();
    const budget = new RequestBudget({ ratePerSecond: 10, timer });
    budget.record({ percent: 100, regainSeconds: 120 });
    await expect(budget.acquire()).rejects.toBeInstanceOf(BudgetExhaustedError);
    expect(budget.pausedFor()).toBe(120_000);
    timer.advance(120_000);
    budget.record({ percent: 20, regainSeconds: 0 });
    await expect(budget.acquire()).resolves.toBeUndefined();
  });

  it("pauses for the default time when the vendor gives none", () => {
    const timer = fakeTimer();
    const budget = new RequestBudget({ ratePerSecond: 1, timer, defaultPauseSeconds: 60 });
    budget.record({ percent: 96, regainSeconds: 0 });
    expect(budget.pausedFor()).toBe(60_000);
  });
});
