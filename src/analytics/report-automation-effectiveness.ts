import { sql } from "kysely";
import type { DispatchChannel } from "../automation/schemas.ts";
import type { Deps } from "../deps.ts";
import { resolveRange } from "../students/internal/enrollment-dates.ts";
import type { AutomationEffectivenessQuery } from "./value-report-schemas.ts";

/** One rule's (or every rule's) dispatches from suggestion to click, with what stopped the rest. */
export interface EffectivenessFunnel {
  /** Dispatches the rule created in the range (suggested, or approved at once by an automatic rule). */
  suggested: number;
  /** Still waiting for a person. */
  pending: number;
  /** Approved by a person or by the rule itself (automatic): everything that went on to be sent or tried. */
  approved: number;
  /** Of the approved, those an automatic rule approved itself. */
  automatic: number;
  rejected: number;
  expired: number;
  sent: number;
  /** WhatsApp only: sent messages whose status reached delivered or read (null for other channels). */
  delivered: number | null;
  /** Sent messages whose tracked link (/r/{token}) was clicked at least once. */
  clicked: number;
  /** Stopped by a guardrail right before the send, in all and by reason (opt_out, window_closed…). */
  refused: number;
  refusedByReason: Record<string, number>;
  failed: number;
  /** A send that may or may not have left (a crash mid-call); never re-sent by itself. */
  unknown: number;
  /** Median minutes from the suggestion to a person's decision (approve or reject), or null. */
  medianMinutesToDecision: number | null;
  /** Each step over the one before (0–1, null when the step before is 0). */
  rates: { approved: number | null; sent: number | null; delivered: number | null; clicked: number | null };
}

export interface EffectivenessRow extends EffectivenessFunnel {
  /** null: dispatches of a rule that was deleted since. */
  ruleId: string | null;
  ruleName: string | null;
  builtin: string | null;
  channel: DispatchChannel;
}

interface FunnelRow {
  rule_id: string | null;
  rule_name: string | null;
  builtin: string | null;
  channel: DispatchChannel | null;
  is_total: number;
  suggested: number;
  pending: number;
  approved: number;
  automatic: number;
  rejected: number;
  expired: number;
  sent: number;
  whatsapp_sent: number;
  delivered: number;
  clicked: number;
  refused: number;
  failed: number;
  unknown: number;
  median_minutes: number | string | null;
  refusals: Record<string, number> | string | null;
}

const ratio = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

function funnelOf(row: FunnelRow, hasWhatsapp: boolean): EffectivenessFunnel {
  const median = row.median_minutes === null ? null : Number(row.median_minutes);
  const refusals = typeof row.refusals === "string" ? JSON.parse(row.refusals) : (row.refusals ?? {});
  const delivered = hasWhatsapp ? row.delivered : null;
  return {
    suggested: row.suggested,
    pending: row.pending,
    approved: row.approved,
    automatic: row.automatic,
    rejected: row.rejected,
    expired: row.expired,
    sent: row.sent,
    delivered,
    clicked: row.clicked,
    refused: row.refused,
    refusedByReason: refusals as Record<string, number>,
    failed: row.failed,
    unknown: row.unknown,
    medianMinutesToDecision: median === null ? null : Math.round(median * 10) / 10,
    rates: {
      approved: ratio(row.approved, row.suggested),
      sent: ratio(row.sent, row.approved),
      delivered: delivered === null ? null : ratio(delivered, row.whatsapp_sent),
      clicked: ratio(row.clicked, row.sent),
    },
  };
}

const EMPTY: FunnelRow = {
  rule_id: null,
  rule_name: null,
  builtin: null,
  channel: null,
  is_total: 1,
  suggested: 0,
  pending: 0,
  approved: 0,
  automatic: 0,
  rejected: 0,
  expired: 0,
  sent: 0,
  whatsapp_sent: 0,
  delivered: 0,
  clicked: 0,
  refused: 0,
  failed: 0,
  unknown: 0,
  median_minutes: null,
  refusals: null,
};

/**
 * Per rule and channel, the dispatches created in the range as a funnel: suggested → approved → sent
 * → delivered (WhatsApp: the message's interaction, `wa:<provider message id>`, reached delivered or
 * read) → clicked (its tracked link's first click), with refusals by reason, rejections, expiries and
 * the median time a person took to decide; and the totals. One grouped statement (grouping sets).
 */
