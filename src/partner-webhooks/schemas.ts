import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../platform/db/schema.ts";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export const SEND_DELIVERY_JOB = "partner-webhooks.send-delivery";
export const SendDeliveryJobSchema = z.object({ deliveryId: z.uuid() });
export const SWEEP_DELIVERIES_JOB = "partner-webhooks.sweep-deliveries";

/** The events a partner endpoint can subscribe to (`webhook.test` is sent on request only). */
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
  "lead.hot",
] as const;
export type PartnerEventType = (typeof PARTNER_EVENT_TYPES)[number];
export const TEST_EVENT_TYPE = "webhook.test";

/** A stage as events name it. */
export interface StageRef {
  stageId: string;
  stageName: string;
  kind: "open" | "won" | "lost";
}

/** The business fields of a deal in its events: ids, no names, e-mails or phones (the title defaults to the person's name). */
export interface DealRef {
  dealId: string;
  pipelineId: string;
  contactId: string;
  ownerId: string | null;
  value: number | null;
  expectedClose: string | null;
  propertyRef: string | null;
}

/** The `data` of each event type. */
export interface PartnerEventData {
  "deal.created": DealRef & { stage: StageRef; status: "open" | "won" | "lost" };
  "deal.stage_changed": DealRef & { from: StageRef; to: StageRef };
  "deal.won": DealRef & { from: StageRef; to: StageRef; reason: string | null };
  "deal.lost": DealRef & { from: StageRef; to: StageRef; reason: string | null };
  "deal.owner_changed": {
    dealId: string;
    pipelineId: string;
    contactId: string;
    from: string | null;
    to: string | null;
    reason: string | null;
    byRules: boolean;
  };
  "deal.deleted": { dealId: string; pipelineId: string; contactId: string };
  "deal.restored": { dealId: string; pipelineId: string; contactId: string };
  "lead.assigned": {
    contactId: string;
    dealId: string;
    ownerId: string;
    reason: string | null;
    ruleId: string | null;
  };
  /** An automation rule's action (automation/send-dispatches.ts): a lead turned hot. */
  "lead.hot": { contactId: string; score: number | null; temperature: string | null; ruleId: string | null };
  "task.created": {
    taskId: string;
    kind: string;
    dueAt: string;
    ownerId: string | null;
    contactId: string | null;
    dealId: string | null;
  };
}

/** One event of a change, typed by its type. */
export type PartnerEvent = {
  [T in PartnerEventType]: { type: T; data: PartnerEventData[T] };
}[PartnerEventType];

export const DELIVERY_STATUSES = ["pending", "succeeded", "failed", "exhausted"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookEndpointsTable {
  id: Generated<string>;
  workspace_id: string;
  url: string;
  description: ColumnType<string, string | undefined, string>;
  event_types: ColumnType<string[], string[] | undefined, string[]>;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: NullableTimestamp;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  disabled_reason: string | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface WebhookBody {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  workspace_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: ColumnType<WebhookBody, string, string>;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  last_status: number | null;
  last_error: string | null;
  response_excerpt: string | null;
  next_attempt_at: NullableTimestamp;
  queued_at: NullableTimestamp;
  locked_until: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  succeeded_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

type PartnerWebhookTables = {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
};

export type PartnerWebhookDB = DB & PartnerWebhookTables;

/** migrations/0018_partner_webhooks.sql, typed for Kysely. */
export function partnerWebhookDb(db: Kysely<DB> | Transaction<DB>): Kysely<PartnerWebhookDB> {
  return db.withTables<PartnerWebhookTables>() as Kysely<PartnerWebhookDB>;
}

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  /** Empty: every event type. */
  eventTypes: PartnerEventType[];
  enabled: boolean;
  /** `failing` when the system switched it off after deliveries failed in a row. */
  disabledReason: string | null;
  consecutiveFailures: number;
  /** Until then the secret replaced by the last rotation still signs too. */
  previousSecretValidUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The answer to a create or a rotation: the only time the secret is shown. */
export type WebhookEndpointWithSecret = WebhookEndpointView & { secret: string };

export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: WebhookBody;
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

const EventTypesSchema = z
  .array(z.enum(PARTNER_EVENT_TYPES))
  .max(PARTNER_EVENT_TYPES.length)
  .transform((types) => [...new Set(types)]);

const UrlSchema = z.url({ protocol: /^https?$/ }).max(2000);

export const CreateWebhookEndpointSchema = z
  .object({
    url: UrlSchema,
    description: z.string().trim().max(500).default(""),
    /** Leave out (or empty) for every event type. */
    eventTypes: EventTypesSchema.default([]),
    enabled: z.boolean().default(true),
  })
  .strict();

export const UpdateWebhookEndpointSchema = z
  .object({
    url: UrlSchema.optional(),
    description: z.string().trim().max(500).optional(),
    eventTypes: EventTypesSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const ListEndpointsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();

export const ListDeliveriesQuerySchema = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    eventType: z.string().trim().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
