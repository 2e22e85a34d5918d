import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limiter.ts";

describe("rate limiter", () => {
  it("spaces slots of one key at the rate, keys apart", async () => {
    const limiter = createRateLimiter();
    const started = performance.now();
    await Promise.all(Array.from({ length: 11 }, () => limiter.take("a", 100)));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(95);
    const other = performance.now();
    await limiter.take("b", 100);
    expect(performance.now() - other).toBeLessThan(50);
  });
  it("holds a paused key back", async () => {
    const limiter = createRateLimiter();
    limiter.pause("a", 60);
    const started = performance.now();
    await limiter.take("a", 1000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});
