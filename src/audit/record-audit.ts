import type { Kysely, RawBuilder, Transaction } from "kysely";
import type { Actor } from "../auth/schemas.ts";
import { insertJsonRows } from "../platform/db/one-statement.ts";
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

const AUDIT_COLUMNS = {
  workspace_id: "uuid",
  entity_type: "text",
  entity_id: "uuid",
  action: "text",
  actor_type: "text",
  actor_id: "text",
  actor_label: "text",
  before: "jsonb",
  after: "jsonb",
  at: "timestamptz",
} as const;

/**
 * The insert for audit entries (all of them as one JSON parameter), to run on its own or together
 * with the change it records (platform/db/one-statement.ts).
 */
export function auditInsert(entries: AuditEntry[]): RawBuilder<unknown> {
  return insertJsonRows(
    "audit_log",
    AUDIT_COLUMNS,
    entries.map((entry) => ({
      workspace_id: entry.workspaceId,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      action: entry.action,
      actor_type: entry.actor.type,
      actor_id: entry.actor.id,
      actor_label: entry.actor.label,
      before: entry.before,
      after: entry.after,
      at: entry.at,
    })),
  );
}

/** Appends audit entries, in the caller's transaction so the change and its record commit together. */
export async function recordAudit(trx: Kysely<DB> | Transaction<DB>, entries: AuditEntry | AuditEntry[]) {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await auditInsert(list).execute(trx);
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
