import { sql } from "kysely";
import { workspaceTimeZone } from "../crm/sweep-sla.ts";
import type { Deps } from "../deps.ts";
import { enrolledAtSql } from "../students/internal/enrollment-dates.ts";
import { type AccessKpis, type AccessKpisRow, reportAccessKpis } from "../students/report-access-kpis.ts";
import type { ProofOfValueQuery } from "./value-report-schemas.ts";

/** First accesses in one week (Monday first, in the workspace's time zone), by origin. */
export interface ProofWeek {
  /** The week's Monday, YYYY-MM-DD. */
  week: string;
  whatsapp_link: number;
  hotmart_email: number;
  other: number;
  total: number;
}

/** What the sentence "we brought 45% of Turma 10's first accesses" says, for the selection. */
export interface ProofHeadline {
  /** The product, when the selection is one product's (a productId, or a single product in the data). */
  productName: string | null;
  /** The cohort asked for, if any. */
  cohort: string | null;
  enrollments: number;
  firstAccesses: number;
  /** First accesses that came through our tracked links (whatsapp_link). */
  ourFirstAccesses: number;
  /** ourFirstAccesses ÷ firstAccesses (0–1), null without first accesses. */
  ourShare: number | null;
}

export interface ProofOfValueReport {
  from: string | null;
  to: string | null;
  headline: ProofHeadline;
  /** The access KPIs per product and cohort (students/report-access-kpis.ts), with their totals. */
  cohorts: AccessKpisRow[];
  totals: AccessKpis;
  /** The same enrollments' first accesses per week by origin, every week from the first to the last. */
  weeks: ProofWeek[];
  /** What the filters can pick: the workspace's products with enrollments and their cohorts. */
  choices: { products: { id: string; name: string; cohorts: string[] }[] };
}

interface WeekRow {
  week: string;
  whatsapp_link: number;
  hotmart_email: number;
  other: number;
}

const DAY_MS = 86_400_000;

/** Every week from the first row's to the last's, the missing ones as zeros. */
function fillWeeks(rows: WeekRow[]): ProofWeek[] {
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return [];
  const byWeek = new Map(rows.map((row) => [row.week, row]));
  const weeks: ProofWeek[] = [];
  for (
    let at = Date.parse(`${first.week}T00:00:00Z`);
    at <= Date.parse(`${last.week}T00:00:00Z`);
    at += 7 * DAY_MS
  ) {
    const week = new Date(at).toISOString().slice(0, 10);
    const row = byWeek.get(week) ?? { week, whatsapp_link: 0, hotmart_email: 0, other: 0 };
    weeks.push({ ...row, week, total: row.whatsapp_link + row.hotmart_email + row.other });
  }
  return weeks;
}

/**
 * The proof-of-value dashboard: the access KPIs per product and cohort (reportAccessKpis, over the
 * enrollments that began in the range), the headline numbers of the selection, and the same
 * enrollments' first accesses per week by origin (our WhatsApp link vs Hotmart's e-mail), so the
 * weeks add up to the totals. The choices list what a filter can pick (a client may call this route
 * only, so it cannot ask the products route).
 */
