import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLoadGate } from "./load-gate.ts";

/** A slice of background work that takes `ms` of (fake) time. */
const sliceOf = (ms: number, log?: string[], name?: string) => async () => {
  if (log && name) log.push(`${name} start`);
  await new Promise((resolve) => setTimeout(resolve, ms));
  if (log && name) log.push(`${name} end`);
  return name ?? "done";
};

describe("load gate", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs background work flat out while no request is in flight", async () => {
    const gate = createLoadGate({ share: 0.1 });
    const started = performance.now();
    const done = gate.pace(sliceOf(40));
    await vi.advanceTimersByTimeAsync(40);
    await expect(done).resolves.toBe("done");
    expect(performance.now() - started).toBe(40);
  });

  it("leaves requests in flight (1 − share) of the time after each slice", async () => {
    const gate = createLoadGate({ share: 0.2 });
    gate.enter();
    let finished = false;
    const done = gate.pace(sliceOf(10)).then(() => {
      finished = true;
    });
    // 10 ms of work at a 20% share: 40 ms for the requests before the next slice may start.
    await vi.advanceTimersByTimeAsync(49);
    expect(finished).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(finished).toBe(true);
  });

  it("ends the pause as soon as the last request is answered", async () => {
    const gate = createLoadGate({ share: 0.1 });
    gate.enter();
    let finished = false;
    const done = gate.pace(sliceOf(10)).then(() => {
      finished = true;
    });
    await vi.advanceTimersByTimeAsync(15);
    expect(finished).toBe(false);
    gate.leave();
    await vi.advanceTimersByTimeAsync(0);
    await done;
    expect(finished).toBe(true);
    expect(gate.inFlight).toBe(0);
  });

  it("also pauses after a slice during which requests came and went", async () => {
    const gate = createLoadGate({ share: 0.5, maxPauseMs: 1_000 });
    let finished = false;
    const done = gate.pace(sliceOf(10)).then(() => {
      finished = true;
    });
    gate.enter();
    await vi.advanceTimersByTimeAsync(10);
    // A request still in flight when the slice ends: the slice yields 10 ms (50% share).
    expect(finished).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    await done;
    expect(finished).toBe(true);
    gate.leave();
  });

  it("runs slices one at a time under load, and never pauses longer than maxPauseMs", async () => {
    const gate = createLoadGate({ share: 0.01, maxPauseMs: 100 });
    gate.enter();
    const log: string[] = [];
    const first = gate.pace(sliceOf(10, log, "a"));
    const second = gate.pace(sliceOf(10, log, "b"));
    // a: 10 ms of work, then a pause capped at 100 ms (a 1% share would ask for 990 ms); then b.
    await vi.advanceTimersByTimeAsync(109);
    expect(log).toEqual(["a start", "a end"]);
    await vi.advanceTimersByTimeAsync(1);
    await first;
    expect(log).toEqual(["a start", "a end", "b start"]);
    await vi.advanceTimersByTimeAsync(110);
    await second;
    expect(log).toEqual(["a start", "a end", "b start", "b end"]);
  });

  it("with a share of 1 never yields", async () => {
    const gate = createLoadGate({ share: 1 });
    gate.enter();
    const started = performance.now();
    const done = gate.pace(sliceOf(10));
    await vi.advanceTimersByTimeAsync(10);
    await done;
    expect(performance.now() - started).toBe(10);
  });

  it("never counts below zero", () => {
    const gate = createLoadGate({ share: 0.1 });
    gate.enter();
    gate.enter();
    gate.leave();
    gate.leave();
    gate.leave();
    expect(gate.inFlight).toBe(0);
  });
});
