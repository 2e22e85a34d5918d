import type { FunnelReport, LiveFigures, OverviewReport } from "../../../analytics/dashboard-schemas.ts";
import type { PERMISSIONS } from "../../../auth/schemas.ts";
import type { ChartRows } from "../../components/charts/chart-card.tsx";
import type { FunnelInput } from "../../components/charts/funnel-geometry.ts";
import { seriesColor, TEMPERATURE_COLORS } from "../../components/charts/palette.ts";
import type { BarSeries } from "../../components/charts/stacked-bar-chart.tsx";
import type { Translate } from "../../i18n.ts";

// Pure helpers of the Painel (no React: tested in dashboards-format.test.ts). The report shapes are
// the server's types, so a contract change fails `tsc`.

export const DASHBOARD_PATH = "/dashboards";
export const VIEWS = ["overview", "funnel"] as const;
export type DashboardView = (typeof VIEWS)[number];

type DashboardPermission = "analytics:read" | "analytics:funnel" | "events:read";

/** Who may do what, as the server's PERMISSIONS say (copied without importing zod into the bundle). */
const ROLES_OF: { [K in DashboardPermission]: (typeof PERMISSIONS)[K] } = {
  "analytics:read": ["admin", "manager", "cs", "viewer"],
  "analytics:funnel": ["admin", "manager", "sales", "cs", "viewer"],
  "events:read": ["admin", "manager"],
};

function allows(permission: DashboardPermission, role: string | null | undefined): boolean {
  return (ROLES_OF[permission] as readonly string[]).includes(role ?? "");
}

/** The overview (the workspace's intake): admins, managers, CS and viewers. */
export function canSeeOverview(role: string | null | undefined): boolean {
  return allows("analytics:read", role);
}

/** The funnel: sales too (their own deals). */
export function canSeeFunnel(role: string | null | undefined): boolean {
  return allows("analytics:funnel", role);
}

export function canSeeDashboards(role: string | null | undefined): boolean {
  return canSeeOverview(role) || canSeeFunnel(role);
}

/** The events and connections pages the cards link to. */
export function canOpenEvents(role: string | null | undefined): boolean {
  return allows("events:read", role);
}

/** Sales see their own deals only: the owner filter is not theirs to pick. */
export function picksOwner(role: string | null | undefined): boolean {
  return role !== "sales";
}

/** The view a segment of the route asks for, as far as the role may see it. */
export function viewFor(segment: string | undefined, role: string | null | undefined): DashboardView {
  const asked = VIEWS.find((view) => view === segment) ?? "overview";
  return asked === "overview" && !canSeeOverview(role) ? "funnel" : asked;
}

// --- Filters, kept in the route's query so a link reproduces the view

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DashboardFilters {
  from?: string;
  to?: string;
  source?: string;
  pipelineId?: string;
  ownerId?: string;
}
export const FILTER_KEYS = ["pipelineId", "from", "to", "ownerId", "source"] as const;

/** The filters in the query, each kept only when well formed (a link typed by hand fails quietly). */
export function readFilters(query: URLSearchParams): DashboardFilters {
  const filters: DashboardFilters = {};
  const from = query.get("from");
  const to = query.get("to");
  const source = query.get("source")?.trim();
  const pipelineId = query.get("pipelineId");
  const ownerId = query.get("ownerId");
  if (from && DAY.test(from)) filters.from = from;
  if (to && DAY.test(to)) filters.to = to;
  if (source && source.length <= 100) filters.source = source;
  if (pipelineId && UUID.test(pipelineId)) filters.pipelineId = pipelineId;
  if (ownerId && UUID.test(ownerId)) filters.ownerId = ownerId;
  return filters;
}

/** The filters as a query, set values only, in a fixed order (one view, one URL). */
export function filtersQuery(filters: DashboardFilters): URLSearchParams {
  const query = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value) query.set(key, value);
  }
  return query;
}

/** The filters one view sends to its report (the overview takes no pipeline or owner). */
export function reportQuery(
  view: DashboardView,
  filters: DashboardFilters,
): Record<string, string | undefined> {
  const { pipelineId, ownerId, ...common } = filters;
  return view === "overview" ? common : { ...common, pipelineId, ownerId };
}

