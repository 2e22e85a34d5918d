import { sql } from "kysely";
import type { Database } from "../src/platform/db/connect.ts";

export interface DrainSample {
  /** Events still waiting (`received`). */
  remaining: number;
}

export interface DrainWait {
  isComplete: boolean;
  /** True when the backlog stopped moving before it was empty (e.g. jobs held by a stopped process). */
  isStalled: boolean;
  remaining: number;
  /** Events per second seen by polling (a cross-check; null when too few samples moved). */
  polledRate: number | null;
}

const POLL_MS = 50;

/**
 * Polls the backlog until it is empty, stops moving for `stallSeconds`, or `maxSeconds` have
 * passed. A sample may be null while nothing answers yet (the process is starting, or too busy).
 */
export async function waitForDrain(input: {
  initial: number;
  sample: () => Promise<DrainSample | null>;
  maxSeconds: number;
  stallSeconds: number;
  signal: AbortSignal;
}): Promise<DrainWait> {
  const startedAt = performance.now();
  let firstMove: { at: number; remaining: number } | null = null;
  let lastMove: { at: number; remaining: number } | null = null;
  let previous: { at: number; remaining: number } | null = null;
  while (true) {
    input.signal.throwIfAborted();
    const current = await input.sample().catch(() => null);
    const at = performance.now();
    if (current) {
      if (!firstMove && current.remaining < input.initial) {
        // From the last sample that still saw the whole backlog, else from this one.
        firstMove = previous?.remaining === input.initial ? previous : { at, remaining: current.remaining };
      }
      previous = { at, remaining: current.remaining };
      if (!lastMove || lastMove.remaining !== current.remaining)
        lastMove = { at, remaining: current.remaining };
      const isComplete = current.remaining === 0;
      const isStalled = !isComplete && firstMove !== null && (at - lastMove.at) / 1000 >= input.stallSeconds;
      if (isComplete || isStalled || (at - startedAt) / 1000 >= input.maxSeconds) {
        const end = isStalled ? lastMove : { at, remaining: current.remaining };
        const moved = firstMove ? firstMove.remaining - end.remaining : 0;
        const seconds = firstMove ? (end.at - firstMove.at) / 1000 : 0;
        return {
          isComplete,
          isStalled,
          remaining: current.remaining,
          polledRate: moved > 0 && seconds > 0.2 ? moved / seconds : null,
        };
      }
    } else if ((at - startedAt) / 1000 >= input.maxSeconds) {
      return { isComplete: false, isStalled: false, remaining: input.initial, polledRate: null };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export interface DrainRate {
  /** Events per second between the first and the last event the worker took. */
  rate: number;
  events: number;
  failed: number;
  seconds: number;
}

/**
 * The processing rate from the worker's own timestamps: every event it handled records
 * `processed_at` (set as it starts on the event), so the rate is (n − 1) ÷ (last − first) over the
 * events handled since `since`. Exact whatever the polling could see.
 */
export async function drainRateFromDatabase(database: Database, since: Date): Promise<DrainRate> {
  const row = await database.kysely
    .selectFrom("inbox_events")
    .select([
      sql<number>`count(*)::int`.as("events"),
      sql<number>`(count(*) filter (where status = 'failed'))::int`.as("failed"),
      sql<Date | null>`min(processed_at)`.as("first"),
      sql<Date | null>`max(processed_at)`.as("last"),
    ])
    .where("source", "=", "generic")
    .where("status", "in", ["processed", "failed"])
    .where("processed_at", ">=", since)
    .executeTakeFirstOrThrow();
  const events = Number(row.events);
  const first = row.first ? new Date(row.first).getTime() : 0;
  const last = row.last ? new Date(row.last).getTime() : 0;
  const seconds = (last - first) / 1000;
  if (events < 2 || seconds <= 0) {
    throw new Error(`only ${events} events were processed; cannot compute a processing rate`);
  }
  return { rate: (events - 1) / seconds, events, failed: Number(row.failed), seconds };
}
