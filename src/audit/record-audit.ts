import type { Kysely, Transaction } from "kysely";
import type { Actor } from "../auth/schemas.ts";
import type { DB } from "../platform/db/schema.ts";

export interface AuditEntry {
  workspaceId: string;
  entityType: string;
  entityId: string;
  action: string;
  actor: Actor;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: Date;
}

/** The insert for audit entries, to run on its own or together with the change it records. */
export function auditInsert(db: Kysely<DB> | Transaction<DB>, entries: AuditEntry[]) {
  return db.insertInto("audit_log").values(
    entries.map((entry) => ({
      workspace_id: entry.workspaceId,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      action: entry.action,
      actor_type: entry.actor.type,
      actor_id: entry.actor.id,
      actor_label: entry.actor.label,
      before: entry.before === null ? null : JSON.stringify(entry.before),
      after: entry.after === null ? null : JSON.stringify(entry.after),
      at: entry.at,
    })),
  );
}

/** Appends audit entries, in the caller's transaction so the change and its record commit together. */
export async function recordAudit(trx: Kysely<DB> | Transaction<DB>, entries: AuditEntry | AuditEntry[]) {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await auditInsert(trx, list).execute();
}

/** The fields of `after` that differ from `before`, with both sides, for a compact audit entry. */
export function diffFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const changedBefore: Record<string, unknown> = {};
  const changedAfter: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) {
      changedBefore[key] = before[key] ?? null;
      changedAfter[key] = after[key] ?? null;
    }
  }
  return Object.keys(changedAfter).length === 0 ? null : { before: changedBefore, after: changedAfter };
}
