import type { PERMISSIONS } from "../../../auth/schemas.ts";
import type { RuleView } from "../../../automation/manage-rules.ts";
import type { RunSummary } from "../../../automation/run-scheduled-rule.ts";
import type {
  Action,
  AutomationEvent,
  Condition,
  DispatchChannel,
  DispatchStatus,
  ScheduleQuery,
} from "../../../automation/schemas.ts";
import { isMessageKey, type MessageKey, type Translate } from "../../i18n.ts";

// Pure helpers of Automação (no React: tested in automation-format.test.ts). The API's shapes are the
// server's types; the lists below are typed against them so a server change fails `tsc`.

type AutomationPermission = "automation:read" | "automation:manage" | "dispatches:review";

/** Who may do what, as the server's PERMISSIONS say (copied without importing zod into the bundle). */
const ROLES_OF: { [K in AutomationPermission]: (typeof PERMISSIONS)[K] } = {
  "automation:read": ["admin", "manager", "cs", "viewer"],
  "automation:manage": ["admin", "manager"],
  "dispatches:review": ["admin", "manager", "cs"],
};

function allows(permission: AutomationPermission, role: string | null | undefined): boolean {
  return (ROLES_OF[permission] as readonly string[]).includes(role ?? "");
}

/** The queue and the rules are readable by admins, managers, CS and viewers (not sales). */
export function canReadAutomation(role: string | null | undefined): boolean {
  return allows("automation:read", role);
}

/** Switching a rule's mode, turning it on or off and running it now: admins and managers. */
export function canManageRules(role: string | null | undefined): boolean {
  return allows("automation:manage", role);
}

/** Approving, editing and rejecting dispatches: admins, managers and CS. */
export function canReviewDispatches(role: string | null | undefined): boolean {
  return allows("dispatches:review", role);
}

// --- The queue's tabs and filters (kept in the route's query)

/** The tabs of Fila de disparos, each one or two of the server's statuses. */
export const QUEUE_TABS = [
  "pending",
  "approved",
  "sent",
  "failed",
  "refused",
  "rejected",
  "expired",
] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

const TAB_STATUSES: Record<QueueTab, readonly DispatchStatus[]> = {
  pending: ["pending"],
  approved: ["approved", "sending"],
  sent: ["sent"],
  failed: ["failed", "unknown"],
  refused: ["refused"],
  rejected: ["rejected"],
  expired: ["expired"],
};

export function tabStatuses(tab: QueueTab): readonly DispatchStatus[] {
  return TAB_STATUSES[tab];
}

export const DISPATCH_CHANNELS = [
  "whatsapp",
  "email",
  "slack",
  "chatwoot_label",
  "task",
  "deal",
  "tag",
  "webhook",
] as const satisfies readonly DispatchChannel[];

export interface QueueFilters {
  tab: QueueTab;
  ruleId: string;
  channel: DispatchChannel | "";
  /** `key:value`, e.g. `module:Módulo 2`. */
  facet: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FACET = /^[a-z_]+:.+$/;

/** The filters a route's query names; anything the server would refuse reads as no filter. */
export function readQueueFilters(query: URLSearchParams): QueueFilters {
  const tab = QUEUE_TABS.find((item) => item === query.get("tab")) ?? "pending";
  const ruleId = query.get("ruleId") ?? "";
  const channel = DISPATCH_CHANNELS.find((item) => item === query.get("channel")) ?? "";
  const facet = query.get("facet") ?? "";
  return {
    tab,
    ruleId: UUID.test(ruleId) ? ruleId : "",
    channel,
    facet: FACET.test(facet) && facet.length <= 200 ? facet : "",
  };
}

/** The query for the filters (defaults left out), for links and the address bar. */
export function queueQuery(filters: Partial<QueueFilters>): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.tab && filters.tab !== "pending") params.set("tab", filters.tab);
  if (filters.ruleId) params.set("ruleId", filters.ruleId);
  if (filters.channel) params.set("channel", filters.channel);
  if (filters.facet) params.set("facet", filters.facet);
  return params;
}

/** `module:Módulo 2` → its key and value. */
export function parseFacet(facet: string): { key: string; value: string } | null {
  const at = facet.indexOf(":");
  if (at <= 0 || at === facet.length - 1) return null;
  return { key: facet.slice(0, at), value: facet.slice(at + 1) };
}

export type FacetCounts = Record<string, Record<string, number>>;

/** Facet counts of several lists (one per status) added up. */
export function addFacets(lists: readonly FacetCounts[]): FacetCounts {
  const total: FacetCounts = {};
  for (const facets of lists) {
    for (const [key, values] of Object.entries(facets)) {
      const into = total[key] ?? {};
      for (const [value, count] of Object.entries(values)) into[value] = (into[value] ?? 0) + count;
      total[key] = into;
    }
  }
  return total;
}

