import { describe, expect, it } from "vitest";
import {
  addHoliday,
  allFieldsShown,
  canOpenSettings,
  dayRangeQuery,
  fieldMessages,
  firstOf,
  formatDateOnly,
  formatMinutes,
  isDateOnly,
  pickSettingsTab,
  removeHoliday,
  settingsTabsFor,
  shortId,
  toggleDay,
  truncate,
  weekdayOf,
  withoutNoise,
} from "./settings-format.ts";

describe("who sees Configurações", () => {
  it("opens for admins and managers only; Equipe is the admins'", () => {
    expect(["admin", "manager", "sales", "cs", "viewer", undefined].map(canOpenSettings)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(settingsTabsFor("admin")).toEqual(["sla", "team", "audit"]);
    expect(settingsTabsFor("manager")).toEqual(["sla", "audit"]);
    expect(settingsTabsFor("sales")).toEqual([]);
  });

  it("picks the tab the route names when the role may see it, else the first one", () => {
    expect(pickSettingsTab("audit", "manager")).toBe("audit");
    expect(pickSettingsTab("team", "manager")).toBe("sla");
    expect(pickSettingsTab(undefined, "admin")).toBe("sla");
    expect(pickSettingsTab("team", "admin")).toBe("team");
    expect(pickSettingsTab("sla", "viewer")).toBeNull();
  });
});

describe("the business calendar's days and holidays", () => {
  it("switches a day on and off, sorted, without repeats", () => {
    expect(toggleDay([1, 2, 3], 6)).toEqual([1, 2, 3, 6]);
    expect(toggleDay([6, 1, 2, 3], 2)).toEqual([1, 3, 6]);
    expect(toggleDay([], 0)).toEqual([0]);
  });

  it("adds a real date once, in order, and ignores anything else", () => {
    expect(addHoliday(["2026-12-25"], "2026-01-01")).toEqual(["2026-01-01", "2026-12-25"]);
    expect(addHoliday(["2026-12-25"], "2026-12-25")).toEqual(["2026-12-25"]);
    expect(addHoliday(["2026-12-25"], "2026-02-30")).toEqual(["2026-12-25"]);
    expect(addHoliday([], "")).toEqual([]);
    expect(removeHoliday(["2026-01-01", "2026-12-25"], "2026-01-01")).toEqual(["2026-12-25"]);
  });

  it("knows a calendar date from a look-alike", () => {
    expect(isDateOnly("2028-02-29")).toBe(true);
    expect(isDateOnly("2026-02-29")).toBe(false);
    expect(isDateOnly("25/12/2026")).toBe(false);
  });

  it("prints a holiday as the day it names, whatever the time zone", () => {
    expect(formatDateOnly("2026-12-25", "pt-BR")).toBe("25/12/2026");
    expect(formatDateOnly("2026-12-25", "en")).toBe("12/25/26");
    expect(formatDateOnly("not a date", "pt-BR")).toBe("not a date");
    expect(weekdayOf("2026-12-25")).toBe(5); // a Friday
    expect(weekdayOf("nope")).toBeNull();
  });
});

describe("formatting for the SLA and the audit", () => {
  it("writes business minutes as minutes and hours", () => {
    expect(formatMinutes(45)).toBe("45 min");
    expect(formatMinutes(60)).toBe("1 h");
    expect(formatMinutes(90)).toBe("1 h 30 min");
    expect(formatMinutes(60 * 24 * 2)).toBe("48 h");
  });

  it("files the server's field errors under the form's field names", () => {
    const errors = [
      { field: "body.end", message: "start must be before end" },
      { field: "body.holidays.3", message: "use YYYY-MM-DD" },
      { field: "body.holidays.4", message: "use YYYY-MM-DD (second)" },
      { field: "password", message: "required for a new user" },
    ];
    expect(fieldMessages(errors)).toEqual({
      end: "start must be before end",
      holidays: "use YYYY-MM-DD",
      password: "required for a new user",
    });
    expect(allFieldsShown(errors, ["end", "holidays", "password"])).toBe(true);
    expect(allFieldsShown(errors, ["end", "holidays"])).toBe(false);
    expect(allFieldsShown([], ["end"])).toBe(false);
  });

  it("turns a day range into since/until, the last day included", () => {
    const range = dayRangeQuery("2026-01-30", "2026-01-31");
    expect(range.since).toBe(new Date("2026-01-30T00:00:00").toISOString());
    expect(range.until).toBe(new Date("2026-02-01T00:00:00").toISOString());
    expect(dayRangeQuery("", "")).toEqual({});
    expect(dayRangeQuery("2026-13-01", "")).toEqual({});
  });

  it("cuts long values and ids, and says how many changes are left out", () => {
    expect(truncate("abc", 5)).toBe("abc");
    expect(truncate("abcdefgh", 5)).toBe("abcd…");
    expect(shortId("3f2a9c1e-0000-4000-8000-000000000000")).toBe("3f2a9c1e");
    expect(firstOf([1, 2, 3, 4, 5], 4)).toEqual({ shown: [1, 2, 3, 4], hidden: 1 });
    expect(firstOf([1], 4)).toEqual({ shown: [1], hidden: 0 });
    expect(withoutNoise([{ field: "id" }, { field: "name" }, { field: "createdAt" }])).toEqual([
      { field: "name" },
    ]);
  });
});
