import { describe, expect, it } from "vitest";
import { createBatcher, type Settled } from "./batcher.ts";

describe("createBatcher", () => {
  it("runs a lone item at once and groups items that arrive while a batch runs", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const batcher = createBatcher<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return items.map((item): Settled<number> => ({ ok: true, value: item * 10 }));
      },
      { maxBatch: 3, maxInFlight: 1 },
    );
    const first = batcher.submit(1);
    const rest = [2, 3, 4, 5].map((n) => batcher.submit(n));
    expect(batches).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it("settles each item on its own", async () => {
    const batcher = createBatcher<number, number>(
      async (items) =>
        items.map((item) =>
          item % 2 ? { ok: true, value: item } : { ok: false, error: new Error(`even ${item}`) },
        ),
      { maxBatch: 10, maxInFlight: 2 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });

  it("rejects the whole batch when the runner throws, and keeps going", async () => {
    let calls = 0;
    const batcher = createBatcher<number, number>(
      async (items) => {
        calls++;
        if (calls === 1) throw new Error("database down");
        return items.map((item) => ({ ok: true, value: item }));
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    await expect(batcher.submit(1)).rejects.toThrow("database down");
    expect(await batcher.submit(2)).toBe(2);
  });
});
