import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { purchasedAtSql, resolveRange } from "./internal/enrollment-dates.ts";
import type { AccessKpisQuery } from "./schemas.ts";

/** How the first accesses of a set of enrollments came, and what we sent them. */
export interface AccessKpis {
  enrollments: number;
  firstAccesses: number;
  /** firstAccesses ÷ enrollments (0–1), null without enrollments. */
  firstAccessRate: number | null;
  /** whatsapp_link: a click on our tracked link came first; hotmart_email: the platform's e-mail. */
  byOrigin: { whatsapp_link: number; hotmart_email: number; other: number };
  /** whatsapp_link ÷ first accesses (0–1): "we brought 45% of cohort 10's first accesses". */
  ourShare: number | null;
  /** Dispatches of the built-in welcome rule that were sent. */
  welcomeSent: number;
  /** Dispatches of the built-in access-rescue rule that were sent. */
  rescueSent: number;
  /** Clicks on our tracked links for the product, and how many students clicked at least once. */
  linkClicks: number;
  studentsClicked: number;
  /** Median hours from the purchase's approval to the first access (students with both), or null. */
  medianHoursToFirstAccess: number | null;
}

export interface AccessKpisRow extends AccessKpis {
  productId: string;
  productName: string;
  /** With groupBy=cohort or a cohort filter: the cohort (null: enrollments in none). */
  cohort?: string | null;
}

interface KpiRow {
  product_id: string | null;
  product_name: string | null;
  cohort: string | null;
  is_total: number;
  enrollments: number;
  first_accesses: number;
  whatsapp_link: number;
  hotmart_email: number;
  other: number;
  welcome_sent: number;
  rescue_sent: number;
  link_clicks: number;
  students_clicked: number;
  median_hours: number | string | null;
}

const ratio = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

function kpisOf(row: KpiRow): AccessKpis {
  const median = row.median_hours === null ? null : Number(row.median_hours);
  return {
    enrollments: row.enrollments,
    firstAccesses: row.first_accesses,
    firstAccessRate: ratio(row.first_accesses, row.enrollments),
    byOrigin: { whatsapp_link: row.whatsapp_link, hotmart_email: row.hotmart_email, other: row.other },
    ourShare: ratio(row.whatsapp_link, row.first_accesses),
    welcomeSent: row.welcome_sent,
    rescueSent: row.rescue_sent,
    linkClicks: row.link_clicks,
    studentsClicked: row.students_clicked,
    medianHoursToFirstAccess: median === null ? null : Math.round(median * 10) / 10,
  };
}

/**
 * Access KPIs per product (and per cohort when asked) over the enrollments that began in the range:
 * first accesses and their origin, our share, welcome and rescue messages sent, link clicks and the
 * median time from purchase to first access; with the totals. One grouped statement (grouping sets):
 * the enrollments are read once, dispatches and links are aggregated per student for them only.
 */
export async function reportAccessKpis(
  deps: Deps,
  input: { workspaceId: string } & AccessKpisQuery,
): Promise<{
  from: string | null;
  to: string | null;
  items: AccessKpisRow[];
  totals: AccessKpis;
}> {
  const range = await resolveRange(deps, input);
  const byCohort = input.groupBy === "cohort";
  const { rows } = await sql<KpiRow>`
    with selected as (
      select * from (
        select e.contact_id, e.product_id, e.cohort, e.first_access_at, e.first_access_origin, e.created_at,
          ${purchasedAtSql()} as purchased_at
        from enrollments e
        where e.workspace_id = ${input.workspaceId}
          ${input.productId ? sql`and e.product_id = ${input.productId}` : sql``}
          ${input.cohort ? sql`and e.cohort = ${input.cohort}` : sql``}
      ) enrollment
      where true
        ${range.from ? sql`and coalesce(purchased_at, created_at) >= ${range.from}` : sql``}
        ${range.to ? sql`and coalesce(purchased_at, created_at) < ${range.to}` : sql``}
    ),
    sent as (
      select d.contact_id, d.product_id,
        count(*) filter (where r.builtin = 'welcome') as welcome,
        count(*) filter (where r.builtin = 'access_rescue') as rescue
      from dispatches d
      join automation_rules r on r.id = d.rule_id
      where d.workspace_id = ${input.workspaceId} and d.status = 'sent'
        and r.builtin in ('welcome', 'access_rescue')
        and (d.contact_id, d.product_id) in (select contact_id, product_id from selected)
      group by d.contact_id, d.product_id
    ),
    clicked as (
      select l.contact_id, l.product_id, sum(l.clicks) as clicks
      from tracked_links l
      where l.workspace_id = ${input.workspaceId}
        and (l.contact_id, l.product_id) in (select contact_id, product_id from selected)
      group by l.contact_id, l.product_id
    ),
    kpis as (
      select s.product_id, ${byCohort ? sql`s.cohort` : sql`null::text`} as cohort,
        grouping(s.product_id) as is_total,
        count(*)::int as enrollments,
        count(s.first_access_at)::int as first_accesses,
        count(*) filter (where s.first_access_at is not null
          and s.first_access_origin = 'whatsapp_link')::int as whatsapp_link,
        count(*) filter (where s.first_access_at is not null
          and s.first_access_origin = 'hotmart_email')::int as hotmart_email,
        count(*) filter (where s.first_access_at is not null
          and s.first_access_origin is distinct from 'whatsapp_link'
          and s.first_access_origin is distinct from 'hotmart_email')::int as other,
        coalesce(sum(sent.welcome), 0)::int as welcome_sent,
        coalesce(sum(sent.rescue), 0)::int as rescue_sent,
        coalesce(sum(clicked.clicks), 0)::int as link_clicks,
        count(*) filter (where clicked.clicks > 0)::int as students_clicked,
        percentile_cont(0.5) within group (
          order by greatest(0, extract(epoch from s.first_access_at - s.purchased_at)) / 3600
        ) filter (where s.first_access_at is not null and s.purchased_at is not null) as median_hours
      from selected s
      left join sent on sent.contact_id = s.contact_id and sent.product_id = s.product_id
      left join clicked on clicked.contact_id = s.contact_id and clicked.product_id = s.product_id
      group by grouping sets (${byCohort ? sql`(s.product_id, s.cohort)` : sql`(s.product_id)`}, ())
    )
    select kpis.*, p.name as product_name from kpis
    left join products p on p.id = kpis.product_id
    order by kpis.is_total, p.name, kpis.product_id, kpis.cohort nulls last
  `.execute(deps.db);
  const total = rows.find((row) => row.is_total === 1);
  const items = rows
    .filter((row) => row.is_total === 0 && row.product_id !== null)
    .map((row) => ({
      productId: row.product_id as string,
      productName: row.product_name ?? "",
      ...(byCohort ? { cohort: row.cohort } : input.cohort ? { cohort: input.cohort } : {}),
      ...kpisOf(row),
    }));
  return {
    from: range.from?.toISOString() ?? null,
    to: range.to?.toISOString() ?? null,
    items,
    totals: total
      ? kpisOf(total)
      : kpisOf({
          product_id: null,
          product_name: null,
          cohort: null,
          is_total: 1,
          enrollments: 0,
          first_accesses: 0,
          whatsapp_link: 0,
          hotmart_email: 0,
          other: 0,
          welcome_sent: 0,
          rescue_sent: 0,
          link_clicks: 0,
          students_clicked: 0,
          median_hours: null,
        }),
  };
}
