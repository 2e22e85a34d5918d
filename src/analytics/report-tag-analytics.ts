import { type RawBuilder, sql } from "kysely";
import { workspaceTimeZone } from "../crm/sweep-sla.ts";
import type { Deps } from "../deps.ts";
import { resolveRange } from "../students/internal/enrollment-dates.ts";
import type { TagAnalyticsQuery } from "./value-report-schemas.ts";

/** A share of a group of people: how many, how many of them count, and the ratio (0–1, null if none). */
export interface Share {
  of: number;
  count: number;
  rate: number | null;
}

/** Refunds among buyers and conversion among people, for a group and for the rest of the population. */
export interface Outcomes {
  /** Buyers (a purchase that was approved at some point) whose purchase was refunded or charged back. */
  refunds: { withTag: Share; withoutTag: Share };
  /** People with a won deal or a purchase that is approved (or complete) now. */
  conversion: { withTag: Share; withoutTag: Share };
}

export interface TagRow extends Outcomes {
  tag: string;
  /** Times the label was added and removed in the range (Chatwoot label changes). */
  added: number;
  removed: number;
  /** Conversations the label was added to in the range: the word cloud's weight. */
  conversations: number;
  /** People the label was added to in the range. */
  contacts: number;
}

export interface TagAnalyticsReport {
  from: string | null;
  to: string | null;
  bucket: "day" | "week";
  /** The multi-tag filter, when given: only people carrying any / all of these tags are analysed. */
  filter: { tags: string[]; match: "any" | "all" } | null;
  /** Label changes per bucket (its first day, YYYY-MM-DD, in the workspace's time zone) and tag. */
  series: { bucket: string; tag: string; added: number; removed: number }[];
  /** The word cloud: each tag with its weight (conversations it was added to), heaviest first. */
  cloud: { tag: string; weight: number }[];
  items: TagRow[];
  /** The people analysed (the workspace's, or the filter's): how many bought, were refunded, converted. */
  population: { contacts: number; buyers: number; refunded: number; converted: number };
  /** With a filter: the people it selects against everyone else in the workspace. */
  selection: ({ contacts: number } & Outcomes) | null;
}

const MAX_TAGS = 500;

const ratio = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
const share = (count: number, of: number): Share => ({ of, count, rate: ratio(count, of) });

interface Scope {
  workspaceId: string;
  from: Date | null;
  to: Date | null;
  tags: string[] | null;
  match: "any" | "all";
}

/**
 * The label changes of the range as `scoped` (label, action, at, conversation, person: the contact a
 * merge folded it into), limited to the filter's people when there is one, who are in `selected`.
 */
function scopedEvents(scope: Scope): RawBuilder<unknown> {
  const { tags } = scope;
  return sql`
    events as (
      select te.label, te.action, te.at, te.conversation_id, coalesce(c.merged_into, c.id) as person_id
      from tag_events te
      left join contacts c on c.id = te.contact_id
      where te.workspace_id = ${scope.workspaceId}
        ${scope.from ? sql`and te.at >= ${scope.from}` : sql``}
        ${scope.to ? sql`and te.at < ${scope.to}` : sql``}
    ),
    selected as (
      ${
        tags
          ? sql`select person_id from events
              where action = 'added' and person_id is not null
                and label in (${sql.join(tags.map((tag) => sql`${tag}`))})
              group by person_id
              having count(distinct label) >= ${scope.match === "all" ? tags.length : 1}`
          : sql`select null::uuid as person_id where false`
      }
    ),
    scoped as (
      select * from events
      ${tags ? sql`where person_id in (select person_id from selected)` : sql``}
    )`;
}

interface TagSqlRow {
  label: string | null;
  added: number;
  removed: number;
  conversations: number;
  tagged: number;
  tagged_buyers: number;
  tagged_refunded: number;
  tagged_converted: number;
  people: number;
  buyers: number;
  refunded: number;
  converted: number;
  others: number;
  others_buyers: number;
  others_refunded: number;
  others_converted: number;
}