/** The local day (YYYY-MM-DD) of `at` in `timeZone`. */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The last `days` days up to `today`, both ends included. */
export function lastDays(days: number, today: string): { from: string; to: string } {
  return { from: addDays(today, -(days - 1)), to: today };
}

// --- Words and numbers

/** "2026-11-21" as "21/11" (or "11/21"): a calendar day, so read in UTC. */
export function dayLabel(day: string, language: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(language, { day: "2-digit", month: "2-digit", timeZone: "UTC" }).format(
    date,
  );
}

/** "2026-11-21" as the language's short date (21/11/2026). */
export function dayText(day: string, language: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(language, { dateStyle: "short", timeZone: "UTC" }).format(date);
}

/** 0.5 → "50%", null → "—". */
export function percentText(share: number | null, language: string): string {
  if (share === null) return "—";
  return new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 1 }).format(share);
}

/** Hours with one decimal at most, or "—". */
export function hoursText(hours: number | null | undefined, language: string): string {
  if (hours === null || hours === undefined) return "—";
  return new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(hours);
}

const round1 = (value: number) => Math.round(value * 10) / 10;

// --- The overview's charts

export function sourceLabel(source: string | null, t: Translate): string {
  return source ?? t("dashboards.noSource");
}

/** Leads by source per day: a series per source (biggest first), the table one row per day. */
export function leadsChart(report: OverviewReport, t: Translate) {
  const { days } = report.period;
  const series: BarSeries[] = report.leads.sources.map((line, index) => ({
    key: line.source ?? "",
    label: sourceLabel(line.source, t),
    color: seriesColor(index),
    values: line.perDay,
  }));
  const rows: ChartRows = [
    [t("dashboards.col.day"), ...series.map((item) => item.label), t("charts.total")],
    ...days.map((day, index) => [
      day,
      ...series.map((item) => item.values[index] ?? 0),
      report.leads.perDay[index] ?? 0,
    ]),
  ];
  return { categories: days, series, rows, empty: report.leads.total === 0 };
}

export const TEMPERATURE_KEYS = ["hot", "warm", "cold", "unscored"] as const;

/** The temperature mix as donut segments and table rows. */
export function temperatureChart(report: OverviewReport, t: Translate, language: string) {
  const total = TEMPERATURE_KEYS.reduce((sum, key) => sum + report.temperature[key], 0);
  const segments = TEMPERATURE_KEYS.map((key) => ({
    key,
    label: t(`dashboards.temperature.${key}`),
    color: TEMPERATURE_COLORS[key],
    value: report.temperature[key],
  }));
  const rows: ChartRows = [
    [t("dashboards.col.temperature"), t("dashboards.col.leads"), t("dashboards.col.share")],
    ...segments.map((segment) => [
      segment.label,
      segment.value,
      total === 0 ? "—" : percentText(segment.value / total, language),
    ]),
  ];
  return { segments, rows, total, empty: total === 0 };
}

/** "HH:MM" of each minute's end, in the browser's clock, oldest first. */
export function minuteLabels(live: LiveFigures, language: string): string[] {
  const end = Date.parse(live.at);
  const format = new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const count = live.intake.minutes.length;
  return live.intake.minutes.map((_, index) => format.format(new Date(end - (count - 1 - index) * 60_000)));
}

/** Events per minute over the last hour: one series, the table one row per minute. */
export function intakeChart(live: LiveFigures, t: Translate, language: string) {
  const labels = minuteLabels(live, language);
  const series: BarSeries[] = [
    { key: "events", label: t("dashboards.intake.series"), color: "#4f46e5", values: live.intake.minutes },
  ];
  const rows: ChartRows = [
    [t("dashboards.col.minute"), t("dashboards.col.events")],
    ...labels.map((label, index) => [label, live.intake.minutes[index] ?? 0]),
  ];
  return { categories: labels, series, rows, empty: live.intake.lastHour === 0 };
}

// --- The funnel's chart and tables

