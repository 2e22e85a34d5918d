import type { z } from "zod";
import type { CreateRuleSchema } from "../../../automation/create-rule.ts";
import type { RuleView } from "../../../automation/manage-rules.ts";
import type {
  Action,
  AutomationEvent,
  Condition,
  ScheduleQuery,
  TemplateChannel,
  UpdateRuleInput,
} from "../../../automation/schemas.ts";
import type { MessageKey, Translate } from "../../i18n.ts";
import { actionInWords, conditionInWords, triggerInWords } from "./automation-format.ts";

// Pure helpers of the rule editor (no React: tested in rule-form-format.test.ts). The lists are typed
// against the server's types (copied, not imported, to keep zod out of the bundle); a test keeps them equal.

export const RULE_EVENTS = [
  "lead.created",
  "lead.temperature_changed",
  "tag.added",
  "purchase.approved",
  "enrollment.first_access",
  "module.completed",
  "deal.stage_changed",
] as const satisfies readonly AutomationEvent[];

export const RULE_QUERIES = ["access_rescue", "stalled_students"] as const satisfies readonly ScheduleQuery[];

export const CONDITION_OPS = [
  "eq",
  "neq",
  "in",
  "gte",
  "lte",
  "exists",
  "missing",
  "contains",
] as const satisfies readonly Condition["op"][];
export type ConditionOp = (typeof CONDITION_OPS)[number];

export const ACTION_TYPES = [
  "send_whatsapp",
  "send_email",
  "notify_slack",
  "chatwoot_label",
  "create_task",
  "push_to_pipeline",
  "add_tag",
  "partner_webhook",
] as const satisfies readonly Action["type"][];
export type ActionType = (typeof ACTION_TYPES)[number];

// --- Schedules: cron ↔ "every day at 09:00" / "every Monday at 09:00"

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;
/** Monday first, as people in Brazil read a week. */
export const WEEKDAYS: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 0];