/**
 * Tag analytics from Chatwoot's label changes (tag_events) in the range: counts per tag over time
 * (day or week buckets), a word cloud, and each tag against refunds (share of its buyers refunded
 * or charged back vs the buyers without it) and conversion (share with a won deal or an approved
 * purchase vs the people without it). `tags` + `match` select the people carrying any / all of the
 * tags (added in the range); everything is then about them, with the selection against everyone
 * else. People are contacts with merges folded in (a merged contact's rows count for the survivor).
 * Two grouped statements: the series, and the tags with the population's outcomes.
 */
export async function reportTagAnalytics(
  deps: Deps,
  input: { workspaceId: string } & TagAnalyticsQuery,
): Promise<TagAnalyticsReport> {
  const range = await resolveRange(deps, input);
  const tags = input.tags && input.tags.length > 0 ? input.tags : null;
  const scope: Scope = { workspaceId: input.workspaceId, ...range, tags, match: input.match };
  const timeZone = await workspaceTimeZone(deps, input.workspaceId);

  const { rows: seriesRows } = await sql<{ bucket: string; tag: string; added: number; removed: number }>`
    with ${scopedEvents(scope)}
    select to_char(date_trunc(${sql.lit(input.bucket)}, at at time zone ${timeZone}), 'YYYY-MM-DD') as bucket,
      label as tag,
      count(*) filter (where action = 'added')::int as added,
      count(*) filter (where action = 'removed')::int as removed
    from scoped
    group by 1, 2
    order by 1, 2
  `.execute(deps.db);

  const { rows } = await sql<TagSqlRow>`
    with ${scopedEvents(scope)},
    tagged as (
      select distinct person_id, label from scoped where action = 'added' and person_id is not null
    ),
    bought as (
      select coalesce(c.merged_into, c.id) as person_id,
        bool_or(p.status in ('refunded', 'chargeback')) as refunded,
        bool_or(p.status in ('approved', 'complete')) as approved
      from purchases p
      join contacts c on c.id = p.contact_id
      where p.workspace_id = ${input.workspaceId}
        and (p.approved_at is not null or p.status in ('approved', 'complete', 'refunded', 'chargeback'))
      group by 1
    ),
    won as (
      select distinct coalesce(c.merged_into, c.id) as person_id
      from deals d
      join contacts c on c.id = d.contact_id
      where d.workspace_id = ${input.workspaceId} and d.status = 'won' and d.deleted_at is null
    ),
    flags as (
      select c.id as person_id,
        ${tags ? sql`c.id in (select person_id from selected)` : sql`true`} as analysed,
        (b.person_id is not null) as buyer,
        coalesce(b.refunded, false) as refunded,
        (coalesce(b.approved, false) or w.person_id is not null) as converted
      from contacts c
      left join bought b on b.person_id = c.id
      left join won w on w.person_id = c.id
      where c.workspace_id = ${input.workspaceId} and c.merged_into is null and c.deleted_at is null
    ),
    per_tag as (
      select t.label,
        count(*)::int as tagged,
        count(*) filter (where f.buyer)::int as tagged_buyers,
        count(*) filter (where f.refunded)::int as tagged_refunded,
        count(*) filter (where f.converted)::int as tagged_converted
      from tagged t
      join flags f on f.person_id = t.person_id and f.analysed
      group by t.label
    ),
    counts as (
      select label,
        count(*) filter (where action = 'added')::int as added,
        count(*) filter (where action = 'removed')::int as removed,
        count(distinct conversation_id) filter (where action = 'added')::int as conversations
      from scoped
      group by label
      order by 4 desc, 2 desc, label
      limit ${MAX_TAGS}
    ),
    population as (
      select
        count(*) filter (where analysed)::int as people,
        count(*) filter (where analysed and buyer)::int as buyers,
        count(*) filter (where analysed and refunded)::int as refunded,
        count(*) filter (where analysed and converted)::int as converted,
        count(*) filter (where not analysed)::int as others,
        count(*) filter (where not analysed and buyer)::int as others_buyers,
        count(*) filter (where not analysed and refunded)::int as others_refunded,
        count(*) filter (where not analysed and converted)::int as others_converted
      from flags
    )
    select counts.label, counts.added, counts.removed, counts.conversations,
      coalesce(per_tag.tagged, 0) as tagged, coalesce(per_tag.tagged_buyers, 0) as tagged_buyers,
      coalesce(per_tag.tagged_refunded, 0) as tagged_refunded,
      coalesce(per_tag.tagged_converted, 0) as tagged_converted,
      population.*
    from population
    left join (counts left join per_tag on per_tag.label = counts.label) on true
    order by counts.conversations desc, counts.added desc, counts.label
  `.execute(deps.db);

  const first = rows[0];
  const population = {
    contacts: first?.people ?? 0,
    buyers: first?.buyers ?? 0,
    refunded: first?.refunded ?? 0,
    converted: first?.converted ?? 0,
  };
  const items: TagRow[] = rows
    .filter((row): row is TagSqlRow & { label: string } => row.label !== null)
    .map((row) => ({
      tag: row.label,
      added: row.added,
      removed: row.removed,
      conversations: row.conversations,
      contacts: row.tagged,
      refunds: {
        withTag: share(row.tagged_refunded, row.tagged_buyers),
        withoutTag: share(row.refunded - row.tagged_refunded, row.buyers - row.tagged_buyers),
      },
      conversion: {
        withTag: share(row.tagged_converted, row.tagged),
        withoutTag: share(row.converted - row.tagged_converted, row.people - row.tagged),
      },
    }));
  const labels = new Set(items.map((item) => item.tag));
  return {
    from: range.from?.toISOString() ?? null,
    to: range.to?.toISOString() ?? null,
    bucket: input.bucket,
    filter: tags ? { tags, match: input.match } : null,
    series: seriesRows.filter((row) => labels.has(row.tag)),
    cloud: items
      .map((item) => ({ tag: item.tag, weight: item.conversations }))
      .sort((a, b) => b.weight - a.weight || a.tag.localeCompare(b.tag)),
    items,
    population,
    selection:
      tags && first
        ? {
            contacts: first.people,
            refunds: {
              withTag: share(first.refunded, first.buyers),
              withoutTag: share(first.others_refunded, first.others_buyers),
            },
            conversion: {
              withTag: share(first.converted, first.people),
              withoutTag: share(first.others_converted, first.others),
            },
          }
        : null,
  };
}

