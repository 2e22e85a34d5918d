import { describe, expect, it } from "vitest";
import { decideContactStatus, decideProviderStatus } from "./decide-enrichment-status.ts";
import { decideTier } from "./decide-tier.ts";
import { DEFAULT_TIERS } from "./schemas.ts";

const f = (value: unknown) => ({ value, raw: value });
const full = {
  followers: f(100),
  mediaCount: f(10),
  engagementRate: f(0.02),
  contentMix: f({ image: 1, video: 0, carousel: 0, reels: 0 }),
  postsPerWeek: f(1),
};

describe("the minimum-data rule", () => {
  it("is enriched with every expected field, partial with the minimum, failed below it", () => {
    expect(decideProviderStatus("instagram", full, null).status).toBe("enriched");
    expect(decideProviderStatus("instagram", { ...full, engagementRate: f(null) }, null)).toEqual({
      status: "partial",
      errorCode: "insufficient_data",
    });
    const pageFailed = { code: "timeout" as const, message: "", retryable: true, fault: true };
    expect(decideProviderStatus("instagram", full, pageFailed)).toEqual({
      status: "partial",
      errorCode: "timeout",
    });
    expect(decideProviderStatus("instagram", { followers: f(100) }, null)).toEqual({
      status: "failed",
      errorCode: "insufficient_data",
    });
    expect(
      decideProviderStatus("instagram", null, {
        code: "not_business_account",
        message: "",
        retryable: false,
        fault: false,
      }).status,
    ).toBe("not_business_account");
  });

  it("combines networks: all enriched, some (partial), the telling failure, or skipped", () => {
    expect(decideContactStatus([])).toEqual({ status: "skipped", errorCode: "no_handle" });
    expect(decideContactStatus([{ network: "instagram", status: "enriched", errorCode: null }]).status).toBe(
      "enriched",
    );
    expect(
      decideContactStatus([
        { network: "instagram", status: "enriched", errorCode: null },
        { network: "youtube", status: "failed", errorCode: "upstream_error" },
      ]),
    ).toEqual({ status: "partial", errorCode: "upstream_error" });
    expect(
      decideContactStatus([
        { network: "instagram", status: "not_business_account", errorCode: "not_business_account" },
        { network: "youtube", status: "skipped", errorCode: "no_connection" },
      ]).status,
    ).toBe("not_business_account");
    expect(
      decideContactStatus([{ network: "youtube", status: "skipped", errorCode: "no_connection" }]),
    ).toEqual({
      status: "skipped",
      errorCode: "no_connection",
    });
  });
});

describe("decideTier", () => {
  it("takes the highest tier whose followers and engagement minimums are met", () => {
    expect(decideTier(DEFAULT_TIERS, { followers: 5_000, engagementRate: 0.05 })).toBeNull();
    expect(decideTier(DEFAULT_TIERS, { followers: 48_210, engagementRate: 0.035 })).toBe("micro");
    expect(decideTier(DEFAULT_TIERS, { followers: 150_000, engagementRate: 0.004 })).toBeNull();
    expect(decideTier(DEFAULT_TIERS, { followers: 600_000, engagementRate: 0.006 })).toBe("macro");
    expect(decideTier(DEFAULT_TIERS, { followers: 600_000, engagementRate: null })).toBeNull();
    expect(decideTier(DEFAULT_TIERS, { subscribers: 120_000 })).toBe("mid");
  });
});
