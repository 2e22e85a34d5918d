import { sql } from "kysely";
import { workspaceTimeZone } from "../crm/sweep-sla.ts";
import type { Deps } from "../deps.ts";
import type { LiveFigures } from "./dashboard-schemas.ts";
import { localDay } from "./resolve-period.ts";

const MINUTE_MS = 60_000;
const MINUTES = 60;

/**
 * The overview's live figures, read fresh: events received per minute over the last hour, the
 * processing backlog (received, not processed), failed events and the leads created today (workspace
 * time zone; `source`: their first source). Two statements, each answered by an index
 * (inbox_events_list, inbox_events_status, contacts_list); the overview and its stream both call this.
 */
export async function readLiveFigures(
  deps: Pick<Deps, "db" | "clock">,
  input: { workspaceId: string; source?: string | null | undefined; timeZone?: string },
): Promise<LiveFigures> {
  const now = deps.clock.now();
  const timeZone = input.timeZone ?? (await workspaceTimeZone(deps, input.workspaceId));
  const today = localDay(now, timeZone);
  const hourAgo = new Date(now.getTime() - MINUTES * MINUTE_MS);
  const [counts, perMinute] = await Promise.all([
    sql<{ new_today: number; backlog: number; backlog_oldest: Date | null; failed: number }>`
      select
        (select count(*)::int from contacts c
          where c.workspace_id = ${input.workspaceId} and c.deleted_at is null
            and c.created_at >= (${today}::date::timestamp at time zone ${timeZone}::text)
            and c.created_at <= ${now}
            ${input.source ? sql`and c.first_source = ${input.source}` : sql``}) as new_today,
        (select count(*)::int from inbox_events e
          where e.workspace_id = ${input.workspaceId} and e.status = 'received') as backlog,
        (select min(e.received_at) from inbox_events e
          where e.workspace_id = ${input.workspaceId} and e.status = 'received') as backlog_oldest,
        (select count(*)::int from inbox_events e
          where e.workspace_id = ${input.workspaceId} and e.status = 'failed') as failed
    `.execute(deps.db),
    // Bucket k holds (hourAgo + k min, hourAgo + (k + 1) min]: the last one ends now.
    sql<{ bucket: number; n: number }>`
      select least(${MINUTES - 1}, greatest(0,
               ceil(extract(epoch from (e.received_at - ${hourAgo}::timestamptz)) / 60)::int - 1)) as bucket,
             count(*)::int as n
      from inbox_events e
      where e.workspace_id = ${input.workspaceId} and e.received_at > ${hourAgo} and e.received_at <= ${now}
      group by 1
    `.execute(deps.db),
  ]);
  const row = counts.rows[0];
  const minutes = new Array<number>(MINUTES).fill(0);
  for (const bucket of perMinute.rows) minutes[bucket.bucket] = (minutes[bucket.bucket] ?? 0) + bucket.n;
  const lastHour = minutes.reduce((sum, n) => sum + n, 0);
  return {
    at: now.toISOString(),
    today,
    newLeadsToday: row?.new_today ?? 0,
    intake: { lastHour, lastMinute: minutes[MINUTES - 1] ?? 0, perMinute: lastHour / MINUTES, minutes },
    backlog: row?.backlog ?? 0,
    backlogOldestAt: row?.backlog_oldest ? new Date(row.backlog_oldest).toISOString() : null,
    failed: row?.failed ?? 0,
  };
}
