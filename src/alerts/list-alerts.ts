import type { Deps } from "../deps.ts";
import { olderThanCursor, pageOf } from "../platform/http/cursor.ts";
import type { AlertTables, AlertView } from "./schemas.ts";

/** A workspace's alerts, newest first. */
export async function listAlerts(
  deps: Deps,
  input: { workspaceId: string; kind?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: AlertView[]; nextCursor: string | null }> {
  let query = deps.db
    .withTables<AlertTables>()
    .selectFrom("alerts")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId);
  if (input.kind) query = query.where("kind", "=", input.kind);
  const after = olderThanCursor(input.cursor, "raised_at");
  if (after) query = query.where(after);
  const rows = await query
    .orderBy("raised_at", "desc")
    .orderBy("id", "desc")
    .limit(input.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.raised_at);
  return {
    items: page.map((row) => ({
      id: row.id,
      kind: row.kind,
      text: row.text,
      details: row.details,
      status: row.status,
      attempts: row.attempts,
      error: row.error,
      raisedAt: row.raised_at.toISOString(),
      sentAt: row.sent_at?.toISOString() ?? null,
    })),
    nextCursor,
  };
}
