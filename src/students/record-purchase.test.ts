import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { listEnrollments } from "./list-enrollments.ts";
import { listPurchases } from "./list-purchases.ts";
import { recordPurchase } from "./record-purchase.ts";
import type { PurchaseFact, StudentTables } from "./schemas.ts";

let t: TestApp;
let workspaceId: string;
let contactId: string;

beforeAll(async () => {
  t = await createTestApp();
  const lead = (
    await t.request("POST", "/api/v1/leads", { body: { name: "Bia", email: "bia@example.com" } })
  ).json() as { id: string };
  contactId = lead.id;
  const row = await t.app.deps.db
    .selectFrom("contacts")
    .select("workspace_id")
    .where("id", "=", contactId)
    .executeTakeFirstOrThrow();
  workspaceId = row.workspace_id;
});
afterAll(async () => {
  await t.close();
});

const fact = (changes: Partial<PurchaseFact>): PurchaseFact => ({
  kind: "purchase",
  transaction: "HPX1",
  status: "approved",
  event: "PURCHASE_APPROVED",
  occurredAt: new Date("2026-02-01T10:00:00Z"),
  product: { externalId: "777", name: "Curso" },
  offerCode: null,
  price: { value: 149.5, currency: "BRL" },
  paymentType: "PIX",
  approvedAt: null,
  vendorStatus: null,
  ...changes,
});

const record = (eventId: string, changes: Partial<PurchaseFact>) =>
  recordPurchase(t.app.deps, { workspaceId, contactId, eventId, fact: fact(changes) });
const purchases = async () => (await listPurchases(t.app.deps, { workspaceId, contactId })).items;
const history = async (transaction: string) =>
  (
    await t.app.deps.db
      .withTables<StudentTables>()
      .selectFrom("purchases")
      .select("status_history")
      .where("transaction", "=", transaction)
      .executeTakeFirstOrThrow()
  ).status_history;

describe("recordPurchase", () => {
  it("keeps a cart abandonment until the person buys, then only records it", async () => {
    const cart = { transaction: null, status: "abandoned" as const, event: "PURCHASE_OUT_OF_SHOPPING_CART" };
    await record("00000000-0000-4000-8000-000000000001", cart);
    expect(await purchases()).toEqual([expect.objectContaining({ status: "abandoned" })]);
    await record("00000000-0000-4000-8000-000000000002", {});
    expect(await purchases()).toEqual([expect.objectContaining({ transaction: "HPX1", status: "approved" })]);
    expect((await listEnrollments(t.app.deps, { workspaceId, contactId })).items).toHaveLength(1);
    await record("00000000-0000-4000-8000-000000000003", {
      ...cart,
      occurredAt: new Date("2026-02-02T10:00:00Z"),
    });
    expect(await purchases()).toEqual([expect.objectContaining({ transaction: "HPX1", status: "approved" })]);
    expect((await history("HPX1")).map((entry) => [entry.event, entry.applied])).toEqual([
      ["PURCHASE_APPROVED", true],
      ["PURCHASE_OUT_OF_SHOPPING_CART", false],
    ]);
  });

  it("records subscription events in the history, and a repeated event once", async () => {
    const cancellation = {
      status: null,
      event: "SUBSCRIPTION_CANCELLATION",
      vendorStatus: "CANCELLED_BY_CUSTOMER",
    };
    await record("00000000-0000-4000-8000-000000000004", cancellation);
    await record("00000000-0000-4000-8000-000000000004", cancellation);
    await record("00000000-0000-4000-8000-000000000002", {});
    expect((await purchases())[0]?.status).toBe("approved");
    expect((await history("HPX1")).map((entry) => entry.event)).toEqual([
      "PURCHASE_APPROVED",
      "PURCHASE_OUT_OF_SHOPPING_CART",
      "SUBSCRIPTION_CANCELLATION",
    ]);
  });

  it("moves approved → protest → chargeback and stays there", async () => {
    const at = (day: number) => new Date(`2026-02-${String(day).padStart(2, "0")}T10:00:00Z`);
    await record("00000000-0000-4000-8000-000000000005", { status: "protest", occurredAt: at(5) });
    expect((await purchases())[0]?.status).toBe("protest");
    await record("00000000-0000-4000-8000-000000000006", { status: "chargeback", occurredAt: at(9) });
    await record("00000000-0000-4000-8000-000000000007", { status: "complete", occurredAt: at(20) });
    expect((await purchases())[0]?.status).toBe("chargeback");
  });
});
