import { describe, expect, it } from "vitest";
import { decidePurchaseStatus } from "./decide-purchase-status.ts";
import type { PurchaseStatus } from "./schemas.ts";

const T1 = new Date("2026-01-10T10:00:00Z");
const T2 = new Date("2026-01-11T10:00:00Z");
const moves = (from: PurchaseStatus, to: PurchaseStatus, fromAt = T1, toAt = T2) =>
  decidePurchaseStatus({ status: from, at: fromAt }, { status: to, at: toAt });

describe("decidePurchaseStatus", () => {
  it("never leaves a terminal state for approved, complete, billet or delayed, even when later", () => {
    for (const terminal of ["refunded", "chargeback", "canceled"] as const) {
      for (const next of [
        "approved",
        "complete",
        "billet_printed",
        "delayed",
        "protest",
        "abandoned",
      ] as const) {
        expect(moves(terminal, next)).toBe(false);
      }
    }
    expect(moves("refunded", "chargeback")).toBe(true);
    expect(moves("refunded", "chargeback", T2, T1)).toBe(false);
  });

  it("lets a refund that arrived late or early win over the approval", () => {
    expect(moves("approved", "refunded")).toBe(true);
    expect(moves("approved", "refunded", T2, T1)).toBe(true);
  });

  it("protest follows approved and is followed by refunded or chargeback", () => {
    expect(moves("approved", "protest")).toBe(true);
    expect(moves("protest", "refunded")).toBe(true);
    expect(moves("protest", "chargeback", T2, T1)).toBe(true);
  });

  it("among non-terminal states the later event wins; repeats and ties change nothing", () => {
    expect(moves("billet_printed", "approved")).toBe(true);
    expect(moves("approved", "billet_printed", T2, T1)).toBe(false);
    expect(moves("approved", "delayed", T1, T1)).toBe(false);
    expect(moves("approved", "approved")).toBe(false);
    expect(moves("approved", "complete")).toBe(true);
    expect(moves("complete", "approved")).toBe(false);
  });

  it("abandoned only ever starts a purchase", () => {
    expect(moves("abandoned", "approved", T2, T1)).toBe(true);
    expect(moves("approved", "abandoned")).toBe(false);
  });
});
