import { setImmediate as nextTurn } from "node:timers/promises";

/**
 * A FIFO lock: one holder at a time. Guards PGlite's single connection. The next holder gets the lock
 * on a later turn of the event loop, so HTTP requests and timers run between database operations
 * (PGlite executes synchronously inside this process).
 */
export function createMutex() {
  let tail: Promise<void> = Promise.resolve();
  return {
    acquire(): Promise<() => void> {
      let release!: () => void;
      const next = new Promise<void>((resolve) => {
        release = resolve;
      });
      const ready = tail.then(() => nextTurn()).then(() => release);
      tail = tail.then(() => next);
      return ready;
    },
  };
}

export type Mutex = ReturnType<typeof createMutex>;
