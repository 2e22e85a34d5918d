import type { Deps } from "../deps.ts";

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
