import { describe, expect, it } from "vitest";
import { chooseOwner, isWithinWorkingHours } from "./choose-owner.ts";

const members = new Set(["a", "b", "c"]);
const rule = (over: Partial<Parameters<typeof chooseOwner>[0]["rule"]> = {}) => ({
  strategy: "round_robin" as const,
  ownerIds: ["a", "b", "c"],
  maxOpenDeals: null,
  cursor: 0,
  ...over,
});

describe("choosing an owner", () => {
  it("rotates round-robin from the cursor, wrapping around", () => {
    let cursor = 0;
    const picks: (string | null)[] = [];
    for (let n = 0; n < 7; n++) {
      const choice = chooseOwner({ rule: rule({ cursor }), loads: new Map(), members });
      picks.push(choice.ownerId);
      cursor = choice.cursor;
    }
    expect(picks).toEqual(["a", "b", "c", "a", "b", "c", "a"]);
  });

  it("skips owners at their cap and people who left, and gives nobody when all are full", () => {
    const loads = new Map([
      ["a", 2],
      ["b", 1],
    ]);
    expect(chooseOwner({ rule: rule({ maxOpenDeals: 2 }), loads, members }).ownerId).toBe("b");
    expect(
      chooseOwner({ rule: rule({ maxOpenDeals: 2 }), loads, members: new Set(["a", "c"]) }).ownerId,
    ).toBe("c");
    const full = chooseOwner({
      rule: rule({ maxOpenDeals: 1 }),
      loads: new Map([
        ["a", 1],
        ["b", 1],
        ["c", 3],
      ]),
      members,
    });
    expect(full).toMatchObject({ ownerId: null, reason: "every owner is at the cap of open deals" });
  });

  it("gives least-loaded deals to whoever has the fewest open ones, ties in rotation order", () => {
    const loads = new Map([
      ["a", 3],
      ["b", 1],
      ["c", 1],
    ]);
    const first = chooseOwner({ rule: rule({ strategy: "least_loaded", cursor: 2 }), loads, members });
    expect(first).toMatchObject({ ownerId: "c", cursor: 0, reason: "fewest open deals (1)" });
    loads.set("c", 2);
    expect(chooseOwner({ rule: rule({ strategy: "least_loaded", cursor: 0 }), loads, members }).ownerId).toBe(
      "b",
    );
  });

  it("knows working hours in the rule's time zone", () => {
    const hours = { timeZone: "America/Sao_Paulo", days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" };
    // Monday 2026-11-23: 09:00 and 17:59 in São Paulo are in, 18:00 is out; Saturday is out.
    expect(isWithinWorkingHours(hours, new Date("2026-11-23T12:00:00Z"))).toBe(true);
    expect(isWithinWorkingHours(hours, new Date("2026-11-23T20:59:00Z"))).toBe(true);
    expect(isWithinWorkingHours(hours, new Date("2026-11-23T21:00:00Z"))).toBe(false);
    expect(isWithinWorkingHours(hours, new Date("2026-11-23T11:59:00Z"))).toBe(false);
    expect(isWithinWorkingHours(hours, new Date("2026-11-28T15:00:00Z"))).toBe(false);
  });
});
