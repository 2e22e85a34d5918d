import { describe, expect, it } from "vitest";
import { runSubmission } from "./use-submit.ts";

function recorder() {
  const steps: string[] = [];
  return {
    steps,
    report: {
      start: (key: string) => steps.push(`start ${key}`),
      fail: (error: unknown) => steps.push(`fail ${(error as Error).message}`),
      end: () => steps.push("end"),
    },
  };
}

describe("a submission", () => {
  it("starts with its key, runs the action, ends, and says it went through", async () => {
    const { steps, report } = recorder();
    const ok = await runSubmission(
      async () => {
        steps.push("action");
      },
      "row-1",
      report,
    );
    expect(ok).toBe(true);
    expect(steps).toEqual(["start row-1", "action", "end"]);
  });

  it("keeps the error the action threw, still ends, and says it failed", async () => {
    const { steps, report } = recorder();
    const ok = await runSubmission(
      async () => {
        throw new Error("refused");
      },
      "submit",
      report,
    );
    expect(ok).toBe(false);
    expect(steps).toEqual(["start submit", "fail refused", "end"]);
  });
});
