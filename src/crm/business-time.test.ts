import { describe, expect, it } from "vitest";
import { addBusinessMinutes, type BusinessCalendar, businessMinutesBetween } from "./business-time.ts";

// São Paulo is UTC−3 all year: 09:00 local = 12:00Z, 18:00 local = 21:00Z.
const calendar: BusinessCalendar = {
  timeZone: "America/Sao_Paulo",
  days: [1, 2, 3, 4, 5],
  start: "09:00",
  end: "18:00",
  holidays: ["2026-12-25"],
};

describe("business time", () => {
  it("adds minutes inside one working day", () => {
    expect(addBusinessMinutes(new Date("2026-11-23T13:00:00Z"), 30, calendar)).toEqual(
      new Date("2026-11-23T13:30:00Z"),
    );
  });

  it("carries what is left of the day over to the next opening", () => {
    // Monday 17:45 local + 30 business minutes = Tuesday 09:15 local.
    expect(addBusinessMinutes(new Date("2026-11-23T20:45:00Z"), 30, calendar)).toEqual(
      new Date("2026-11-24T12:15:00Z"),
    );
  });

  it("starts counting at the next opening when a lead arrives at night or on a weekend", () => {
    // Saturday 22:00 local → Monday 09:00 + 60 minutes.
    expect(addBusinessMinutes(new Date("2026-11-29T01:00:00Z"), 60, calendar)).toEqual(
      new Date("2026-11-30T13:00:00Z"),
    );
  });

  it("skips holidays: Thursday 24 December 17:30 + 60 minutes is Monday the 28th at 09:30", () => {
    // 30 minutes that evening; Friday the 25th is Christmas; then the weekend.
    expect(addBusinessMinutes(new Date("2026-12-24T20:30:00Z"), 60, calendar)).toEqual(
      new Date("2026-12-28T12:30:00Z"),
    );
  });

  it("measures business minutes between two instants, across nights, weekends and holidays", () => {
    expect(
      businessMinutesBetween(new Date("2026-11-23T20:00:00Z"), new Date("2026-11-24T13:00:00Z"), calendar),
    ).toBe(120);
    expect(
      businessMinutesBetween(new Date("2026-12-24T20:30:00Z"), new Date("2026-12-28T12:30:00Z"), calendar),
    ).toBe(60);
    expect(
      businessMinutesBetween(new Date("2026-11-24T13:00:00Z"), new Date("2026-11-23T13:00:00Z"), calendar),
    ).toBe(0);
  });
});