/** The counts once `decided` dispatches left the list's status (a value that reaches 0 goes). */
export function withoutDecided(
  facets: FacetCounts,
  decided: readonly { facets: Record<string, string> }[],
): FacetCounts {
  const next: FacetCounts = {};
  for (const [key, values] of Object.entries(facets)) next[key] = { ...values };
  for (const item of decided) {
    for (const [key, value] of Object.entries(item.facets)) {
      const values = next[key];
      const count = values?.[value];
      if (!values || count === undefined) continue;
      if (count <= 1) delete values[value];
      else values[value] = count - 1;
      if (Object.keys(values).length === 0) delete next[key];
    }
  }
  return next;
}

/** Facet keys in the order people read them (module before product), then the rest by name. */
export function facetKeys(facets: FacetCounts): string[] {
  const order = ["module", "product"];
  return Object.keys(facets).sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    if (ia !== ib) return (ia === -1 ? order.length : ia) - (ib === -1 ? order.length : ib);
    return a.localeCompare(b);
  });
}

/** A facet's values, most dispatches first (then by name). */
export function facetValues(values: Record<string, number>): { value: string; count: number }[] {
  return Object.entries(values)
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value, "pt-BR", { numeric: true }));
}

export function facetKeyLabel(key: string, t: Translate): string {
  const messageKey = `automation.facet.${key}`;
  return isMessageKey(messageKey) ? t(messageKey) : key;
}

// --- Words for the server's codes

function known(key: string, fallback: string, t: Translate): string {
  return isMessageKey(key) ? t(key) : fallback;
}

/** Why a guardrail refused a message, in words (a code the web does not know shows as sent). */
export function refusalLabel(refusal: string, t: Translate): string {
  return known(`automation.refusal.${refusal}`, refusal, t);
}

/** How far a WhatsApp message got: enviado, entregue, lido, falhou. */
export function deliveryLabel(delivery: string, t: Translate): string {
  return known(`automation.delivery.${delivery}`, delivery, t);
}

export function statusLabel(status: DispatchStatus, t: Translate): string {
  return t(`automation.status.${status}`);
}

export function channelLabel(channel: string, t: Translate): string {
  return known(`automation.channel.${channel}`, channel, t);
}

const EVENTS = {
  "lead.created": "automation.event.lead.created",
  "lead.temperature_changed": "automation.event.lead.temperature_changed",
  "tag.added": "automation.event.tag.added",
  "purchase.approved": "automation.event.purchase.approved",
  "enrollment.first_access": "automation.event.enrollment.first_access",
  "module.completed": "automation.event.module.completed",
  "deal.stage_changed": "automation.event.deal.stage_changed",
} as const satisfies Record<AutomationEvent, MessageKey>;

const QUERIES = {
  access_rescue: "automation.query.access_rescue",
  stalled_students: "automation.query.stalled_students",
} as const satisfies Record<ScheduleQuery, MessageKey>;

function isEvent(value: string): value is AutomationEvent {
  return value in EVENTS;
}

function isQuery(value: string): value is ScheduleQuery {
  return value in QUERIES;
}

const pad = (value: number) => String(value).padStart(2, "0");
const INT = /^\d{1,2}$/;

function inRange(text: string, min: number, max: number): number | null {
  if (!INT.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

function weekday(text: string): Weekday | null {
  const value = inRange(text, 0, 7);
  return value === null ? null : ((value % 7) as Weekday);
}

/**
 * A five-field cron in words, in the workspace's time: "Todo dia às 09:00", "Toda segunda-feira às
 * 09:00", "De segunda a sexta às 08:30", "A cada 15 minutos". What it cannot say shows the expression.
 */
export function cronInWords(cron: string, t: Translate): string {
  const fields = cron.trim().split(/\s+/);
  const custom = t("automation.cron.custom", { cron: cron.trim() });
  if (fields.length !== 5) return custom;
  const [minuteText = "", hourText = "", dayText = "", monthText = "", weekdayText = ""] = fields;
  if (monthText !== "*") return custom;
  const minute = inRange(minuteText, 0, 59);
  const hour = inRange(hourText, 0, 23);
  const everyMinutes = /^\*\/(\d{1,2})$/.exec(minuteText);
  const everyHours = /^\*\/(\d{1,2})$/.exec(hourText);
  const anyDay = dayText === "*" && weekdayText === "*";

  if (everyMinutes && hourText === "*" && anyDay) {
    return t("automation.cron.everyMinutes", { n: Number(everyMinutes[1]) });
  }
  if (minute !== null && hourText === "*" && anyDay) {
    return t("automation.cron.hourly", { minute: pad(minute) });
  }
  if (minute !== null && everyHours && anyDay) {
    return t("automation.cron.everyHours", { n: Number(everyHours[1]) });
  }
  if (minute === null || hour === null) return custom;
  const time = `${pad(hour)}:${pad(minute)}`;
  if (anyDay) return t("automation.cron.daily", { time });
  if (weekdayText === "*") {
    const day = inRange(dayText, 1, 31);
    return day === null ? custom : t("automation.cron.monthly", { day, time });
  }
  if (dayText !== "*") return custom;
  if (weekdayText === "1-5") return t("automation.cron.weekdays", { time });
  const single = weekday(weekdayText);
  if (single !== null) return t(`automation.cron.weekly.${single}`, { time });
  const days = weekdayText.split(",").map(weekday);
  if (days.length > 1 && days.every((day) => day !== null)) {
    const names = [...new Set(days)]
      .sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7))
      .map((day) => t(`automation.weekdayShort.${day}`));
    return t("automation.cron.someDays", { days: names.join(", "), time });
  }
  return custom;
}