export async function reportAutomationEffectiveness(
  deps: Deps,
  input: { workspaceId: string } & AutomationEffectivenessQuery,
): Promise<{
  from: string | null;
  to: string | null;
  items: EffectivenessRow[];
  totals: EffectivenessFunnel;
}> {
  const range = await resolveRange(deps, input);
  const { rows } = await sql<FunnelRow>`
    with selected as (
      select d.id, d.rule_id, d.channel, d.status, d.refusal, d.created_at, d.decided_at,
        d.decided_by_type, d.provider_message_id, d.workspace_id
      from dispatches d
      where d.workspace_id = ${input.workspaceId}
        ${range.from ? sql`and d.created_at >= ${range.from}` : sql``}
        ${range.to ? sql`and d.created_at < ${range.to}` : sql``}
        ${input.ruleId ? sql`and d.rule_id = ${input.ruleId}` : sql``}
        ${input.channel ? sql`and d.channel = ${input.channel}` : sql``}
    ),
    clicked as (
      select distinct l.dispatch_id from tracked_links l
      where l.workspace_id = ${input.workspaceId} and l.first_clicked_at is not null
        and l.dispatch_id in (select id from selected)
    ),
    flagged as (
      select s.*, (c.dispatch_id is not null) as was_clicked,
        (s.status = 'sent' and s.channel = 'whatsapp' and i.status in ('delivered', 'read')) as was_delivered
      from selected s
      left join clicked c on c.dispatch_id = s.id
      left join interactions i on i.workspace_id = s.workspace_id and s.provider_message_id is not null
        and i.external_key = 'wa:' || s.provider_message_id
    ),
    funnel as (
      select f.rule_id, f.channel, grouping(f.rule_id, f.channel) as g,
        count(*)::int as suggested,
        count(*) filter (where f.status = 'pending')::int as pending,
        count(*) filter (where f.status in ('approved', 'sending', 'sent', 'failed', 'refused', 'unknown'))::int
          as approved,
        count(*) filter (where f.decided_by_type = 'automation'
          and f.status in ('approved', 'sending', 'sent', 'failed', 'refused', 'unknown'))::int as automatic,
        count(*) filter (where f.status = 'rejected')::int as rejected,
        count(*) filter (where f.status = 'expired')::int as expired,
        count(*) filter (where f.status = 'sent')::int as sent,
        count(*) filter (where f.status = 'sent' and f.channel = 'whatsapp')::int as whatsapp_sent,
        count(*) filter (where f.was_delivered)::int as delivered,
        count(*) filter (where f.status = 'sent' and f.was_clicked)::int as clicked,
        count(*) filter (where f.status = 'refused')::int as refused,
        count(*) filter (where f.status = 'failed')::int as failed,
        count(*) filter (where f.status = 'unknown')::int as unknown,
        percentile_cont(0.5) within group (
          order by greatest(0, extract(epoch from f.decided_at - f.created_at)) / 60
        ) filter (where f.decided_at is not null and f.decided_by_type is distinct from 'automation')
          as median_minutes
      from flagged f
      group by grouping sets ((f.rule_id, f.channel), ())
    ),
    refusal_counts as (
      select f.rule_id, f.channel, grouping(f.rule_id, f.channel) as g,
        coalesce(f.refusal, 'unknown') as refusal, count(*)::int as n
      from flagged f
      where f.status = 'refused'
      group by grouping sets ((f.rule_id, f.channel, coalesce(f.refusal, 'unknown')), (coalesce(f.refusal, 'unknown')))
    ),
    refusals as (
      select rule_id, channel, g, jsonb_object_agg(refusal, n) as refusals
      from refusal_counts group by rule_id, channel, g
    )
    select funnel.*, (funnel.g = 3)::int as is_total, refusals.refusals,
      r.name as rule_name, r.builtin
    from funnel
    left join refusals on refusals.g = funnel.g and refusals.rule_id is not distinct from funnel.rule_id
      and refusals.channel is not distinct from funnel.channel
    left join automation_rules r on r.id = funnel.rule_id
    order by is_total, r.name nulls last, funnel.rule_id, funnel.channel
  `.execute(deps.db);
  const total = rows.find((row) => row.is_total === 1) ?? EMPTY;
  const items = rows
    .filter((row) => row.is_total === 0)
    .map((row) => ({
      ruleId: row.rule_id,
      ruleName: row.rule_name,
      builtin: row.builtin,
      channel: row.channel as DispatchChannel,
      ...funnelOf(row, row.channel === "whatsapp"),
    }));
  return {
    from: range.from?.toISOString() ?? null,
    to: range.to?.toISOString() ?? null,
    items,
    totals: funnelOf(
      total,
      items.some((item) => item.channel === "whatsapp"),
    ),
  };
}

/** The report as CSV rows (header first), one per rule and channel, then the totals. */
export function automationEffectivenessCsv(
  report: Awaited<ReturnType<typeof reportAutomationEffectiveness>>,
): unknown[][] {
  const header = [
    "rule_id",
    "rule",
    "channel",
    "suggested",
    "pending",
    "approved",
    "automatic",
    "rejected",
    "expired",
    "sent",
    "delivered",
    "clicked",
    "refused",
    "refused_by_reason",
    "failed",
    "unknown",
    "median_minutes_to_decision",
    "approved_rate",
    "sent_rate",
    "delivered_rate",
    "clicked_rate",
  ];
  const line = (
    ruleId: string | null,
    rule: string | null,
    channel: string,
    funnel: EffectivenessFunnel,
  ): unknown[] => [
    ruleId,
    rule,
    channel,
    funnel.suggested,
    funnel.pending,
    funnel.approved,
    funnel.automatic,
    funnel.rejected,
    funnel.expired,
    funnel.sent,
    funnel.delivered,
    funnel.clicked,
    funnel.refused,
    Object.entries(funnel.refusedByReason)
      .map(([reason, count]) => `${reason}:${count}`)
      .join(" "),
    funnel.failed,
    funnel.unknown,
    funnel.medianMinutesToDecision,
    funnel.rates.approved,
    funnel.rates.sent,
    funnel.rates.delivered,
    funnel.rates.clicked,
  ];
  return [
    header,
    ...report.items.map((item) => line(item.ruleId, item.ruleName, item.channel, item)),
    line(null, "total", "", report.totals),
  ];
}
