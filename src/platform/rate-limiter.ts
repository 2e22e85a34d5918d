import { setTimeout as sleep } from "node:timers/promises";

/**
 * Paces calls per key at a steady rate (one slot every 1/rate seconds, no bursts), in this process:
 * a channel's throughput limit (WhatsApp: 80 msg/s per number). `pause` holds a key back after the
 * provider said 429. Uses the monotonic clock, never the app's (possibly fixed) clock.
 */
export function createRateLimiter() {
  const nextSlot = new Map<string, number>();
  return {
    /** Waits for this key's next free slot at `perSecond`. */
    async take(key: string, perSecond: number): Promise<void> {
      const now = performance.now();
      const slot = Math.max(now, nextSlot.get(key) ?? 0);
      nextSlot.set(key, slot + 1000 / perSecond);
      if (slot > now) await sleep(slot - now);
    },
    /** No slot for this key for `ms` from now. */
    pause(key: string, ms: number): void {
      nextSlot.set(key, Math.max(nextSlot.get(key) ?? 0, performance.now() + ms));
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