export async function reportProofOfValue(
  deps: Deps,
  input: { workspaceId: string } & ProofOfValueQuery,
): Promise<ProofOfValueReport> {
  const kpis = await reportAccessKpis(deps, {
    workspaceId: input.workspaceId,
    groupBy: "cohort",
    ...(input.productId ? { productId: input.productId } : {}),
    ...(input.cohort ? { cohort: input.cohort } : {}),
    ...(input.from ? { from: input.from } : {}),
    ...(input.to ? { to: input.to } : {}),
  });
  const from = kpis.from ? new Date(kpis.from) : null;
  const to = kpis.to ? new Date(kpis.to) : null;
  const timeZone = await workspaceTimeZone(deps, input.workspaceId);
  const { rows: weekRows } = await sql<WeekRow>`
    select to_char(date_trunc('week', s.first_access_at at time zone ${timeZone}), 'YYYY-MM-DD') as week,
      count(*) filter (where s.first_access_origin = 'whatsapp_link')::int as whatsapp_link,
      count(*) filter (where s.first_access_origin = 'hotmart_email')::int as hotmart_email,
      count(*) filter (where s.first_access_origin is distinct from 'whatsapp_link'
        and s.first_access_origin is distinct from 'hotmart_email')::int as other
    from (
      select e.first_access_at, e.first_access_origin,
        ${from || to ? enrolledAtSql() : sql`null::timestamptz`} as enrolled_at
      from enrollments e
      where e.workspace_id = ${input.workspaceId} and e.first_access_at is not null
        ${input.productId ? sql`and e.product_id = ${input.productId}` : sql``}
        ${input.cohort ? sql`and e.cohort = ${input.cohort}` : sql``}
    ) s
    where true
      ${from ? sql`and s.enrolled_at >= ${from}` : sql``}
      ${to ? sql`and s.enrolled_at < ${to}` : sql``}
    group by 1
    order by 1
  `.execute(deps.db);
  const { rows: choiceRows } = await sql<{ id: string; name: string; cohorts: string[] | null }>`
    select p.id, p.name,
      array_agg(distinct e.cohort order by e.cohort) filter (where e.cohort is not null) as cohorts
    from enrollments e
    join products p on p.id = e.product_id
    where e.workspace_id = ${input.workspaceId}
    group by p.id, p.name
    order by p.name, p.id
  `.execute(deps.db);

  const productIds = new Set(kpis.items.map((item) => item.productId));
  const single = productIds.size === 1 ? kpis.items[0] : undefined;
  const productName = input.productId
    ? (choiceRows.find((row) => row.id === input.productId)?.name ?? null)
    : (single?.productName ?? null);
  return {
    from: kpis.from,
    to: kpis.to,
    headline: {
      productName,
      cohort: input.cohort ?? null,
      enrollments: kpis.totals.enrollments,
      firstAccesses: kpis.totals.firstAccesses,
      ourFirstAccesses: kpis.totals.byOrigin.whatsapp_link,
      ourShare: kpis.totals.ourShare,
    },
    cohorts: kpis.items,
    totals: kpis.totals,
    weeks: fillWeeks(weekRows),
    choices: {
      products: choiceRows.map((row) => ({ id: row.id, name: row.name, cohorts: row.cohorts ?? [] })),
    },
  };
}

/** One CSV table of the report (header first): the cohorts with a total row, or the weeks. */
export function proofOfValueCsv(report: ProofOfValueReport, table: "cohorts" | "weeks"): unknown[][] {
  if (table === "weeks") {
    return [
      ["week", "whatsapp_link", "hotmart_email", "other", "total"],
      ...report.weeks.map((week) => [
        week.week,
        week.whatsapp_link,
        week.hotmart_email,
        week.other,
        week.total,
      ]),
    ];
  }
  const line = (product: string, cohort: string | null, kpis: AccessKpis): unknown[] => [
    product,
    cohort,
    kpis.enrollments,
    kpis.firstAccesses,
    kpis.firstAccessRate,
    kpis.byOrigin.whatsapp_link,
    kpis.byOrigin.hotmart_email,
    kpis.byOrigin.other,
    kpis.ourShare,
    kpis.welcomeSent,
    kpis.rescueSent,
    kpis.linkClicks,
    kpis.studentsClicked,
    kpis.medianHoursToFirstAccess,
  ];
  return [
    [
      "product",
      "cohort",
      "enrollments",
      "first_accesses",
      "first_access_rate",
      "whatsapp_link",
      "hotmart_email",
      "other",
      "our_share",
      "welcome_sent",
      "rescue_sent",
      "link_clicks",
      "students_clicked",
      "median_hours_to_first_access",
    ],
    ...report.cohorts.map((row) => line(row.productName, row.cohort ?? null, row)),
    line("total", null, report.totals),
  ];
}
