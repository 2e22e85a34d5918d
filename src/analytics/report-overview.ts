import { sql } from "kysely";
import { listConnections } from "../capture/list-connections.ts";
import type { Deps } from "../deps.ts";
import type { LeadSourceSeries, OverviewReport, OverviewTable } from "./dashboard-schemas.ts";
import { readLiveFigures } from "./read-live-figures.ts";
import { resolvePeriod } from "./resolve-period.ts";

const FAILED_SHOWN = 5;
const TEMPERATURES = ["hot", "warm", "cold"] as const;

/**
 * The Painel's overview for a period: leads created per day and first source (days in the workspace's
 * time zone) and the current temperature of those leads, in one grouped pass over contacts_list; the
 * live figures (readLiveFigures: intake per minute, backlog, failed, new today); the latest failed
 * events; and the connections gone silent (capture/list-connections.ts decides what silent means).
 * Nothing is looped over per lead: the database returns at most days × sources × 4 groups.
 */
export async function reportOverview(
  deps: Deps,
  input: {
    workspaceId: string;
    from?: string | undefined;
    to?: string | undefined;
    source?: string | undefined;
    /** Failed events' error texts are shown to roles that read events only. */
    showEventErrors: boolean;
  },
): Promise<OverviewReport> {
  const period = await resolvePeriod(deps, input);
  const { today, ...periodView } = period;
  const source = input.source ?? null;
  const [groups, live, failed, connections] = await Promise.all([
    sql<{ day: string; source: string | null; temperature: string | null; n: number }>`
      select to_char(c.created_at at time zone ${period.timeZone}::text, 'YYYY-MM-DD') as day,
             c.first_source as source, s.temperature, count(*)::int as n
      from contacts c
      left join contact_scores s on s.contact_id = c.id
      where c.workspace_id = ${input.workspaceId} and c.deleted_at is null
        and c.created_at >= ${new Date(period.start)} and c.created_at < ${new Date(period.end)}
        ${source ? sql`and c.first_source = ${source}` : sql``}
      group by 1, 2, 3
    `.execute(deps.db),
    readLiveFigures(deps, { workspaceId: input.workspaceId, source, timeZone: period.timeZone }),
    deps.db
      .selectFrom("inbox_events")
      .select(["id", "source", "error", "attempts", "received_at"])
      .where("workspace_id", "=", input.workspaceId)
      .where("status", "=", "failed")
      .orderBy("received_at", "desc")
      .orderBy("id", "desc")
      .limit(FAILED_SHOWN)
      .execute(),
    listConnections(deps, { workspaceId: input.workspaceId }),
  ]);

  const dayIndex = new Map(period.days.map((day, index) => [day, index]));
  const series = new Map<string | null, LeadSourceSeries>();
  const perDay = new Array<number>(period.days.length).fill(0);
  const temperature = { hot: 0, warm: 0, cold: 0, unscored: 0 };
  for (const group of groups.rows) {
    const index = dayIndex.get(group.day);
    if (index === undefined) continue;
    let line = series.get(group.source);
    if (!line) {
      line = { source: group.source, total: 0, perDay: new Array<number>(period.days.length).fill(0) };
      series.set(group.source, line);
    }
    line.total += group.n;
    line.perDay[index] = (line.perDay[index] ?? 0) + group.n;
    perDay[index] = (perDay[index] ?? 0) + group.n;
    const known = TEMPERATURES.find((value) => value === group.temperature);
    temperature[known ?? "unscored"] += group.n;
  }
  const sources = [...series.values()].sort(
    (a, b) => b.total - a.total || String(a.source).localeCompare(String(b.source)),
  );

  return {
    period: periodView,
    filters: { source },
    leads: { total: perDay.reduce((sum, n) => sum + n, 0), perDay, sources },
    temperature,
    live,
    failedEvents: failed.map((row) => ({
      id: row.id,
      source: row.source,
      error: input.showEventErrors ? row.error : null,
      attempts: row.attempts,
      receivedAt: row.received_at.toISOString(),
    })),
    silentSources: connections
      .filter((connection) => connection.isSilent && connection.disabledAt === null)
      .map((connection) => ({
        id: connection.id,
        type: connection.type,
        name: connection.name,
        lastReceivedAt: connection.lastReceivedAt,
        silentAfterHours: connection.silentAfterHours,
      })),
  };
}

/** One table of the overview as CSV rows (header first), with the same figures as the JSON. */
export function overviewCsv(report: OverviewReport, table: OverviewTable): unknown[][] {
  const { days } = report.period;
  switch (table) {
    case "leads":
      return [
        ["day", "source", "leads"],
        ...report.leads.sources.flatMap((line) =>
          days.map((day, index) => [day, line.source ?? "", line.perDay[index] ?? 0]),
        ),
      ];
    case "temperature":
      return [
        ["temperature", "leads"],
        ...(["hot", "warm", "cold", "unscored"] as const).map((key) => [key, report.temperature[key]]),
      ];
    case "intake": {
      const end = Date.parse(report.live.at);
      const minutes = report.live.intake.minutes;
      return [
        ["minute_ending", "events"],
        ...minutes.map((n, index) => [
          new Date(end - (minutes.length - 1 - index) * 60_000).toISOString(),
          n,
        ]),
      ];
    }
    case "live":
      return [
        ["figure", "value"],
        ["at", report.live.at],
        ["new_leads_today", report.live.newLeadsToday],
        ["events_last_hour", report.live.intake.lastHour],
        ["events_last_minute", report.live.intake.lastMinute],
        ["events_per_minute", report.live.intake.perMinute],
        ["backlog", report.live.backlog],
        ["backlog_oldest_at", report.live.backlogOldestAt ?? ""],
        ["failed", report.live.failed],
      ];
    case "failed":
      return [
        ["id", "source", "attempts", "received_at", "error"],
        ...report.failedEvents.map((row) => [
          row.id,
          row.source,
          row.attempts,
          row.receivedAt,
          row.error ?? "",
        ]),
      ];
    case "silent":
      return [
        ["id", "type", "name", "last_received_at", "silent_after_hours"],
        ...report.silentSources.map((row) => [
          row.id,
          row.type,
          row.name,
          row.lastReceivedAt ?? "",
          row.silentAfterHours ?? "",
        ]),
      ];
  }
}
