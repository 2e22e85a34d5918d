import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../platform/db/schema.ts";
import type { StudentTables } from "../students/schemas.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

/** The events a rule can start from; each is emitted in the transaction of the change it names. */
export const AUTOMATION_EVENTS = [
  "lead.created",
  "lead.temperature_changed",
  "tag.added",
  "purchase.approved",
  "enrollment.first_access",
  "module.completed",
  "deal.stage_changed",
] as const;
export type AutomationEvent = (typeof AUTOMATION_EVENTS)[number];

/** The saved queries a scheduled rule runs over (automation/find-schedule-matches.ts). */
export const SCHEDULE_QUERIES = ["access_rescue", "stalled_students"] as const;
export type ScheduleQuery = (typeof SCHEDULE_QUERIES)[number];

export const CHANNELS = [
  "whatsapp",
  "email",
  "slack",
  "chatwoot_label",
  "task",
  "deal",
  "tag",
  "webhook",
] as const;
export type DispatchChannel = (typeof CHANNELS)[number];

/** Channels whose message reaches the contact: consent, window, quiet hours and caps apply. */
export function isContactChannel(channel: DispatchChannel): channel is "whatsapp" | "email" {
  return channel === "whatsapp" || channel === "email";
}

export const DISPATCH_STATUSES = [
  "pending",
  "approved",
  "sending",
  "sent",
  "failed",
  "refused",
  "rejected",
  "expired",
  "unknown",
] as const;
export type DispatchStatus = (typeof DISPATCH_STATUSES)[number];

export type TemplateCategory = "transactional" | "marketing";

/** One test on the event's context (contact, product, enrollment, event data), by dotted path. */
export const ConditionSchema = z
  .object({
    field: z.string().regex(/^[a-z_]+(\.[a-zA-Z_]+)*$/),
    op: z.enum(["eq", "neq", "in", "gte", "lte", "exists", "missing", "contains"]),
    value: z
      .union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))])
      .optional(),
  })
  .strict();
export type Condition = z.infer<typeof ConditionSchema>;

const template = z.string().regex(/^[a-z][a-z0-9_]{1,59}$/);

/** What a rule does for each contact it matches: one dispatch per action. */
export const ActionSchema = z.discriminatedUnion("type", [
  z
    .object({ type: z.literal("send_whatsapp"), template, delayMinutes: z.number().int().min(0).optional() })
    .strict(),
  z
    .object({ type: z.literal("send_email"), template, delayMinutes: z.number().int().min(0).optional() })
    .strict(),
  z.object({ type: z.literal("notify_slack"), template }).strict(),
  z.object({ type: z.literal("chatwoot_label"), label: z.string().trim().min(1).max(60) }).strict(),
  z
    .object({
      type: z.literal("create_task"),
      title: z.string().trim().min(1).max(200),
      dueInMinutes: z
        .number()
        .int()
        .min(0)
        .max(60 * 24 * 90),
    })
    .strict(),
  z.object({ type: z.literal("push_to_pipeline"), pipelineId: z.uuid().optional() }).strict(),
  z.object({ type: z.literal("add_tag"), tag: z.string().trim().min(1).max(60) }).strict(),
  z.object({ type: z.literal("partner_webhook"), event: z.enum(["lead.hot"]) }).strict(),
]);
export type Action = z.infer<typeof ActionSchema>;

/** The channel a dispatch of this action goes out on. */
export function channelOf(action: Action): DispatchChannel {
  const channels: Record<Action["type"], DispatchChannel> = {
    send_whatsapp: "whatsapp",
    send_email: "email",
    notify_slack: "slack",
    chatwoot_label: "chatwoot_label",
    create_task: "task",
    push_to_pipeline: "deal",
    add_tag: "tag",
    partner_webhook: "webhook",
  };
  return channels[action.type];
}

