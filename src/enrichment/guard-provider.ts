import {
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  isBrokenCircuitError,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import type { EnrichmentProvider, GuardedCall, ProviderFailure } from "./providers.ts";
import { BudgetExhaustedError, RequestBudget, type Timer } from "./request-budget.ts";

export interface GuardOptions {
  timeoutMs: number;
  /** Attempts per request, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive faults that open the breaker. */
  breakerThreshold: number;
  halfOpenAfterMs: number;
  timer: Timer;
  /** Overrides the provider's own rate (bench, tests). */
  ratePerSecond?: number;
}

export const DEFAULT_GUARD: Omit<GuardOptions, "timer"> = {
  timeoutMs: 10_000,
  maxAttempts: 3,
  initialDelayMs: 250,
  maxDelayMs: 5_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 30_000,
};

/** A provider with its own resilience state, kept for the life of the process. */
export interface GuardedProvider {
  provider: EnrichmentProvider;
  budget: RequestBudget;
  breaker: CircuitBreakerPolicy;
  call: GuardedCall;
  /** Classifies anything the guard or the provider threw. */
  classify(error: unknown): ProviderFailure;
}

/**
 * Wraps a provider: per request, a slot from the request budget, then a timeout per attempt, retries
 * with exponential jittered backoff on 5xx/429/timeouts/network errors only, all behind a circuit
 * breaker that opens after consecutive provider faults (not after answers about the contact).
 */
export function guardProvider(provider: EnrichmentProvider, options: GuardOptions): GuardedProvider {
  const budget = new RequestBudget({
    ratePerSecond: options.ratePerSecond ?? provider.ratePerSecond,
    timer: options.timer,
  });

  const classify = (error: unknown): ProviderFailure => {
    if (error instanceof BudgetExhaustedError) {
      return {
        code: "budget_exhausted",
        message: "request budget exhausted; paused until the provider allows more",
        retryable: false,
        fault: false,
        pauseSeconds: Math.ceil(error.retryAfterMs / 1000),
      };
    }
    if (isBrokenCircuitError(error)) {
      return {
        code: "circuit_open",
        message: "provider failing repeatedly; circuit open, not called",
        retryable: false,
        fault: false,
        pauseSeconds: Math.ceil(options.halfOpenAfterMs / 1000),
      };
    }
    // The timeout aborts the request: the fetch may reject with its AbortError before cockatiel's own.
    const aborted = error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
    // (cockatiel 3.2's isTaskCancelledError tests the wrong marker: instanceof instead)
    if (error instanceof TaskCancelledError || aborted) {
      return {
        code: "timeout",
        message: `no answer within ${options.timeoutMs} ms`,
        retryable: true,
        fault: true,
      };
    }
    return provider.classify(error);
  };

  const retryPolicy = retry(
    handleWhen((error) => classify(error).retryable),
    {
      maxAttempts: Math.max(0, options.maxAttempts - 1),
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs }),
    },
  );
  const breaker = circuitBreaker(
    handleWhen((error) => classify(error).fault),
    { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breakerThreshold) },
  );
  const perAttempt = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
  const policy = wrap(retryPolicy, breaker);

  const call: GuardedCall = (request, usageOf) =>
    policy.execute(async () => {
      await budget.acquire();
      try {
        const value = await perAttempt.execute(({ signal }) => request(signal));
        budget.record(usageOf(value));
        return value;
      } catch (error) {
        const failure = classify(error);
        budget.record(failure.usage);
        if (failure.code === "throttled") {
          // A hard limit pauses the provider; a 429 slows the next requests down and is retried.
          if (failure.retryable) budget.backOff(1000);
          else budget.pause(failure.pauseSeconds);
        }
        throw error;
      }
    });

  return { provider, budget, breaker, call, classify };
}
