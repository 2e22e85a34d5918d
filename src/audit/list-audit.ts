import type { Deps } from "../deps.ts";
import { decodeCursor, encodeCursor } from "../platform/http/cursor.ts";

export interface AuditView {
  id: number;
  action: string;
  actor: { type: string; id: string | null; label: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
}

/** The audit trail of one entity, oldest first, within a workspace. */
export async function listAudit(
  deps: Deps,
  input: { workspaceId: string; entityType: string; entityId: string; limit?: number },
): Promise<AuditView[]> {
  const rows = await deps.db
    .selectFrom("audit_log")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where("entity_type", "=", input.entityType)
    .where("entity_id", "=", input.entityId)
    .orderBy("id")
    .limit(input.limit ?? 500)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    action: row.action,
    actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
    before: row.before,
    after: row.after,
    at: row.at.toISOString(),
  }));
}

/**
 * The workspace's audit trail, newest first, filtered by entity type, action prefix and time; keyset
 * pages on the entry id.
 */
export async function listWorkspaceAudit(
  deps: Deps,
  input: {
    workspaceId: string;
    entityType?: string | undefined;
    action?: string | undefined;
    since?: string | undefined;
    until?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<{ items: (AuditView & { entityType: string; entityId: string })[]; nextCursor: string | null }> {
  const after = decodeCursor(input.cursor)?.[0];
  let query = deps.db
    .selectFrom("audit_log")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .orderBy("id", "desc")
    .limit(input.limit + 1);
  if (typeof after === "number") query = query.where("id", "<", after);
  if (input.entityType) query = query.where("entity_type", "=", input.entityType);
  if (input.action) query = query.where("action", "like", `${input.action.replace(/[\\%_]/g, "\\$&")}%`);
  if (input.since) query = query.where("at", ">=", new Date(input.since));
  if (input.until) query = query.where("at", "<", new Date(input.until));
  const rows = await query.execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      entityType: row.entity_type,
      entityId: row.entity_id,
      action: row.action,
      actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
      before: row.before,
      after: row.after,
      at: row.at.toISOString(),
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor([Number(last.id)]) : null,
  };
}
