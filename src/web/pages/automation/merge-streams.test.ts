import { describe, expect, it } from "vitest";
import { mergeStreams, newestFirst } from "./merge-streams.ts";

const item = (id: string, minute: number) => ({
  id,
  createdAt: `2026-12-01T10:${String(minute).padStart(2, "0")}:00.000Z`,
});

describe("merging the lists of a tab", () => {
  it("orders newest first, then by id, as the server pages", () => {
    const items = [item("a", 1), item("c", 5), item("b", 5)];
    expect([...items].sort(newestFirst).map((entry) => entry.id)).toEqual(["c", "b", "a"]);
  });

  it("shows everything when no list has more to load", () => {
    const merged = mergeStreams([
      { items: [item("a2", 50), item("a1", 10)], cursor: null },
      { items: [item("b1", 30)], cursor: null },
    ]);
    expect(merged.map((entry) => entry.id)).toEqual(["a2", "b1", "a1"]);
  });

  it("holds back what a list with more pages could still precede", () => {
    const approved = { items: [item("a3", 50), item("a2", 40)], cursor: "next" };
    const sending = { items: [item("s2", 45), item("s1", 20)], cursor: null };
    // Approved's next page holds items older than 10:40; s1 (10:20) must wait for it.
    expect(mergeStreams([approved, sending]).map((entry) => entry.id)).toEqual(["a3", "s2", "a2"]);
    const loaded = { items: [...approved.items, item("a1", 10)], cursor: null };
    expect(mergeStreams([loaded, sending]).map((entry) => entry.id)).toEqual(["a3", "s2", "a2", "s1", "a1"]);
  });

  it("takes the newest of the lists' last items as the bound", () => {
    const merged = mergeStreams([
      { items: [item("a", 50), item("b", 30)], cursor: "more" },
      { items: [item("c", 40), item("d", 35)], cursor: "more" },
    ]);
    expect(merged.map((entry) => entry.id)).toEqual(["a", "c", "d"]);
  });
});
