import { describe, expect, it } from "vitest";
import { parseConfig } from "../config.ts";

describe("FUNIL_WEBHOOK_RETRY_SCHEDULE", () => {
  it("defaults to 5 s, 5 min, 30 min, 2 h, 5 h, 10 h (seven attempts)", () => {
    expect(parseConfig({}).partnerWebhooks).toEqual({
      timeoutMs: 10_000,
      retryDelaysSeconds: [5, 300, 1800, 7200, 18_000, 36_000],
      disableAfter: 5,
    });
  });

  it("reads delays in s, m and h, and refuses anything else", () => {
    expect(
      parseConfig({ FUNIL_WEBHOOK_RETRY_SCHEDULE: " 10s, 1m ,1h" }).partnerWebhooks.retryDelaysSeconds,
    ).toEqual([10, 60, 3600]);
    expect(() => parseConfig({ FUNIL_WEBHOOK_RETRY_SCHEDULE: "5s,soon" })).toThrow(
      /FUNIL_WEBHOOK_RETRY_SCHEDULE/,
    );
  });
});