export interface ScheduleDraft {
  /** advanced: the cron as typed. */
  kind: "daily" | "weekly" | "advanced";
  /** HH:MM, in the workspace's time zone. */
  time: string;
  weekday: Weekday;
  cron: string;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const pad = (value: number) => String(value).padStart(2, "0");

function integerIn(text: string, min: number, max: number): number | null {
  if (!/^\d{1,2}$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

/** A cron as the friendly picker shows it: daily or weekly at a time, else the expression (advanced). */
export function scheduleOfCron(cron: string): ScheduleDraft {
  const text = cron.trim();
  const advanced: ScheduleDraft = { kind: "advanced", time: "09:00", weekday: 1, cron: text };
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return advanced;
  const [minuteText = "", hourText = "", day = "", month = "", weekdayText = ""] = fields;
  const minute = integerIn(minuteText, 0, 59);
  const hour = integerIn(hourText, 0, 23);
  if (minute === null || hour === null || day !== "*" || month !== "*") return advanced;
  const time = `${pad(hour)}:${pad(minute)}`;
  if (weekdayText === "*") return { kind: "daily", time, weekday: 1, cron: text };
  if (!/^[0-7]$/.test(weekdayText)) return advanced;
  return { kind: "weekly", time, weekday: (Number(weekdayText) % 7) as Weekday, cron: text };
}

/** The cron the picker names (null while its time is not HH:MM). */
export function cronOfSchedule(schedule: ScheduleDraft): string | null {
  if (schedule.kind === "advanced") return schedule.cron.trim();
  const match = TIME.exec(schedule.time);
  if (!match) return null;
  const base = `${Number(match[2])} ${Number(match[1])} * *`;
  return schedule.kind === "daily" ? `${base} *` : `${base} ${schedule.weekday}`;
}

/** The same moments, however written ("00 09 * * *" is "0 9 * * *"). */
function sameCron(a: string, b: string): boolean {
  const normal = (cron: string) => cronOfSchedule(scheduleOfCron(cron))?.replace(/\s+/g, " ") ?? cron;
  return normal(a) === normal(b);
}

// --- Condition fields: what each trigger's context carries (automation/load-context.ts)

/** How a field's value is typed: the operators it offers and its input. */
export type FieldKind =
  | "text"
  | "number"
  | "boolean"
  | "temperature"
  | "tags"
  | "presence"
  | "stageKind"
  | "origin";

export type FieldGroup = "event" | "contact" | "product" | "enrollment" | "other";

export interface FieldSpec {
  path: string;
  kind: FieldKind;
  group: FieldGroup;
}

const spec = (group: FieldGroup, kind: FieldKind, path: string): FieldSpec => ({ path, kind, group });

const CONTACT_FIELDS: readonly FieldSpec[] = [
  spec("contact", "text", "contact.name"),
  spec("contact", "text", "contact.email"),
  spec("contact", "text", "contact.phone"),
  spec("contact", "text", "contact.city"),
  spec("contact", "text", "contact.source"),
  spec("contact", "tags", "contact.tags"),
  spec("contact", "presence", "contact.ownerId"),
  spec("contact", "number", "contact.score"),
  spec("contact", "temperature", "contact.temperature"),
  spec("contact", "boolean", "contact.optedOut"),
];

/** A product and the contact's enrollment in it: events about a purchase or a course, and the schedules. */
const STUDENT_FIELDS: readonly FieldSpec[] = [
  spec("product", "text", "product.name"),
  spec("product", "boolean", "product.monitoring"),
  spec("product", "presence", "product.accessUrl"),
  spec("enrollment", "number", "enrollment.modulesCompleted"),
  spec("enrollment", "text", "enrollment.lastModule"),
  spec("enrollment", "text", "enrollment.cohort"),
  spec("enrollment", "presence", "enrollment.firstAccessAt"),
];

/** The data each event carries (where it is emitted: capture, scoring, contacts, students, crm). */
const EVENT_FIELDS: Record<AutomationEvent, readonly FieldSpec[]> = {
  "lead.created": [spec("event", "text", "event.source")],
  "lead.temperature_changed": [
    spec("event", "temperature", "event.temperature"),
    spec("event", "temperature", "event.previous"),
    spec("event", "number", "event.score"),
  ],
  "tag.added": [spec("event", "text", "event.tag")],
  "purchase.approved": [],
  "enrollment.first_access": [spec("event", "origin", "event.origin")],
  "module.completed": [
    spec("event", "text", "event.module"),
    spec("event", "number", "event.modulesCompleted"),
  ],
  "deal.stage_changed": [
    spec("event", "text", "event.stage"),
    spec("event", "text", "event.from"),
    spec("event", "stageKind", "event.kind"),
  ],
};

const QUERY_FIELDS: Record<ScheduleQuery, readonly FieldSpec[]> = {
  access_rescue: [],
  stalled_students: [spec("event", "text", "event.module")],
};

const WITH_PRODUCT: readonly AutomationEvent[] = [
  "purchase.approved",
  "enrollment.first_access",
  "module.completed",
];

export interface TriggerDraft {
  kind: "event" | "schedule";
  event: AutomationEvent;
  query: ScheduleQuery;
}

/** The fields a condition may test for this trigger: the event's own data first, then the contact's. */
export function fieldsForTrigger(trigger: TriggerDraft): FieldSpec[] {
  if (trigger.kind === "schedule") {
    return [...QUERY_FIELDS[trigger.query], ...CONTACT_FIELDS, ...STUDENT_FIELDS];
  }
  return [
    ...EVENT_FIELDS[trigger.event],
    ...CONTACT_FIELDS,
    ...(WITH_PRODUCT.includes(trigger.event) ? STUDENT_FIELDS : []),
  ];
}

/** A field of the list, or one this form does not offer (a rule made through the API), typed by its value. */
export function fieldSpecOf(
  path: string,
  fields: readonly FieldSpec[],
  value?: Condition["value"],
): FieldSpec {
  const found = fields.find((field) => field.path === path);
  if (found) return found;
  const kind: FieldKind =
    typeof value === "number" ? "number" : typeof value === "boolean" ? "boolean" : "text";
  return { path, kind, group: "other" };
}

const OPS_BY_KIND: Record<FieldKind, readonly ConditionOp[]> = {
  text: ["eq", "neq", "contains", "in", "exists", "missing"],
  number: ["eq", "neq", "gte", "lte", "exists", "missing"],
  boolean: ["eq"],
  temperature: ["eq", "neq", "in", "exists", "missing"],
  tags: ["contains"],
  presence: ["exists", "missing"],
  stageKind: ["eq", "neq", "in"],
  origin: ["eq", "neq", "in"],
};

export function opsForKind(kind: FieldKind): readonly ConditionOp[] {
  return OPS_BY_KIND[kind];
}

/** Whether the operator compares with a value (exists and missing do not). */
export function opTakesValue(op: ConditionOp): boolean {
  return op !== "exists" && op !== "missing";
}

const CHOICES: Partial<Record<FieldKind, readonly string[]>> = {
  temperature: ["hot", "warm", "cold"],
  stageKind: ["open", "won", "lost"],
  origin: ["whatsapp_link", "hotmart_email"],
  boolean: ["true", "false"],
};

/** The values a select offers for the kind (none: typed in). */
export function choicesOf(kind: FieldKind): readonly string[] {
  return CHOICES[kind] ?? [];
}

export function choiceLabel(kind: FieldKind, value: string, t: Translate): string {
  switch (kind) {
    case "temperature":
      return value === "hot" || value === "warm" || value === "cold" ? t(`temperature.${value}`) : value;
    case "stageKind":
      return value === "open" || value === "won" || value === "lost"
        ? t(`automation.stageKind.${value}`)
        : value;
    case "origin":
      return value === "whatsapp_link" || value === "hotmart_email" ? t(`automation.origin.${value}`) : value;
    case "boolean":
      return t(value === "true" ? "common.yes" : "common.no");
    default:
      return value;
  }
}

export interface ConditionDraft {
  /** The row's key in the list (not sent). */
  key: string;
  field: string;
  op: ConditionOp;
  /** As typed or picked; `in`: the values separated by commas. */
  value: string;
}

let rows = 0;
/** A key for a new row of conditions or actions. */
export function rowKey(): string {
  rows += 1;
  return `row-${rows}`;
}

function defaultValue(kind: FieldKind): string {
  return kind === "boolean" ? "true" : (choicesOf(kind)[0] ?? "");
}

export function newCondition(fields: readonly FieldSpec[]): ConditionDraft {
  const first = fields[0] ?? spec("contact", "text", "contact.city");
  return {
    key: rowKey(),
    field: first.path,
    op: opsForKind(first.kind)[0] ?? "eq",
    value: defaultValue(first.kind),
  };
}

/** The row with another field: its operator kept when the field offers it, its value reset when typed differently. */
export function withField(
  condition: ConditionDraft,
  path: string,
  fields: readonly FieldSpec[],
): ConditionDraft {
  const before = fieldSpecOf(condition.field, fields);
  const after = fieldSpecOf(path, fields);
  const ops = opsForKind(after.kind);
  const op = ops.includes(condition.op) ? condition.op : (ops[0] ?? "eq");
  const value = before.kind === after.kind ? condition.value : defaultValue(after.kind);
  return { ...condition, field: path, op, value };
}

/** The row with another operator (a single value kept from a list, and the other way round). */
export function withOp(condition: ConditionDraft, op: ConditionOp): ConditionDraft {
  if (op === "in" || condition.op !== "in") return { ...condition, op };
  return { ...condition, op, value: splitList(condition.value)[0] ?? "" };
}

export function splitList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

const NUMBER = /^-?\d+(?:[.,]\d+)?$/;

function valueText(value: Condition["value"]): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

/** The condition as the API takes it, its value typed by its field. */
export function conditionOf(draft: ConditionDraft, fields: readonly FieldSpec[]): Condition {
  const field = fieldSpecOf(draft.field, fields);
  if (!opTakesValue(draft.op)) return { field: draft.field, op: draft.op };
  if (draft.op === "in") return { field: draft.field, op: draft.op, value: splitList(draft.value) };
  const text = draft.value.trim();
  if (field.kind === "boolean") return { field: draft.field, op: draft.op, value: text === "true" };
  if (field.kind === "number" && NUMBER.test(text)) {
    return { field: draft.field, op: draft.op, value: Number(text.replace(",", ".")) };
  }
  return { field: draft.field, op: draft.op, value: text };
}

export function conditionDraftOf(condition: Condition): ConditionDraft {
  return { key: rowKey(), field: condition.field, op: condition.op, value: valueText(condition.value) };
}

// --- Actions

export type DurationUnit = "minutes" | "hours" | "days";
export const DURATION_UNITS: readonly DurationUnit[] = ["minutes", "hours", "days"];
const UNIT_MINUTES: Record<DurationUnit, number> = { minutes: 1, hours: 60, days: 1440 };

/** Minutes in the largest whole unit: 30 → 30 minutes, 120 → 2 hours, 4320 → 3 days. */
export function splitMinutes(minutes: number): { amount: string; unit: DurationUnit } {
  if (minutes > 0 && minutes % 1440 === 0) return { amount: String(minutes / 1440), unit: "days" };
  if (minutes > 0 && minutes % 60 === 0) return { amount: String(minutes / 60), unit: "hours" };
  return { amount: String(minutes), unit: "minutes" };
}

const WHOLE = /^\d{1,6}$/;

/** An amount of a unit in minutes (null unless a whole number). */
export function toMinutes(amount: string, unit: DurationUnit): number | null {
  const text = amount.trim();
  return WHOLE.test(text) ? Number(text) * UNIT_MINUTES[unit] : null;
}

export interface ActionDraft {
  key: string;
  type: ActionType;
  /** send_whatsapp, send_email, notify_slack: a template purpose of the action's channel. */
  template: string;
  /** send_whatsapp, send_email: "" sends at once. */
  delay: string;
  delayUnit: DurationUnit;
  label: string;
  title: string;
  due: string;
  dueUnit: DurationUnit;
  /** "": the first pipeline. */
  pipelineId: string;
  tag: string;
}

/** The templates' channel an action sends on (null: it sends no template). */
export function templateChannelOf(type: ActionType): TemplateChannel | null {
  if (type === "send_whatsapp") return "whatsapp";
  if (type === "send_email") return "email";
  if (type === "notify_slack") return "slack";
  return null;
}

export type PurposesByChannel = Record<TemplateChannel, readonly string[]>;

/** The purposes of the templates, once each per channel, in the order listed. */
export function purposesByChannel(
  templates: readonly { purpose: string; channel: TemplateChannel }[],
): PurposesByChannel {
  const by: Record<TemplateChannel, string[]> = { whatsapp: [], email: [], slack: [] };
  for (const template of templates) {
    const list = by[template.channel];
    if (!list.includes(template.purpose)) list.push(template.purpose);
  }
  return by;
}

export function newAction(type: ActionType, purposes: PurposesByChannel): ActionDraft {
  const channel = templateChannelOf(type);
  return {
    key: rowKey(),
    type,
    template: channel ? (purposes[channel][0] ?? "") : "",
    delay: "",
    delayUnit: "minutes",
    label: "",
    title: "",
    due: "30",
    dueUnit: "minutes",
    pipelineId: "",
    tag: "",
  };
}

/** The action as another type: what was typed is kept; the template is one of the new channel's. */
export function withActionType(
  action: ActionDraft,
  type: ActionType,
  purposes: PurposesByChannel,
): ActionDraft {
  const channel = templateChannelOf(type);
  const offered = channel ? purposes[channel] : [];
  const template = channel && !offered.includes(action.template) ? (offered[0] ?? "") : action.template;
  return { ...action, type, template };
}

export function actionDraftOf(action: Action): ActionDraft {
  const draft = newAction(action.type, { whatsapp: [], email: [], slack: [] });
  switch (action.type) {
    case "send_whatsapp":
    case "send_email": {
      const delay =
        action.delayMinutes === undefined
          ? { amount: "", unit: "minutes" as const }
          : splitMinutes(action.delayMinutes);
      return { ...draft, template: action.template, delay: delay.amount, delayUnit: delay.unit };
    }
    case "notify_slack":
      return { ...draft, template: action.template };
    case "chatwoot_label":
      return { ...draft, label: action.label };
    case "create_task": {
      const due = splitMinutes(action.dueInMinutes);
      return { ...draft, title: action.title, due: due.amount, dueUnit: due.unit };
    }
    case "push_to_pipeline":
      return { ...draft, pipelineId: action.pipelineId ?? "" };
    case "add_tag":
      return { ...draft, tag: action.tag };
    case "partner_webhook":
      return draft;
  }
}

/** The action as the API takes it (a number that is not one is left for the form to flag). */
export function actionOf(draft: ActionDraft): Action {
  switch (draft.type) {
    case "send_whatsapp":
    case "send_email": {
      const delay = draft.delay.trim() === "" ? null : toMinutes(draft.delay, draft.delayUnit);
      return {
        type: draft.type,
        template: draft.template,
        ...(delay !== null ? { delayMinutes: delay } : {}),
      };
    }
    case "notify_slack":
      return { type: draft.type, template: draft.template };
    case "chatwoot_label":
      return { type: draft.type, label: draft.label.trim() };
    case "create_task":
      return {
        type: draft.type,
        title: draft.title.trim(),
        dueInMinutes: toMinutes(draft.due, draft.dueUnit) ?? 0,
      };
    case "push_to_pipeline":
      return { type: draft.type, ...(draft.pipelineId ? { pipelineId: draft.pipelineId } : {}) };
    case "add_tag":
      return { type: draft.type, tag: draft.tag.trim() };
    case "partner_webhook":
      return { type: draft.type, event: "lead.hot" };
  }
}

/** The list with the item at `from` moved to `to` (both clamped). */
export function moved<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const target = Math.max(0, Math.min(to, next.length - 1));
  const [item] = next.splice(from, 1);
  if (item === undefined) return [...items];
  next.splice(target, 0, item);
  return next;
}

// --- The whole rule

export interface RuleDraft {
  name: string;
  trigger: TriggerDraft;
  schedule: ScheduleDraft;
  conditions: ConditionDraft[];
  actions: ActionDraft[];
  mode: "suggest" | "auto";
}

export function newRuleDraft(): RuleDraft {
  return {
    name: "",
    trigger: { kind: "event", event: "lead.created", query: "access_rescue" },
    schedule: { kind: "daily", time: "09:00", weekday: 1, cron: "0 9 * * *" },
    conditions: [],
    actions: [],
    mode: "suggest",
  };
}

function isEvent(value: string): value is AutomationEvent {
  return (RULE_EVENTS as readonly string[]).includes(value);
}

function isQuery(value: string): value is ScheduleQuery {
  return (RULE_QUERIES as readonly string[]).includes(value);
}

/** The form prefilled with a rule (its trigger shown, not changed). */
export function draftOfRule(rule: RuleView): RuleDraft {
  const base = newRuleDraft();
  return {
    name: rule.name,
    trigger: {
      kind: rule.schedule ? "schedule" : "event",
      event: isEvent(rule.trigger) ? rule.trigger : base.trigger.event,
      query: rule.schedule && isQuery(rule.schedule.query) ? rule.schedule.query : base.trigger.query,
    },
    schedule: rule.schedule ? scheduleOfCron(rule.schedule.cron) : base.schedule,
    conditions: rule.conditions.map(conditionDraftOf),
    actions: rule.actions.map(actionDraftOf),
    mode: rule.mode,
  };
}

export type CreateRuleBody = z.input<typeof CreateRuleSchema>;

/** POST /api/v1/automation-rules. */
export function ruleCreation(draft: RuleDraft): CreateRuleBody {
  const fields = fieldsForTrigger(draft.trigger);
  return {
    name: draft.name.trim(),
    trigger:
      draft.trigger.kind === "event"
        ? { kind: "event", event: draft.trigger.event }
        : { kind: "schedule", query: draft.trigger.query, cron: cronOfSchedule(draft.schedule) ?? "" },
    conditions: draft.conditions.map((condition) => conditionOf(condition, fields)),
    actions: draft.actions.map(actionOf),
    mode: draft.mode,
  };
}

/** JSON with its keys sorted: the server's jsonb reorders them. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

/** PATCH /api/v1/automation-rules/:id: only what changed (the trigger stays; a schedule's cron may change). */
export function ruleChange(rule: RuleView, draft: RuleDraft): UpdateRuleInput {
  const created = ruleCreation(draft);
  const change: UpdateRuleInput = {};
  if (created.name !== rule.name) change.name = created.name;
  const conditions = created.conditions ?? [];
  if (canonical(conditions) !== canonical(rule.conditions)) change.conditions = conditions;
  if (canonical(created.actions) !== canonical(rule.actions)) change.actions = created.actions;
  if (
    rule.schedule &&
    created.trigger.kind === "schedule" &&
    !sameCron(created.trigger.cron, rule.schedule.cron)
  ) {
    change.scheduleCron = created.trigger.cron;
  }
  if (draft.mode !== rule.mode) change.mode = draft.mode;
  return change;
}

/**
 * What the form can tell before asking the server, by the same paths as the server's field errors:
 * a value an operator needs, a number that is not one, a time or a delay that is not whole.
 */
export function draftProblems(draft: RuleDraft): Record<string, MessageKey> {
  const problems: Record<string, MessageKey> = {};
  const fields = fieldsForTrigger(draft.trigger);
  if (draft.trigger.kind === "schedule") {
    if (draft.schedule.kind !== "advanced" && cronOfSchedule(draft.schedule) === null) {
      problems.cron = "automation.ruleForm.problem.time";
    }
  }
  draft.conditions.forEach((condition, index) => {
    if (!opTakesValue(condition.op)) return;
    const path = `conditions.${index}.value`;
    const field = fieldSpecOf(condition.field, fields);
    const text = condition.value.trim();
    if (condition.op === "in" ? splitList(text).length === 0 : text === "") {
      problems[path] = "automation.ruleForm.problem.value";
    } else if (field.kind === "number" && !NUMBER.test(text)) {
      problems[path] = "automation.ruleForm.problem.number";
    }
  });
  draft.actions.forEach((action, index) => {
    if ((action.type === "send_whatsapp" || action.type === "send_email") && action.delay.trim() !== "") {
      if (toMinutes(action.delay, action.delayUnit) === null) {
        problems[`actions.${index}.delayMinutes`] = "automation.ruleForm.problem.whole";
      }
    }
    if (action.type === "create_task" && toMinutes(action.due, action.dueUnit) === null) {
      problems[`actions.${index}.dueInMinutes`] = "automation.ruleForm.problem.whole";
    }
  });
  return problems;
}

/** The server's field path as the form names it: "body.trigger.cron" and "scheduleCron" are "cron". */
export function formPath(field: string): string {
  const path = field.replace(/^(body|querystring|params)\./, "");
  if (path === "trigger.cron" || path === "scheduleCron") return "cron";
  if (path.startsWith("trigger.")) return "trigger";
  return path;
}

/** A problem's field errors by the form's paths; the first for a path wins. */
export function ruleErrorsByPath(
  errors: readonly { field: string; message: string }[],
): Record<string, string> {
  const byPath: Record<string, string> = {};
  for (const item of errors) {
    const path = formPath(item.field);
    if (!(path in byPath)) byPath[path] = item.message;
  }
  return byPath;
}

const FORM_PATH =
  /^(name|trigger|cron|mode|conditions|actions|conditions\.\d+(\.(field|op|value))?|actions\.\d+(\.(type|template|delayMinutes|label|title|dueInMinutes|pipelineId|tag))?)$/;

/** Whether the form shows an error of this path beside a field (the others go in the alert). */
export function isFormPath(path: string): boolean {
  return FORM_PATH.test(path);
}

export interface RuleSummary {
  trigger: string;
  conditions: string[];
  actions: string[];
  mode: string;
}

/** What the rule will do, in the words the rule cards use. */
export function ruleSummary(draft: RuleDraft, t: Translate): RuleSummary {
  const body = ruleCreation(draft);
  return {
    trigger: triggerInWords(
      body.trigger.kind === "event"
        ? { trigger: body.trigger.event, schedule: null }
        : {
            trigger: "schedule",
            schedule: { query: body.trigger.query, cron: body.trigger.cron || draft.schedule.cron },
          },
      t,
    ),
    conditions: (body.conditions ?? []).map((condition) => conditionInWords(condition, t)),
    actions: body.actions.map((action) => actionInWords(action, t)),
    mode: t(`automation.modeHint.${draft.mode}`),
  };
}
