import type { AuditEntry } from "../../api/types.ts";

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

/** The fields an audit entry changed, in a stable order; empty-to-empty is no change. */
export function auditChanges(entry: Pick<AuditEntry, "before" | "after">): FieldChange[] {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields.flatMap((field) => {
    const from = before[field];
    const to = after[field];
    if (isEmpty(from) && isEmpty(to)) return [];
    if (JSON.stringify(from) === JSON.stringify(to)) return [];
    return [{ field, before: from, after: to }];
  });
}
