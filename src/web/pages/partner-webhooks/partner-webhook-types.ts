/** The API's shapes for partner webhooks (src/partner-webhooks/schemas.ts). */
export const PARTNER_EVENT_TYPES = [
  "deal.created",
  "deal.stage_changed",
  "deal.won",
  "deal.lost",
  "deal.owner_changed",
  "deal.deleted",
  "deal.restored",
  "lead.assigned",
  "task.created",
] as const;
export type PartnerEventType = (typeof PARTNER_EVENT_TYPES)[number];

export const DELIVERY_STATUSES = ["pending", "succeeded", "failed", "exhausted"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  /** Empty: every event type. */
  eventTypes: PartnerEventType[];
  enabled: boolean;
  disabledReason: string | null;
  consecutiveFailures: number;
  previousSecretValidUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export type WebhookEndpointWithSecret = WebhookEndpoint & { secret: string };

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  status: DeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  responseExcerpt: string | null;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  succeededAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Status → the colour classes the events page uses. */
export const STATUS_CLASS: Record<DeliveryStatus, string> = {
  pending: "status-received",
  succeeded: "status-processed",
  failed: "status-failed",
  exhausted: "status-failed",
};
