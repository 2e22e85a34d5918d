import { type PurchaseStatus, TERMINAL_STATUSES } from "./schemas.ts";

const isTerminal = (status: PurchaseStatus) => TERMINAL_STATUSES.includes(status);

/**
 * Whether an incoming status event replaces a purchase's current status. Events arrive twice and out of
 * order, so: terminal states (refunded, chargeback, canceled) are only left for a later terminal state;
 * a terminal event always wins over a non-terminal state (a refund that arrived before its approval
 * stays refunded); a real state is never replaced by `abandoned`; `complete` is not undone by a late
 * `approved`; otherwise the later event (by the vendor's creation date) wins, and a tie keeps what is.
 */
export function decidePurchaseStatus(
  current: { status: PurchaseStatus; at: Date },
  incoming: { status: PurchaseStatus; at: Date },
): boolean {
  if (incoming.status === current.status) return false;
  const isLater = incoming.at.getTime() > current.at.getTime();
  if (isTerminal(current.status)) return isTerminal(incoming.status) && isLater;
  if (isTerminal(incoming.status)) return true;
  if (incoming.status === "abandoned") return false;
  if (current.status === "abandoned") return true;
  if (current.status === "complete" && incoming.status === "approved") return false;
  return isLater;
}
