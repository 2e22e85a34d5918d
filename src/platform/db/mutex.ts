/** A FIFO lock: one holder at a time. Guards PGlite's single connection. */
export function createMutex() {
  let tail: Promise<void> = Promise.resolve();
  return {
    acquire(): Promise<() => void> {
      let release!: () => void;
      const next = new Promise<void>((resolve) => {
        release = resolve;
      });
      const ready = tail.then(() => release);
      tail = tail.then(() => next);
      return ready;
    },
  };
}

export type Mutex = ReturnType<typeof createMutex>;
