import { sql } from "kysely";
import type { Deps } from "../deps.ts";

export interface OfferView {
  productId: string;
  productName: string;
  /** The vendor's offer code (Hotmart `offer.code`); null for purchases without one. */
  offerCode: string | null;
  purchases: number;
  /** Approved or complete now. */
  active: number;
  refunded: number;
  /** Sum of the active purchases' prices, per currency. */
  revenue: { currency: string | null; amount: number }[];
  lastPurchaseAt: string | null;
}

/** The offers purchases came through, per product: how many, how many still active, refunds, revenue. */
export async function listOffers(
  deps: Deps,
  input: { workspaceId: string; productId?: string | undefined },
): Promise<{ items: OfferView[] }> {
  const { rows } = await sql<{
    product_id: string;
    product_name: string;
    offer_code: string | null;
    currency: string | null;
    purchases: number;
    active: number;
    refunded: number;
    amount: string | null;
    last_at: Date | null;
  }>`
    select p.product_id, pr.name as product_name, p.offer_code, p.currency,
      count(*)::int as purchases,
      count(*) filter (where p.status in ('approved', 'complete'))::int as active,
      count(*) filter (where p.status in ('refunded', 'chargeback'))::int as refunded,
      sum(p.price) filter (where p.status in ('approved', 'complete')) as amount,
      max(coalesce(p.approved_at, p.last_event_at)) as last_at
    from purchases p join products pr on pr.id = p.product_id
    where p.workspace_id = ${input.workspaceId} and p.status <> 'abandoned'
      ${input.productId ? sql`and p.product_id = ${input.productId}` : sql``}
    group by p.product_id, pr.name, p.offer_code, p.currency
    order by pr.name, p.offer_code nulls last, p.currency
  `.execute(deps.db);
  const offers = new Map<string, OfferView>();
  for (const row of rows) {
    const key = `${row.product_id}|${row.offer_code ?? ""}`;
    const offer = offers.get(key) ?? {
      productId: row.product_id,
      productName: row.product_name,
      offerCode: row.offer_code,
      purchases: 0,
      active: 0,
      refunded: 0,
      revenue: [],
      lastPurchaseAt: null,
    };
    offer.purchases += row.purchases;
    offer.active += row.active;
    offer.refunded += row.refunded;
    if (row.amount !== null) offer.revenue.push({ currency: row.currency, amount: Number(row.amount) });
    const last = row.last_at ? new Date(row.last_at).toISOString() : null;
    if (last && (!offer.lastPurchaseAt || last > offer.lastPurchaseAt)) offer.lastPurchaseAt = last;
    offers.set(key, offer);
  }
  return { items: [...offers.values()] };
}
