import type { DeliveryStatus } from "../../../partner-webhooks/schemas.ts";
import { isMessageKey, type Translate } from "../../i18n.ts";

// The API's shapes (event types, delivery statuses, the endpoint and delivery views) are the server's,
// imported from src/partner-webhooks/schemas.ts; only what the web adds to them lives here.

/** Status → the colour classes the events page uses. */
export const STATUS_CLASS: Record<DeliveryStatus, string> = {
  pending: "status-received",
  succeeded: "status-processed",
  failed: "status-failed",
  exhausted: "status-failed",
};

/** An event type's label; a type the server sends before the web names it shows as sent. */
export function eventTypeLabel(type: string, t: Translate): string {
  const key = `partnerWebhooks.event.${type}`;
  return isMessageKey(key) ? t(key) : type;
}