/** The funnel's bars: the open stages then the won ones, in order; lost stages are counted apart. */
export function funnelChart(report: FunnelReport, t: Translate, language: string) {
  const stages: FunnelInput[] = report.stages
    .filter((stage) => stage.kind !== "lost")
    .map((stage) => ({ key: stage.id, label: stage.name, value: stage.entered, rate: stage.rate }));
  const lost = report.stages
    .filter((stage) => stage.kind === "lost")
    .reduce((sum, stage) => sum + stage.entered, 0);
  const rows: ChartRows = [
    [
      t("dashboards.col.stage"),
      t("dashboards.col.entered"),
      t("dashboards.col.converted"),
      t("dashboards.col.rate"),
    ],
    ...report.stages.map((stage) => [
      stage.name,
      stage.entered,
      stage.converted ?? "—",
      percentText(stage.rate, language),
    ]),
  ];
  return { stages, lost, rows, empty: report.deals === 0 };
}

type OutcomeRow = FunnelReport["byOwner"][number] | FunnelReport["bySource"][number];

function outcomeRows(
  label: string,
  rows: readonly (OutcomeRow & { label: string })[],
  t: Translate,
  language: string,
  money: (value: number) => string,
): ChartRows {
  return [
    [
      label,
      t("dashboards.col.deals"),
      t("dashboards.col.open"),
      t("dashboards.col.won"),
      t("dashboards.col.lost"),
      t("dashboards.col.winRate"),
      t("dashboards.col.wonValue"),
    ],
    ...rows.map((row) => [
      row.label,
      row.deals,
      row.open,
      row.won,
      row.lost,
      percentText(row.winRate, language),
      money(row.wonValue),
    ]),
  ];
}

export function ownerRows(
  report: FunnelReport,
  t: Translate,
  language: string,
  money: (value: number) => string,
) {
  return outcomeRows(
    t("dashboards.col.owner"),
    report.byOwner.map((row) => ({ ...row, label: row.owner ?? t("dashboards.noOwner") })),
    t,
    language,
    money,
  );
}

export function sourceRows(
  report: FunnelReport,
  t: Translate,
  language: string,
  money: (value: number) => string,
) {
  return outcomeRows(
    t("dashboards.col.source"),
    report.bySource.map((row) => ({ ...row, label: sourceLabel(row.source, t) })),
    t,
    language,
    money,
  );
}

/** Hours in each open stage: average, median and 90th percentile. */
export function timeRows(report: FunnelReport, t: Translate): ChartRows {
  return [
    [
      t("dashboards.col.stage"),
      t("dashboards.col.average"),
      t("dashboards.col.median"),
      t("dashboards.col.p90"),
    ],
    ...report.stages
      .filter((stage) => stage.kind === "open")
      .map((stage) => [
        stage.name,
        stage.hours ? round1(stage.hours.average) : "—",
        stage.hours ? round1(stage.hours.median) : "—",
        stage.hours ? round1(stage.hours.p90) : "—",
      ]),
  ];
}

export function slaRows(
  report: FunnelReport,
  by: "byOwner" | "byStage",
  t: Translate,
  language: string,
): ChartRows {
  return [
    [
      by === "byOwner" ? t("dashboards.col.owner") : t("dashboards.col.stage"),
      t("dashboards.col.met"),
      t("dashboards.col.breached"),
      t("dashboards.col.running"),
      t("dashboards.col.compliance"),
    ],
    ...report.sla[by].map((row) => [
      row.label ?? (by === "byOwner" ? t("dashboards.noOwner") : t("dashboards.noDeal")),
      row.met,
      row.breached,
      row.running,
      percentText(row.compliance, language),
    ]),
  ];
}

export function reasonRows(report: FunnelReport, t: Translate): ChartRows {
  return [
    [t("dashboards.col.outcome"), t("dashboards.col.reason"), t("dashboards.col.deals")],
    ...(["won", "lost"] as const).flatMap((outcome) =>
      report.reasons[outcome].map((row) => [
        t(`dashboards.outcome.${outcome}`),
        row.reason ?? t("dashboards.noReason"),
        row.deals,
      ]),
    ),
  ];
}
