import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../platform/db/schema.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | T | undefined, string | T>;

/** What a deal must have before it may enter a stage. */
export const STAGE_REQUIREMENTS = ["owner", "value", "expectedClose", "property"] as const;
export type StageRequirement = (typeof STAGE_REQUIREMENTS)[number];
export const STAGE_KINDS = ["open", "won", "lost"] as const;
export type StageKind = (typeof STAGE_KINDS)[number];
export type DealStatus = StageKind;

export interface PipelinesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  position: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface PipelineStagesTable {
  id: Generated<string>;
  workspace_id: string;
  pipeline_id: string;
  name: string;
  position: number;
  probability: ColumnType<string, number | string | undefined, number | string>;
  kind: Generated<StageKind>;
  requires: Json<StageRequirement[]>;
  created_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface DealsTable {
  id: Generated<string>;
  workspace_id: string;
  pipeline_id: string;
  stage_id: string;
  contact_id: string;
  owner_id: string | null;
  title: string;
  value: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  expected_close: ColumnType<string | null, string | null | undefined, string | null>;
  property_ref: string | null;
  /** A property or development of the catalog (migrations/0017_real_estate.sql). */
  property_id: string | null;
  development_id: string | null;
  status: Generated<DealStatus>;
  close_reason: string | null;
  stage_entered_at: Timestamp;
  closed_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface DealStageMovesTable {
  id: Generated<string>;
  workspace_id: string;
  deal_id: string;
  from_stage_id: string | null;
  to_stage_id: string;
  actor_label: string | null;
  at: Timestamp;
}

type CrmTables = {
  assignment_rules: AssignmentRulesTable;
  business_calendars: BusinessCalendarsTable;
  sla_policies: SlaPoliciesTable;
  sla_timers: SlaTimersTable;
  pipelines: PipelinesTable;
  pipeline_stages: PipelineStagesTable;
  deals: DealsTable;
  deal_stage_moves: DealStageMovesTable;
  tasks: TasksTable;
};

export type CrmDB = DB & CrmTables;

/** The shared connection, seeing the CRM tables too. */
export function crmDb(db: Kysely<DB> | Transaction<DB>): Kysely<CrmDB> {
  return db.withTables<CrmTables>() as Kysely<CrmDB>;
}

const Name = z.string().trim().min(1).max(120);
const DateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD");
const Money = z.number().min(0).max(999_999_999_999);

export const StageInputSchema = z
  .object({
    /** An existing stage of this pipeline (kept, with its deals); omitted for a new one. */
    id: z.string().uuid().optional(),
    name: Name,
    probability: z.number().min(0).max(1).default(0),
    kind: z.enum(STAGE_KINDS).default("open"),
    requires: z.array(z.enum(STAGE_REQUIREMENTS)).max(STAGE_REQUIREMENTS.length).default([]),
  })
  .strict();
export type StageInput = z.infer<typeof StageInputSchema>;

export const PIPELINE_TEMPLATES = ["sales", "real-estate"] as const;

export const CreatePipelineSchema = z
  .object({
    name: Name,
    /** Stages in board order; or a template's stages when omitted. */
    stages: z.array(StageInputSchema).min(1).max(30).optional(),
    template: z.enum(PIPELINE_TEMPLATES).default("sales"),
  })
  .strict();

export const UpdatePipelineSchema = z
  .object({ name: Name.optional(), stages: z.array(StageInputSchema).min(1).max(30).optional() })
  .strict();

const DealFields = {
  title: z.string().trim().min(1).max(200),
  ownerId: z.string().uuid().nullable(),
  value: Money.nullable(),
  expectedClose: DateOnly.nullable(),
  /** The property or development the deal is about, as free text (or linked below). */
  propertyRef: z.string().trim().min(1).max(200).nullable(),
  /** A property of the workspace's catalog (realestate/); it satisfies the "property" entry rule. */
  propertyId: z.string().uuid().nullable(),
  developmentId: z.string().uuid().nullable(),
};

export const CreateDealSchema = z
  .object({
    contactId: z.string().uuid(),
    pipelineId: z.string().uuid(),
    stageId: z.string().uuid().optional(),
    title: DealFields.title.optional(),
    ownerId: DealFields.ownerId.optional(),
    value: DealFields.value.optional(),
    expectedClose: DealFields.expectedClose.optional(),
    propertyRef: DealFields.propertyRef.optional(),
    propertyId: DealFields.propertyId.optional(),
    developmentId: DealFields.developmentId.optional(),
  })
  .strict();

export const UpdateDealSchema = z
  .object({
    title: DealFields.title.optional(),
    ownerId: DealFields.ownerId.optional(),
    value: DealFields.value.optional(),
    expectedClose: DealFields.expectedClose.optional(),
    propertyRef: DealFields.propertyRef.optional(),
    propertyId: DealFields.propertyId.optional(),
    developmentId: DealFields.developmentId.optional(),
  })
  .strict();
export type DealChanges = z.infer<typeof UpdateDealSchema>;

export const MoveDealSchema = z
  .object({
    stageId: z.string().uuid(),
    /** Why it was won or lost: required to enter a lost stage. */
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

export const BulkDealsSchema = z.discriminatedUnion("action", [
  z
    .object({
      action: z.literal("move"),
      ids: z.array(z.string().uuid()).min(1).max(500),
      stageId: z.string().uuid(),
      reason: z.string().trim().min(1).max(500).optional(),
    })
    .strict(),
  z
    .object({
      action: z.literal("assign"),
      ids: z.array(z.string().uuid()).min(1).max(500),
      ownerId: z.string().uuid().nullable(),
    })
    .strict(),
  z.object({ action: z.literal("delete"), ids: z.array(z.string().uuid()).min(1).max(500) }).strict(),
]);

export const ListDealsQuerySchema = z
  .object({
    pipelineId: z.string().uuid().optional(),
    stageId: z.string().uuid().optional(),
    ownerId: z.union([z.string().uuid(), z.literal("none")]).optional(),
    contactId: z.string().uuid().optional(),
    propertyId: z.string().uuid().optional(),
    developmentId: z.string().uuid().optional(),
    status: z.enum(STAGE_KINDS).optional(),
    q: z.string().trim().max(200).optional(),
    includeDeleted: z.coerce.boolean().default(false),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type ListDealsQuery = z.infer<typeof ListDealsQuerySchema>;

export interface StageView {
  id: string;
  name: string;
  position: number;
  probability: number;
  kind: StageKind;
  requires: StageRequirement[];
}

export interface PipelineView {
  id: string;
  name: string;
  position: number;
  stages: (StageView & { openDeals: number; openValue: number })[];
  createdAt: string;
  updatedAt: string;
}

export interface DealView {
  id: string;
  pipelineId: string;
  stageId: string;
  stageName: string;
  contact: { id: string; name: string | null };
  owner: { id: string; name: string | null; email: string } | null;
  title: string;
  value: number | null;
  expectedClose: string | null;
  propertyRef: string | null;
  propertyId: string | null;
  developmentId: string | null;
  status: DealStatus;
  closeReason: string | null;
  stageEnteredAt: string;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export const ASSIGNMENT_STRATEGIES = ["round_robin", "least_loaded"] as const;
export type AssignmentStrategy = (typeof ASSIGNMENT_STRATEGIES)[number];

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM");

/** An IANA time zone name; Brazil's by default. */
export const TimeZoneSchema = z
  .string()
  .max(64)
  .default("America/Sao_Paulo")
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, "unknown time zone");

export const WorkingHoursSchema = z
  .object({
    timeZone: TimeZoneSchema,
    /** 0 = Sunday … 6 = Saturday */
    days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
    start: Time,
    end: Time,
  })
  .strict()
  .refine((hours) => hours.start < hours.end, { message: "start must be before end", path: ["end"] });
export type WorkingHours = z.infer<typeof WorkingHoursSchema>;

const AssignmentRuleFields = {
  name: z.string().trim().min(1).max(120),
  pipelineId: z.string().uuid().nullable(),
  /** Only leads whose first source is this (e.g. `instagram`, `typeform`). */
  source: z.string().trim().min(1).max(60).nullable(),
  strategy: z.enum(ASSIGNMENT_STRATEGIES),
  ownerIds: z.array(z.string().uuid()).min(1).max(200),
  maxOpenDeals: z.number().int().min(1).max(100_000).nullable(),
  /** The rule applies only inside these hours (a night or weekend rule can follow it). */
  workingHours: WorkingHoursSchema.nullable(),
  enabled: z.boolean(),
};

export const CreateAssignmentRuleSchema = z
  .object({
    ...AssignmentRuleFields,
    pipelineId: AssignmentRuleFields.pipelineId.default(null),
    source: AssignmentRuleFields.source.default(null),
    maxOpenDeals: AssignmentRuleFields.maxOpenDeals.default(null),
    workingHours: AssignmentRuleFields.workingHours.default(null),
    enabled: AssignmentRuleFields.enabled.default(true),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();

export const UpdateAssignmentRuleSchema = z
  .object({
    name: AssignmentRuleFields.name.optional(),
    pipelineId: AssignmentRuleFields.pipelineId.optional(),
    source: AssignmentRuleFields.source.optional(),
    strategy: AssignmentRuleFields.strategy.optional(),
    ownerIds: AssignmentRuleFields.ownerIds.optional(),
    maxOpenDeals: AssignmentRuleFields.maxOpenDeals.optional(),
    workingHours: AssignmentRuleFields.workingHours.optional(),
    enabled: AssignmentRuleFields.enabled.optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();

export const AssignDealSchema = z
  .object({
    /** A person; null unassigns; left out: the assignment rules choose. */
    ownerId: z.string().uuid().nullable().optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

export interface AssignmentRulesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  position: Generated<number>;
  pipeline_id: string | null;
  source: string | null;
  strategy: AssignmentStrategy;
  owner_ids: ColumnType<string[], string[], string[]>;
  max_open_deals: number | null;
  working_hours: ColumnType<WorkingHours | null, string | null, string | null>;
  cursor: Generated<number>;
  enabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AssignmentRuleView {
  id: string;
  name: string;
  position: number;
  pipelineId: string | null;
  source: string | null;
  strategy: AssignmentStrategy;
  ownerIds: string[];
  maxOpenDeals: number | null;
  workingHours: WorkingHours | null;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export const TASK_KINDS = ["follow_up", "call", "whatsapp", "email", "meeting", "visit", "other"] as const;
export const TASK_STATUSES = ["open", "done", "canceled"] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface TasksTable {
  id: Generated<string>;
  workspace_id: string;
  title: string;
  notes: string | null;
  kind: Generated<TaskKind>;
  due_at: Timestamp;
  remind_at: NullableTimestamp;
  /** The reminder was pushed (an alert raised); cleared when remind_at moves (migration 0021). */
  reminded_at: NullableTimestamp;
  owner_id: string | null;
  contact_id: string | null;
  deal_id: string | null;
  status: Generated<TaskStatus>;
  done_at: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
}

const Instant = z.string().datetime({ offset: true });

export const CreateTaskSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    notes: z.string().trim().max(5_000).nullable().optional(),
    kind: z.enum(TASK_KINDS).default("follow_up"),
    dueAt: Instant,
    /** When to remind the owner (before or at the due time). */
    remindAt: Instant.nullable().optional(),
    /** Defaults to whoever creates it. */
    ownerId: z.string().uuid().nullable().optional(),
    contactId: z.string().uuid().nullable().optional(),
    dealId: z.string().uuid().nullable().optional(),
  })
  .strict();

export const UpdateTaskSchema = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    notes: z.string().trim().max(5_000).nullable().optional(),
    kind: z.enum(TASK_KINDS).optional(),
    dueAt: Instant.optional(),
    remindAt: Instant.nullable().optional(),
    ownerId: z.string().uuid().nullable().optional(),
    status: z.enum(TASK_STATUSES).optional(),
  })
  .strict();
export type TaskChanges = z.infer<typeof UpdateTaskSchema>;

export const ListTasksQuerySchema = z
  .object({
    ownerId: z.union([z.string().uuid(), z.literal("me"), z.literal("none")]).optional(),
    status: z.enum(TASK_STATUSES).optional(),
    contactId: z.string().uuid().optional(),
    dealId: z.string().uuid().optional(),
    dueBefore: Instant.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type ListTasksQuery = z.infer<typeof ListTasksQuerySchema>;

export const MyDayQuerySchema = z.object({ timeZone: TimeZoneSchema }).strict();

export interface TaskView {
  id: string;
  title: string;
  notes: string | null;
  kind: TaskKind;
  dueAt: string;
  remindAt: string | null;
  owner: { id: string; name: string | null; email: string } | null;
  contact: { id: string; name: string | null } | null;
  deal: { id: string; title: string } | null;
  status: TaskStatus;
  doneAt: string | null;
  isOverdue: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface BusinessCalendarsTable {
  workspace_id: string;
  time_zone: string;
  days: ColumnType<number[], number[], number[]>;
  start_time: string;
  end_time: string;
  holidays: Json<string[]>;
  updated_at: Timestamp;
}

export interface SlaPoliciesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  source: string | null;
  pipeline_id: string | null;
  target_minutes: number;
  enabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type SlaStatus = "running" | "met" | "breached";

export interface SlaTimersTable {
  id: Generated<string>;
  workspace_id: string;
  contact_id: string;
  policy_id: string | null;
  target_minutes: number;
  started_at: Timestamp;
  due_at: Timestamp;
  responded_at: NullableTimestamp;
  status: Generated<SlaStatus>;
  breached_at: NullableTimestamp;
  owner_id: string | null;
  escalated_to: string | null;
  created_at: Timestamp;
}

export const BusinessCalendarSchema = z
  .object({
    timeZone: TimeZoneSchema,
    days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
    start: Time,
    end: Time,
    holidays: z.array(DateOnly).max(400).default([]),
  })
  .strict()
  .refine((calendar) => calendar.start < calendar.end, {
    message: "start must be before end",
    path: ["end"],
  });

export const CreateSlaPolicySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    /** Leads whose first source is this; null: every lead no other policy names. */
    source: z.string().trim().min(1).max(60).nullable().default(null),
    /** Leads with a deal in this pipeline: comes before a source policy and the fallback. */
    pipelineId: z.string().uuid().nullable().default(null),
    targetMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 30),
    enabled: z.boolean().default(true),
  })
  .strict();

export const UpdateSlaPolicySchema = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    source: z.string().trim().min(1).max(60).nullable().optional(),
    pipelineId: z.string().uuid().nullable().optional(),
    targetMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 30)
      .optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const SlaReportQuerySchema = z
  .object({
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

export interface SlaView {
  status: SlaStatus;
  policy: string | null;
  targetMinutes: number;
  startedAt: string;
  dueAt: string;
  respondedAt: string | null;
  breachedAt: string | null;
  /** Business minutes from arrival to the answer (or to now while running). */
  businessMinutes: number;
  /** Business minutes left before the due time (running only). */
  minutesLeft: number | null;
}
