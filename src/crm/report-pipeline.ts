import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { getPipeline } from "./manage-pipelines.ts";

/** Deals, open/won/lost, won value and win rate (won ÷ closed; null while nothing closed). */
const outcomes = (row: {
  deals: number;
  open: number;
  won: number;
  lost: number;
  won_value: string | number | null;
}) => ({
  deals: row.deals,
  open: row.open,
  won: row.won,
  lost: row.lost,
  wonValue: Number(row.won_value ?? 0),
  winRate: row.won + row.lost === 0 ? null : row.won / (row.won + row.lost),
});

/**
 * A pipeline's report for the deals opened in a period: how many reached each stage (the funnel) and
 * the conversion from one stage to the next, outcomes by owner and by the lead's source, time spent in
 * each stage (hours, from the moves: average, median and 90th percentile), and the reasons deals were
 * won or lost. `ownerId` and `source` (the lead's first source) narrow the deals counted; the Painel's
 * funnel (analytics/report-funnel.ts) reads this same report.
 */
export async function reportPipeline(
  deps: Deps,
  input: {
    workspaceId: string;
    pipelineId: string;
    from?: string | undefined;
    to?: string | undefined;
    ownerId?: string | undefined;
    source?: string | undefined;
  },
) {
  const pipeline = await getPipeline(deps, input);
  const now = deps.clock.now();
  const from = input.from ? new Date(input.from) : new Date(now.getTime() - 90 * 86_400_000);
  const to = input.to ? new Date(input.to) : now;
  const scope = sql`d.workspace_id = ${input.workspaceId} and d.pipeline_id = ${input.pipelineId}
    and d.deleted_at is null and d.created_at >= ${from} and d.created_at < ${to}
    ${input.ownerId ? sql`and d.owner_id = ${input.ownerId}` : sql``}
    ${
      input.source
        ? sql`and exists (select 1 from contacts lc where lc.id = d.contact_id and lc.first_source = ${input.source})`
        : sql``
    }`;
  const aggregates = sql`count(*)::int as deals,
    count(*) filter (where d.status = 'open')::int as open,
    count(*) filter (where d.status = 'won')::int as won,
    count(*) filter (where d.status = 'lost')::int as lost,
    coalesce(sum(d.value) filter (where d.status = 'won'), 0) as won_value`;

  const [reached, byOwner, bySource, times, reasons, total] = await Promise.all([
    sql<{ stage_id: string; n: number; onward: number }>`
      with reached as (
        select distinct m.deal_id, m.to_stage_id as stage_id, s.position, s.kind
        from deal_stage_moves m
        join deals d on d.id = m.deal_id
        join pipeline_stages s on s.id = m.to_stage_id
        where ${scope}
      ),
      -- A deal went on from a stage when it later reached a stage further on that is not a lost one:
      -- its furthest such stage lies beyond (one pass per deal, not one lookup per stage reached).
      furthest as (
        select deal_id, max(position) filter (where kind <> 'lost') as position from reached group by 1
      )
      select r.stage_id, count(*)::int as n, count(*) filter (where f.position > r.position)::int as onward
      from reached r join furthest f on f.deal_id = r.deal_id group by 1`.execute(deps.db),
    sql<{
      owner_id: string | null;
      owner: string | null;
      deals: number;
      open: number;
      won: number;
      lost: number;
      won_value: string;
    }>`
      select d.owner_id, coalesce(u.name, u.email) as owner, ${aggregates}
      from deals d left join users u on u.id = d.owner_id
      where ${scope} group by 1, 2 order by 3 desc`.execute(deps.db),
    sql<{ source: string | null; deals: number; open: number; won: number; lost: number; won_value: string }>`
      select c.first_source as source, ${aggregates}
      from deals d join contacts c on c.id = d.contact_id
      where ${scope} group by 1 order by 2 desc`.execute(deps.db),
    sql<{ stage_id: string; hours: number; median: number; p90: number; n: number }>`
      select stage_id, avg(hours)::float8 as hours,
             percentile_cont(0.5) within group (order by hours)::float8 as median,
             percentile_cont(0.9) within group (order by hours)::float8 as p90,
             count(*)::int as n
      from (
        -- A stay lasts until the deal's next move (every move of a deal in scope is in scope), or now.
        select m.to_stage_id as stage_id,
               extract(epoch from (
                 coalesce(lead(m.at) over (partition by m.deal_id order by m.at, m.id), ${now}) - m.at
               )) / 3600 as hours
        from deal_stage_moves m
        join deals d on d.id = m.deal_id
        where ${scope}
      ) stays group by 1`.execute(deps.db),
    sql<{ status: "won" | "lost"; reason: string | null; n: number }>`
      select d.status, d.close_reason as reason, count(*)::int as n
      from deals d where ${scope} and d.status in ('won', 'lost')
      group by 1, 2 order by 3 desc`.execute(deps.db),
    sql<{ n: number }>`select count(*)::int as n from deals d where ${scope}`.execute(deps.db),
  ]);
  const reachedBy = new Map(reached.rows.map((row) => [row.stage_id, row]));
  const timeBy = new Map(times.rows.map((row) => [row.stage_id, row]));
  const stages = pipeline.stages.map((stage) => {
    const row = reachedBy.get(stage.id);
    const count = row?.n ?? 0;
    return {
      id: stage.id,
      name: stage.name,
      kind: stage.kind,
      reached: count,
      /** Of the deals that reached this open stage, the share that went on to a later stage (not lost). */
      onward: stage.kind !== "open" || count === 0 ? null : (row?.onward ?? 0) / count,
      /** How many of them did (null for won and lost stages). */
      onwardDeals: stage.kind !== "open" ? null : (row?.onward ?? 0),
      avgHoursInStage: timeBy.get(stage.id)?.hours ?? null,
      /** Median and 90th percentile (interpolated) of the hours spent in the stage, per stay. */
      medianHoursInStage: timeBy.get(stage.id)?.median ?? null,
      p90HoursInStage: timeBy.get(stage.id)?.p90 ?? null,
    };
  });
  return {
    pipelineId: pipeline.id,
    from: from.toISOString(),
    to: to.toISOString(),
    deals: total.rows[0]?.n ?? 0,
    stages,
    byOwner: byOwner.rows.map((row) => ({ ownerId: row.owner_id, owner: row.owner, ...outcomes(row) })),
    bySource: bySource.rows.map((row) => ({ source: row.source, ...outcomes(row) })),
    reasons: {
      won: reasons.rows.filter((row) => row.status === "won").map(({ reason, n }) => ({ reason, deals: n })),
      lost: reasons.rows
        .filter((row) => row.status === "lost")
        .map(({ reason, n }) => ({ reason, deals: n })),
    },
  };
}