/** One CSV table (header first): a row per tag with its outcomes, or the series (bucket × tag). */
export function tagAnalyticsCsv(report: TagAnalyticsReport, table: "tags" | "series"): unknown[][] {
  if (table === "series") {
    return [
      ["bucket", "tag", "added", "removed"],
      ...report.series.map((row) => [row.bucket, row.tag, row.added, row.removed]),
    ];
  }
  return [
    [
      "tag",
      "added",
      "removed",
      "conversations",
      "contacts",
      "buyers_with_tag",
      "refunded_with_tag",
      "refund_rate_with_tag",
      "buyers_without_tag",
      "refunded_without_tag",
      "refund_rate_without_tag",
      "converted_with_tag",
      "conversion_rate_with_tag",
      "contacts_without_tag",
      "converted_without_tag",
      "conversion_rate_without_tag",
    ],
    ...report.items.map((row) => [
      row.tag,
      row.added,
      row.removed,
      row.conversations,
      row.contacts,
      row.refunds.withTag.of,
      row.refunds.withTag.count,
      row.refunds.withTag.rate,
      row.refunds.withoutTag.of,
      row.refunds.withoutTag.count,
      row.refunds.withoutTag.rate,
      row.conversion.withTag.count,
      row.conversion.withTag.rate,
      row.conversion.withoutTag.of,
      row.conversion.withoutTag.count,
      row.conversion.withoutTag.rate,
    ]),
  ];
}
