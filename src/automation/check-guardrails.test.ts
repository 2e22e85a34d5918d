import { describe, expect, it } from "vitest";
import { checkGuardrails, type GuardFacts, localMinuteOf } from "./check-guardrails.ts";

const facts: GuardFacts = {
  channel: "whatsapp",
  category: "transactional",
  isTemplate: true,
  hasAddress: true,
  optedOut: false,
  marketingConsent: false,
  hasPurchase: true,
  windowOpen: false,
  recentSends: 0,
  localMinute: 10 * 60,
};
const policy = {
  quietHours: { startMinute: 21 * 60, endMinute: 8 * 60 },
  frequencyCap: { max: 3, hours: 24 },
};

describe("send-time guardrails", () => {
  it("lets a transactional template about a purchase through at 10:00", () => {
    expect(checkGuardrails(facts, policy)).toEqual({ ok: true });
  });

  it("refuses, in order: no address, opt-out, marketing without opt-in, no legal basis, free text out of the window, the cap", () => {
    expect(checkGuardrails({ ...facts, hasAddress: false, optedOut: true }, policy)).toEqual({
      ok: false,
      refusal: "no_address",
    });
    expect(checkGuardrails({ ...facts, optedOut: true }, policy)).toEqual({ ok: false, refusal: "opt_out" });
    expect(checkGuardrails({ ...facts, category: "marketing" }, policy)).toEqual({
      ok: false,
      refusal: "no_consent",
    });
    expect(checkGuardrails({ ...facts, category: "marketing", marketingConsent: true }, policy)).toEqual({
      ok: true,
    });
    expect(checkGuardrails({ ...facts, hasPurchase: false }, policy)).toEqual({
      ok: false,
      refusal: "no_legal_basis",
    });
    // A conversation the person opened is a basis for a reply, and the window allows free text.
    expect(
      checkGuardrails({ ...facts, hasPurchase: false, windowOpen: true, isTemplate: false }, policy),
    ).toEqual({
      ok: true,
    });
    expect(checkGuardrails({ ...facts, isTemplate: false }, policy)).toEqual({
      ok: false,
      refusal: "window_closed",
    });
    expect(checkGuardrails({ ...facts, channel: "email", isTemplate: false }, policy)).toEqual({ ok: true });
    expect(checkGuardrails({ ...facts, recentSends: 3 }, policy)).toEqual({
      ok: false,
      refusal: "frequency_cap",
    });
    expect(checkGuardrails({ ...facts, recentSends: 3 }, { ...policy, frequencyCap: null })).toEqual({
      ok: true,
    });
  });

  it("defers across midnight until quiet hours end", () => {
    expect(checkGuardrails({ ...facts, localMinute: 22 * 60 }, policy)).toEqual({
      ok: false,
      refusal: "quiet_hours",
      deferMinutes: 10 * 60,
    });
    expect(checkGuardrails({ ...facts, localMinute: 7 * 60 + 30 }, policy)).toMatchObject({
      deferMinutes: 30,
    });
    expect(checkGuardrails({ ...facts, localMinute: 8 * 60 }, policy)).toEqual({ ok: true });
    const daytime = { ...policy, quietHours: { startMinute: 12 * 60, endMinute: 14 * 60 } };
    expect(checkGuardrails({ ...facts, localMinute: 13 * 60 }, daytime)).toMatchObject({ deferMinutes: 60 });
    expect(checkGuardrails({ ...facts, localMinute: 22 * 60 }, { ...policy, quietHours: null })).toEqual({
      ok: true,
    });
  });

  it("reads the minute of the day in the workspace's time zone", () => {
    expect(localMinuteOf(new Date("2026-11-23T12:00:00Z"), "America/Sao_Paulo")).toBe(9 * 60);
    expect(localMinuteOf(new Date("2026-11-23T02:30:00Z"), "America/Sao_Paulo")).toBe(23 * 60 + 30);
  });
});
