/**
 * Requests in flight in this process, and the rule by which background work yields to them.
 *
 * A process that both answers webhooks and runs the worker (role `all`) shares one event loop: a
 * batch of processing holds up every delivery waiting for its 2xx. Senders time out and retry (some
 * switch a failing webhook off), and every delivery is stored before it is answered, so answering
 * comes first: while requests are in flight, background work takes at most `share` of the time (it
 * waits `elapsed × (1 − share) ÷ share` after each slice, less if the requests finish sooner). With
 * no request in flight it runs flat out. Work is never starved: under constant load it still gets
 * its share, and a separate `--role worker` process is the way to give it more.
 */
export interface LoadGate {
  /** A request started. */
  enter(): void;
  /** A request ended (answered or aborted). */
  leave(): void;
  readonly inFlight: number;
  /** Runs one slice of background work, then yields its share of time to requests in flight. */
  pace<T>(work: () => Promise<T>): Promise<T>;
}

export interface LoadGateOptions {
  /** The part of the time background work may take while requests are in flight (0 < share ≤ 1). */
  share: number;
  /** Longest single pause after a slice. */
  maxPauseMs?: number;
}

export function createLoadGate(options: LoadGateOptions): LoadGate {
  const share = Math.min(1, Math.max(0.01, options.share));
  const maxPauseMs = options.maxPauseMs ?? 1_000;
  let inFlight = 0;
  /** Requests seen so far: a slice during which requests came yields even if none is left. */
  let arrivals = 0;
  let idleWaiters: (() => void)[] = [];
  /** The slice that holds the turn while requests are in flight. */
  let turn: Promise<void> | null = null;

  const wakeIdle = () => {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };

  /** Resolves after `ms`, or as soon as no request is in flight. */
  const pauseWhileBusy = (ms: number) =>
    new Promise<void>((resolve) => {
      if (inFlight === 0 || ms <= 0) return resolve();
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      idleWaiters.push(finish);
    });

  return {
    enter() {
      inFlight++;
      arrivals++;
    },
    leave() {
      inFlight = Math.max(0, inFlight - 1);
      if (inFlight === 0) wakeIdle();
    },
    get inFlight() {
      return inFlight;
    },
    async pace(work) {
      if (share >= 1) return work();
      // Under load, slices run one at a time (several fetchers would otherwise each take a share).
      while (turn && inFlight > 0) await turn;
      let release = () => {};
      const mine = new Promise<void>((resolve) => {
        release = resolve;
      });
      turn = mine;
      const seenAtStart = arrivals;
      const started = performance.now();
      try {
        return await work();
      } finally {
        if (arrivals > seenAtStart || inFlight > 0) {
          const elapsed = performance.now() - started;
          await pauseWhileBusy(Math.min(maxPauseMs, (elapsed * (1 - share)) / share));
        }
        if (turn === mine) turn = null;
        release();
      }
    },
  };
}
