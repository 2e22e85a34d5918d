import type { Usage } from "./providers.ts";

/** Monotonic time and waiting, injectable so pacing is testable without real delays. */
export interface Timer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTimer: Timer = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** Thrown instead of calling the vendor while the budget is spent (not retried, not a breaker fault). */
export class BudgetExhaustedError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`request budget exhausted for ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = "BudgetExhaustedError";
  }
}

export interface BudgetOptions {
  /** Requests per second when usage is low. */
  ratePerSecond: number;
  /** Usage % where slowing down starts. */
  slowFrom?: number;
  /** Usage % where requests stop until access is regained. */
  stopAt?: number;
  /**
   * Share of the rate actually used (default 0.9): timers fire late under load, and two requests that
   * left late and on time would otherwise land closer together than the vendor allows.
   */
  headroom?: number;
  /** Slowest pace, as a fraction of the rate, just below `stopAt`. */
  slowestFactor?: number;
  /** Pause when stopped and the vendor gave no time. */
  defaultPauseSeconds?: number;
  timer?: Timer;
}

/**
 * A provider's request budget: spaces request starts to the rate (concurrent callers take the next
 * free slot), slows down as the vendor's usage headers fill up, and stops at the limit until the
 * vendor says access is back.
 */
export class RequestBudget {
  private readonly timer: Timer;
  private readonly slowFrom: number;
  private readonly stopAt: number;
  private readonly slowestFactor: number;
  private readonly headroom: number;
  private readonly defaultPauseSeconds: number;
  private nextSlot = 0;
  private usagePercent = 0;
  private pausedUntil = 0;
  /** When the requests of the last second really started. */
  private readonly starts: number[] = [];

  constructor(private readonly options: BudgetOptions) {
    this.timer = options.timer ?? realTimer;
    this.slowFrom = options.slowFrom ?? 50;
    this.stopAt = options.stopAt ?? 95;
    this.slowestFactor = options.slowestFactor ?? 0.1;
    this.headroom = options.headroom ?? 0.9;
    this.defaultPauseSeconds = options.defaultPauseSeconds ?? 300;
  }

  /** Current pace, requests per second, after the usage slowdown. */
  get currentRate(): number {
    const { ratePerSecond } = this.options;
    if (this.usagePercent <= this.slowFrom) return ratePerSecond;
    const span = Math.max(1, this.stopAt - this.slowFrom);
    const progress = Math.min(1, (this.usagePercent - this.slowFrom) / span);
    return ratePerSecond * (1 - (1 - this.slowestFactor) * progress);
  }

  get usage(): number {
    return this.usagePercent;
  }

  /** Milliseconds until requests may start again (0 when not paused). */
  pausedFor(): number {
    return Math.max(0, this.pausedUntil - this.timer.now());
  }

  /** Waits for this caller's slot; throws BudgetExhaustedError while paused. */
  async acquire(): Promise<void> {
    const paused = this.pausedFor();
    if (paused > 0) throw new BudgetExhaustedError(paused);
    const now = this.timer.now();
    const interval = 1000 / (this.currentRate * this.headroom);
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + interval;
    if (slot > now) await this.timer.sleep(slot - now);
    // Timers fire late when the event loop is busy, and late requests must not bunch up: never more
    // than the paced rate started in any one second, whatever the slots said.
    const perSecond = Math.max(1, Math.floor(this.currentRate * this.headroom));
    for (let guard = 0; guard < 1000; guard++) {
      const current = this.timer.now();
      while (this.starts.length > 0 && (this.starts[0] ?? 0) <= current - 1000) this.starts.shift();
      if (this.starts.length < perSecond) break;
      await this.timer.sleep((this.starts[0] ?? current) + 1000 - current + 1);
    }
    const pausedMeanwhile = this.pausedFor();
    if (pausedMeanwhile > 0) throw new BudgetExhaustedError(pausedMeanwhile);
    this.starts.push(this.timer.now());
  }

  /** Feeds the usage the vendor reported on a response; at the limit, pauses. */
  record(usage: Usage | null | undefined): void {
    if (!usage) return;
    this.usagePercent = usage.percent;
    if (usage.percent >= this.stopAt || usage.regainSeconds > 0) {
      this.pause(usage.regainSeconds > 0 ? usage.regainSeconds : undefined);
    }
  }

  /** A 429 without a pause: the next slots start `ms` later. */
  backOff(ms: number): void {
    this.nextSlot = Math.max(this.nextSlot, this.timer.now()) + ms;
  }

  /** Stops requests for `seconds` (the vendor's estimate, or the default). */
  pause(seconds?: number): number {
    const ms = (seconds && seconds > 0 ? seconds : this.defaultPauseSeconds) * 1000;
    this.pausedUntil = Math.max(this.pausedUntil, this.timer.now() + ms);
    return ms;
  }
}