/** What starts a rule, in words: "Compra aprovada", "Todo dia às 09:00 — resgate de acesso". */
export function triggerInWords(rule: Pick<RuleView, "trigger" | "schedule">, t: Translate): string {
  if (rule.schedule) {
    const query = isQuery(rule.schedule.query) ? t(QUERIES[rule.schedule.query]) : rule.schedule.query;
    return `${cronInWords(rule.schedule.cron, t)} — ${query}`;
  }
  return isEvent(rule.trigger) ? t(EVENTS[rule.trigger]) : rule.trigger;
}

/** Minutes as "45 min", "1 h", "1 h 30 min", "3 dias". */
export function durationInWords(minutes: number, t: Translate): string {
  if (minutes < 60) return t("automation.duration.minutes", { n: minutes });
  if (minutes % 1440 === 0) {
    const days = minutes / 1440;
    return t(days === 1 ? "automation.duration.day" : "automation.duration.days", { n: days });
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0
    ? t("automation.duration.hours", { n: hours })
    : t("automation.duration.hoursMinutes", { h: hours, m: rest });
}

function templateName(template: string, t: Translate): string {
  return known(`automation.template.${template}`, template, t);
}

/** One action in words: "Enviar WhatsApp: resgate de acesso", "Criar tarefa “Follow-up” para daqui a 1 h". */
export function actionInWords(action: Action, t: Translate): string {
  switch (action.type) {
    case "send_whatsapp":
    case "send_email": {
      const key = action.type === "send_whatsapp" ? "automation.action.whatsapp" : "automation.action.email";
      const text = t(key, { template: templateName(action.template, t) });
      return action.delayMinutes
        ? t("automation.action.after", { action: text, delay: durationInWords(action.delayMinutes, t) })
        : text;
    }
    case "notify_slack":
      return t("automation.action.slack", { template: templateName(action.template, t) });
    case "chatwoot_label":
      return t("automation.action.chatwootLabel", { label: action.label });
    case "create_task":
      return t("automation.action.task", {
        title: action.title,
        due: durationInWords(action.dueInMinutes, t),
      });
    case "push_to_pipeline":
      return t(action.pipelineId ? "automation.action.dealIn" : "automation.action.deal");
    case "add_tag":
      return t("automation.action.tag", { tag: action.tag });
    case "partner_webhook":
      return t("automation.action.webhook", { event: action.event });
  }
}

function valueInWords(field: string, value: Condition["value"], t: Translate): string {
  if (Array.isArray(value)) return value.map((item) => valueInWords(field, item, t)).join(", ");
  if (typeof value === "boolean") return t(value ? "common.yes" : "common.no");
  if (value === undefined) return "";
  if ((field.endsWith("temperature") || field === "event.previous") && typeof value === "string") {
    return known(`temperature.${value}`, value, t);
  }
  if (field === "event.kind" && typeof value === "string") {
    return known(`automation.stageKind.${value}`, value, t);
  }
  if (field === "event.origin" && typeof value === "string") {
    return known(`automation.origin.${value}`, value, t);
  }
  return String(value);
}

/** One condition in words: "Produto monitorado: sim", "Temperatura é quente", "Cidade está preenchido". */
export function conditionInWords(condition: Condition, t: Translate): string {
  const field = known(`automation.field.${condition.field}`, condition.field, t);
  if (typeof condition.value === "boolean" && (condition.op === "eq" || condition.op === "neq")) {
    const yes = condition.op === "eq" ? condition.value : !condition.value;
    return t("automation.op.flag", { field, value: t(yes ? "common.yes" : "common.no") });
  }
  return t(`automation.op.${condition.op}`, {
    field,
    value: valueInWords(condition.field, condition.value, t),
  });
}

/** A run's counts in words: "3 encontrados, 3 sugestões" (or "… 3 disparos" for an automatic rule). */
export function runResultInWords(
  run: Pick<RunSummary, "matched" | "created" | "skipped">,
  mode: "suggest" | "auto",
  t: Translate,
): string {
  const parts = [
    t(run.matched === 1 ? "automation.run.matchedOne" : "automation.run.matched", { n: run.matched }),
    mode === "suggest"
      ? t(run.created === 1 ? "automation.run.suggestionOne" : "automation.run.suggestions", {
          n: run.created,
        })
      : t(run.created === 1 ? "automation.run.dispatchOne" : "automation.run.dispatches", { n: run.created }),
  ];
  if (run.skipped > 0) {
    parts.push(
      t(run.skipped === 1 ? "automation.run.skippedOne" : "automation.run.skipped", { n: run.skipped }),
    );
  }
  return parts.join(", ");
}

/**
 * The reason without the rule's name it starts with ("Resgate de acesso: comprou há mais de 24 h…" →
 * "comprou há mais de 24 h…"), since the row names the rule beside it; empty when it was only the name.
 */
export function reasonWithoutRule(reason: string, ruleName: string | null): string {
  if (!ruleName) return reason;
  if (reason === ruleName) return "";
  const prefix = `${ruleName}: `;
  return reason.startsWith(prefix) ? reason.slice(prefix.length) : reason;
}

// --- Batches

export interface BatchScope {
  /** How many dispatches the batch decides (as counted before asking). */
  count: number;
  /** True: the ids picked by hand; false: every pending dispatch the filter selects. */
  picked: boolean;
  ruleName?: string | null | undefined;
  channel?: DispatchChannel | "" | undefined;
  facetValue?: string | null | undefined;
}

/** The confirmation's question: "Aprovar 34 disparos da regra “Aluno parado” em Módulo 2?" */
export function batchQuestion(decision: "approve" | "reject", scope: BatchScope, t: Translate): string {
  const one = scope.count === 1;
  if (scope.picked) {
    const key =
      decision === "approve"
        ? one
          ? "automation.batch.approvePickedOne"
          : "automation.batch.approvePicked"
        : one
          ? "automation.batch.rejectPickedOne"
          : "automation.batch.rejectPicked";
    return t(key, { count: scope.count });
  }
  const parts: string[] = [];
  if (scope.ruleName) parts.push(t("automation.batch.ofRule", { rule: scope.ruleName }));
  if (scope.facetValue) parts.push(t("automation.batch.inFacet", { value: scope.facetValue }));
  if (scope.channel) parts.push(t("automation.batch.byChannel", { channel: channelLabel(scope.channel, t) }));
  const key =
    decision === "approve"
      ? one
        ? "automation.batch.approveOne"
        : "automation.batch.approve"
      : one
        ? "automation.batch.rejectOne"
        : "automation.batch.reject";
  return t(key, { count: scope.count, scope: parts.map((part) => ` ${part}`).join("") });
}

/** The toast after a batch: how many were decided, and why some were not. */
export function batchOutcome(
  decision: "approve" | "reject",
  result: { decided: number; asked: number },
  t: Translate,
): string {
  if (result.decided < result.asked) {
    return t(decision === "approve" ? "automation.batch.approvedSome" : "automation.batch.rejectedSome", {
      decided: result.decided,
      asked: result.asked,
    });
  }
  const one = result.decided === 1;
  return t(
    decision === "approve"
      ? one
        ? "automation.batch.approvedOne"
        : "automation.batch.approved"
      : one
        ? "automation.batch.rejectedOne"
        : "automation.batch.rejected",
    { count: result.decided },
  );
}

/** What POST /api/v1/dispatches/approve (or /reject) takes: the ids picked, or the filter itself. */
export function batchBody(
  selection: { ids: readonly string[]; allOfFilter: boolean },
  filters: Pick<QueueFilters, "ruleId" | "channel" | "facet">,
): { ids: string[] } | { filter: { ruleId?: string; channel?: DispatchChannel; facet?: string } } {
  if (!selection.allOfFilter) return { ids: [...selection.ids] };
  return {
    filter: {
      ...(filters.ruleId ? { ruleId: filters.ruleId } : {}),
      ...(filters.channel ? { channel: filters.channel } : {}),
      ...(filters.facet ? { facet: filters.facet } : {}),
    },
  };
}

/** The most the server decides in one batch. */
export const MAX_BATCH = 5000;
