import { emitAutomationEvent } from "../automation/emit-automation-event.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { decidePurchaseStatus } from "./decide-purchase-status.ts";
import { ensureEnrollment, ensureProduct, type StudentDb } from "./internal/student-db.ts";
import type { PurchaseFact, PurchaseStatus, StatusHistoryEntry, StudentTables } from "./schemas.ts";

const ENROLLING: readonly PurchaseStatus[] = ["approved", "complete"];

/** The transaction a cart abandonment without one is kept under: one per person and product. */
const cartTransaction = (contactId: string, productId: string) => `cart:${contactId}:${productId}`;

async function appendToLatest(
  trx: StudentDb,
  input: { workspaceId: string; contactId: string; productId: string; entry: StatusHistoryEntry },
): Promise<void> {
  const latest = await trx
    .selectFrom("purchases")
    .select(["id", "status_history"])
    .where("workspace_id", "=", input.workspaceId)
    .where("contact_id", "=", input.contactId)
    .where("product_id", "=", input.productId)
    .orderBy("last_event_at", "desc")
    .forUpdate()
    .executeTakeFirst();
  if (!latest || latest.status_history.some((item) => item.eventId === input.entry.eventId)) return;
  await trx
    .updateTable("purchases")
    .set({ status_history: JSON.stringify([...latest.status_history, input.entry]) })
    .where("id", "=", latest.id)
    .execute();
}

/**
 * Records one purchase-family event for a person: the product (created on first sight), the purchase
 * by transaction with its status decided by decidePurchaseStatus, every event in status_history (a
 * repeated event changes nothing), and the enrollment once the purchase is approved or complete.
 */
export async function recordPurchase(
  deps: Deps,
  input: { workspaceId: string; contactId: string; eventId: string; fact: PurchaseFact },
): Promise<void> {
  const { workspaceId, contactId, eventId, fact } = input;
  const now = deps.clock.now();
  await withTransaction(deps.db, async (base) => {
    const trx = base.withTables<StudentTables>();
    const productId = await ensureProduct(trx, { workspaceId, product: fact.product });
    const entry = (applied: boolean): StatusHistoryEntry => ({
      eventId,
      event: fact.event,
      status: fact.status,
      vendorStatus: fact.vendorStatus,
      occurredAt: fact.occurredAt.toISOString(),
      applied,
    });
    const hasPurchase = async () =>
      (await trx
        .selectFrom("purchases")
        .select("id")
        .where("workspace_id", "=", workspaceId)
        .where("contact_id", "=", contactId)
        .where("product_id", "=", productId)
        .where("status", "!=", "abandoned")
        .executeTakeFirst()) !== undefined;

    // Subscription events, and purchase events without a transaction, only join the history.
    if (fact.status === null || (fact.transaction === null && fact.status !== "abandoned")) {
      await appendToLatest(trx, { workspaceId, contactId, productId, entry: entry(false) });
      return;
    }
    // A cart abandonment counts only while the person bought nothing of the product.
    if (fact.status === "abandoned" && (await hasPurchase())) {
      await appendToLatest(trx, { workspaceId, contactId, productId, entry: entry(false) });
      return;
    }
    const transaction = fact.transaction ?? cartTransaction(contactId, productId);
    const existing = await trx
      .selectFrom("purchases")
      .selectAll()
      .where("workspace_id", "=", workspaceId)
      .where("transaction", "=", transaction)
      .forUpdate()
      .executeTakeFirst();

    let status: PurchaseStatus = fact.status;
    const wasEnrolling = existing ? ENROLLING.includes(existing.status) : false;
    if (!existing) {
      await trx
        .insertInto("purchases")
        .values({
          workspace_id: workspaceId,
          transaction,
          contact_id: contactId,
          product_id: productId,
          offer_code: fact.offerCode,
          status,
          price: fact.price?.value ?? null,
          currency: fact.price?.currency ?? null,
          payment_type: fact.paymentType,
          approved_at: fact.approvedAt ?? (status === "approved" ? fact.occurredAt : null),
          last_event_at: fact.occurredAt,
          status_history: JSON.stringify([entry(true)]),
        })
        .execute();
    } else {
      if (existing.status_history.some((item) => item.eventId === eventId)) return;
      const isApplied = decidePurchaseStatus(
        { status: existing.status, at: existing.last_event_at },
        { status: fact.status, at: fact.occurredAt },
      );
      status = isApplied ? fact.status : existing.status;
      await trx
        .updateTable("purchases")
        .set({
          status,
          last_event_at: isApplied ? fact.occurredAt : existing.last_event_at,
          offer_code: existing.offer_code ?? fact.offerCode,
          price: existing.price ?? fact.price?.value ?? null,
          currency: existing.currency ?? fact.price?.currency ?? null,
          payment_type: existing.payment_type ?? fact.paymentType,
          approved_at:
            existing.approved_at ?? fact.approvedAt ?? (fact.status === "approved" ? fact.occurredAt : null),
          status_history: JSON.stringify([...existing.status_history, entry(isApplied)]),
          updated_at: now,
        })
        .where("id", "=", existing.id)
        .execute();
    }
    if (status !== "abandoned") {
      // A real purchase replaces the person's abandoned cart for the product.
      await trx
        .deleteFrom("purchases")
        .where("workspace_id", "=", workspaceId)
        .where("transaction", "=", cartTransaction(contactId, productId))
        .where("status", "=", "abandoned")
        .execute();
    }
    if (ENROLLING.includes(status)) {
      await ensureEnrollment(trx, { workspaceId, contactId, productId });
      if (!wasEnrolling) {
        await emitAutomationEvent(base, {
          workspaceId,
          event: "purchase.approved",
          contactId,
          key: `purchase:${transaction}:approved`,
          data: { productId, transaction },
        });
      }
    }
  });
}