export type AutomationTables = {
  message_templates: {
    id: Generated<string>;
    workspace_id: string;
    product_id: string | null;
    purpose: string;
    channel: "whatsapp" | "email" | "slack";
    category: ColumnType<TemplateCategory, TemplateCategory | undefined, TemplateCategory>;
    whatsapp_name: string | null;
    language: ColumnType<string, string | undefined, string>;
    subject: string | null;
    body: string;
    /** The file store's key when attachment_store is set; else a data-folder path from before 0023. */
    attachment_path: string | null;
    attachment_store: "local" | "s3" | null;
    attachment_filename: string | null;
    attachment_size: number | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  automation_rules: {
    id: Generated<string>;
    workspace_id: string;
    builtin: string | null;
    name: string;
    trigger_kind: "event" | "schedule";
    trigger_event: AutomationEvent | null;
    schedule_query: ScheduleQuery | null;
    schedule_cron: string | null;
    conditions: Json<Condition[]>;
    actions: Json<Action[]>;
    mode: ColumnType<"suggest" | "auto", "suggest" | "auto" | undefined, "suggest" | "auto">;
    enabled: ColumnType<boolean, boolean | undefined, boolean>;
    last_run_at: NullableTimestamp;
    next_run_at: NullableTimestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
    deleted_at: NullableTimestamp;
  };
  automation_runs: {
    id: Generated<string>;
    workspace_id: string;
    rule_id: string;
    cause: "event" | "schedule" | "manual";
    event_key: string | null;
    status: ColumnType<"running" | "done" | "failed", "running" | "done" | "failed" | undefined>;
    matched: ColumnType<number, number | undefined, number>;
    created: ColumnType<number, number | undefined, number>;
    skipped: ColumnType<number, number | undefined, number>;
    error: string | null;
    started_at: Timestamp;
    finished_at: NullableTimestamp;
  };
  automation_matches: {
    rule_id: string;
    contact_id: string;
    subject_key: string;
    matched_at: Timestamp;
  };
  dispatches: {
    id: Generated<string>;
    workspace_id: string;
    rule_id: string | null;
    run_id: string | null;
    contact_id: string;
    product_id: string | null;
    channel: DispatchChannel;
    template_id: string | null;
    category: ColumnType<TemplateCategory, TemplateCategory | undefined, TemplateCategory>;
    action: Json<Action>;
    variables: Json<Record<string, string>>;
    subject: string | null;
    body: string;
    original_body: string | null;
    reason: string;
    facets: Json<Record<string, string>>;
    status: ColumnType<DispatchStatus, DispatchStatus | undefined, DispatchStatus>;
    idempotency_key: string;
    expires_at: NullableTimestamp;
    not_before: NullableTimestamp;
    attempts: ColumnType<number, number | undefined, number>;
    claimed_at: NullableTimestamp;
    /** Set right before the request to the channel leaves (migration 0024). */
    called_at: NullableTimestamp;
    provider_message_id: string | null;
    refusal: string | null;
    last_error: string | null;
    decided_by_type: string | null;
    decided_by_id: string | null;
    decided_by_label: string | null;
    decided_at: NullableTimestamp;
    sent_at: NullableTimestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  contact_consents: {
    id: Generated<string>;
    workspace_id: string;
    contact_id: string;
    channel: "all" | "whatsapp" | "email" | "instagram";
    category: "marketing" | "all";
    granted: boolean;
    source: string;
    at: Timestamp;
    created_at: Timestamp;
  };
  tracked_links: {
    token: string;
    workspace_id: string;
    dispatch_id: string | null;
    contact_id: string | null;
    product_id: string | null;
    target_url: string;
    clicks: ColumnType<number, number | undefined, number>;
    first_clicked_at: NullableTimestamp;
    last_clicked_at: NullableTimestamp;
    created_at: Timestamp;
  };
};

export type AutomationDB = DB & AutomationTables & StudentTables;

/** migrations/0022_automation.sql (and the student tables it reads), typed for Kysely. */
export function automationDb(db: Kysely<DB> | Transaction<DB>): Kysely<AutomationDB> {
  return db.withTables<AutomationTables & StudentTables>();
}

// --- HTTP

export const UpdateRuleSchema = z
  .object({
    mode: z.enum(["suggest", "auto"]).optional(),
    enabled: z.boolean().optional(),
    name: z.string().trim().min(1).max(120).optional(),
    conditions: z.array(ConditionSchema).max(20).optional(),
    actions: z.array(ActionSchema).min(1).max(10).optional(),
    scheduleCron: z.string().trim().min(9).max(100).optional(),
  })
  .strict();
export type UpdateRuleInput = z.infer<typeof UpdateRuleSchema>;

export const ListRunsQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const ListDispatchesQuerySchema = z.object({
  status: z.enum(DISPATCH_STATUSES).optional(),
  ruleId: z.uuid().optional(),
  contactId: z.uuid().optional(),
  channel: z.enum(CHANNELS).optional(),
  /** A facet value to select a batch by, e.g. `module:Módulo 2` */
  facet: z
    .string()
    .max(200)
    .regex(/^[a-z_]+:.+$/)
    .optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListDispatchesQuery = z.infer<typeof ListDispatchesQuerySchema>;

export const ApproveDispatchSchema = z
  .object({
    body: z.string().trim().min(1).max(4096).optional(),
    subject: z.string().trim().max(200).optional(),
  })
  .strict();

export const RejectDispatchSchema = z.object({ note: z.string().trim().max(500).optional() }).strict();

/** Approve many: by ids, or every pending one a filter selects (at most 5,000 at once). */
export const ApproveManySchema = z
  .object({
    ids: z.array(z.uuid()).min(1).max(5000).optional(),
    filter: z
      .object({
        ruleId: z.uuid().optional(),
        channel: z.enum(CHANNELS).optional(),
        facet: z
          .string()
          .max(200)
          .regex(/^[a-z_]+:.+$/)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((value) => (value.ids === undefined) !== (value.filter === undefined), "give ids or a filter");

export const RejectManySchema = ApproveManySchema;

export const TEMPLATE_CHANNELS = ["whatsapp", "email", "slack"] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

/** What a template is for; rules name it in their actions (`{"type": "send_whatsapp", "template": …}`). */
export const TemplatePurposeSchema = z.string().regex(/^[a-z][a-z0-9_]{1,59}$/);
/** Meta's name of the approved WhatsApp template. */
const whatsappName = z.string().regex(/^[a-z0-9_]{1,512}$/, "lowercase letters, digits and _ (Meta's name)");
const language = z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "e.g. pt_BR, en_US, es");

export const ListTemplatesQuerySchema = z.object({
  productId: z.uuid().optional(),
  purpose: TemplatePurposeSchema.optional(),
  channel: z.enum(TEMPLATE_CHANNELS).optional(),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type ListTemplatesQuery = z.infer<typeof ListTemplatesQuerySchema>;

/** A product's own template (it wins over the workspace's) or one for a new purpose. */
export const CreateTemplateSchema = z
  .object({
    productId: z.uuid().nullable().optional(),
    purpose: TemplatePurposeSchema,
    channel: z.enum(TEMPLATE_CHANNELS),
    /** Default: the workspace template's of the same purpose and channel, else transactional. */
    category: z.enum(["transactional", "marketing"]).optional(),
    whatsappName: whatsappName.nullable().optional(),
    language: language.optional(),
    subject: z.string().trim().min(1).max(200).nullable().optional(),
    body: z.string().trim().min(1).max(4096),
  })
  .strict();
export type CreateTemplateInput = z.infer<typeof CreateTemplateSchema>;

export const UpdateTemplateSchema = z
  .object({
    category: z.enum(["transactional", "marketing"]).optional(),
    whatsappName: whatsappName.nullable().optional(),
    language: language.optional(),
    subject: z.string().trim().min(1).max(200).nullable().optional(),
    body: z.string().trim().min(1).max(4096).optional(),
  })
  .strict();
export type UpdateTemplateInput = z.infer<typeof UpdateTemplateSchema>;

/** A draft rendered for one contact (and product), or with sample values when no contact is given. */
export const PreviewTemplateSchema = z
  .object({
    body: z.string().trim().min(1).max(4096),
    subject: z.string().trim().max(200).nullable().optional(),
    contactId: z.uuid().optional(),
    productId: z.uuid().optional(),
  })
  .strict();
export type PreviewTemplateInput = z.infer<typeof PreviewTemplateSchema>;

// --- Jobs

export const EVALUATE_EVENT_JOB = "automation.evaluate-event";
export const RUN_DUE_RULES_JOB = "automation.run-due-rules";
export const SEND_DISPATCH_JOB = "automation.send-dispatch";
export const SWEEP_DISPATCHES_JOB = "automation.sweep-dispatches";

export const EvaluateEventJobSchema = z.object({
  workspaceId: z.uuid(),
  event: z.enum(AUTOMATION_EVENTS),
  contactId: z.uuid(),
  /** Unique per occurrence, e.g. `purchase:<id>:approved`: a repeat of the same event changes nothing. */
  key: z.string().min(1).max(300),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type AutomationEventInput = z.infer<typeof EvaluateEventJobSchema>;

export const SendDispatchJobSchema = z.object({ dispatchId: z.uuid() });
