import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { sourceFor } from "./sources.ts";

export interface ConnectionView {
  id: string;
  type: string;
  name: string;
  webhookUrl: string;
  /** Only sends (Slack): no deliveries come in, so no URL to paste and no silence. */
  isOutboundOnly: boolean;
  createdAt: string;
  disabledAt: string | null;
  lastReceivedAt: string | null;
  counts: { received: number; processed: number; failed: number; rejected: number };
  /** The last delivery refused for a wrong or missing signature (not stored). */
  lastRejectedAt: string | null;
  silentAfterHours: number | null;
  /** Nothing arrived within `silentAfterHours` (counted from creation when nothing ever arrived). */
  isSilent: boolean;
}

export function webhookPath(token: string): string {
  return `/hooks/${token}`;
}

/** A workspace's connections with their webhook URL, last delivery, counts by status and silence flag. */
export async function listConnections(deps: Deps, input: { workspaceId: string }): Promise<ConnectionView[]> {
  const { rows } = await sql<{
    id: string;
    type: string;
    name: string;
    token: string;
    created_at: Date;
    disabled_at: Date | null;
    silent_after_hours: number | null;
    rejected_count: number;
    last_rejected_at: Date | null;
    last_received_at: Date | null;
    received: number;
    processed: number;
    failed: number;
  }>`
    select c.id, c.type, c.name, c.token, c.created_at, c.disabled_at, c.silent_after_hours,
           c.rejected_count, c.last_rejected_at,
           s.last_received_at, coalesce(s.received, 0)::int as received,
           coalesce(s.processed, 0)::int as processed, coalesce(s.failed, 0)::int as failed
    from connections c
    left join lateral (
      select max(e.received_at) as last_received_at,
             count(*) filter (where e.status = 'received') as received,
             count(*) filter (where e.status = 'processed') as processed,
             count(*) filter (where e.status = 'failed') as failed
      from inbox_events e where e.connection_id = c.id
    ) s on true
    where c.workspace_id = ${input.workspaceId}
    order by c.created_at desc
  `.execute(deps.db);
  const now = deps.clock.now().getTime();
  return rows.map((row) => {
    const since = (row.last_received_at ?? row.created_at).getTime();
    const isOutboundOnly = sourceFor(row.type)?.isOutboundOnly === true;
    return {
      id: row.id,
      type: row.type,
      name: row.name,
      webhookUrl: webhookPath(row.token),
      isOutboundOnly,
      createdAt: row.created_at.toISOString(),
      disabledAt: row.disabled_at?.toISOString() ?? null,
      lastReceivedAt: row.last_received_at?.toISOString() ?? null,
      counts: {
        received: row.received,
        processed: row.processed,
        failed: row.failed,
        rejected: row.rejected_count,
      },
      lastRejectedAt: row.last_rejected_at?.toISOString() ?? null,
      silentAfterHours: row.silent_after_hours,
      isSilent:
        !isOutboundOnly &&
        row.silent_after_hours !== null &&
        now - since > row.silent_after_hours * 3_600_000,
    };
  });
}
