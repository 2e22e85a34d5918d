/** One thing that happens at a moment of the simulated past. */
interface Step {
  at: number;
  seq: number;
  run: () => Promise<void>;
}

export interface Timeline {
  /** Schedules `run` at `at` (never before the moment being played: the past cannot change). */
  at(at: Date | number, run: () => Promise<void>): void;
  /** The moment being played (the clock), in epoch ms. */
  now(): number;
  /** Plays every step up to `end` in time order (ties in the order they were scheduled). */
  play(end: number, onStep: (at: number) => void): Promise<number>;
}

/** A min-heap of steps by time, then by the order they were added (deterministic). */
export function createTimeline(start: number): Timeline {
  const heap: Step[] = [];
  let seq = 0;
  let current = start;
  const before = (a: Step, b: Step) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const swap = (i: number, j: number) => {
    const a = heap[i] as Step;
    heap[i] = heap[j] as Step;
    heap[j] = a;
  };
  const push = (step: Step) => {
    heap.push(step);
    for (let index = heap.length - 1; index > 0; ) {
      const parent = (index - 1) >> 1;
      if (!before(heap[index] as Step, heap[parent] as Step)) break;
      swap(index, parent);
      index = parent;
    }
  };
  const pop = (): Step | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      for (let index = 0; ; ) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && before(heap[left] as Step, heap[smallest] as Step)) smallest = left;
        if (right < heap.length && before(heap[right] as Step, heap[smallest] as Step)) smallest = right;
        if (smallest === index) break;
        swap(index, smallest);
        index = smallest;
      }
    }
    return top;
  };
  return {
    at(at, run) {
      const time = typeof at === "number" ? at : at.getTime();
      push({ at: Math.max(time, current), seq: seq++, run });
    },
    now: () => current,
    async play(end, onStep) {
      let played = 0;
      for (let step = pop(); step; step = pop()) {
        if (step.at > end) {
          push(step);
          break;
        }
        current = step.at;
        onStep(current);
        await step.run();
        played++;
      }
      current = Math.max(current, end);
      return played;
    },
  };
}
