import type { Deps } from "../deps.ts";
import { notFound } from "../platform/http/errors.ts";
import type { ContactFilters } from "./schemas.ts";

export interface SegmentView {
  id: string;
  name: string;
  filters: Record<string, unknown>;
  createdAt: string;
}

/** Saved lists: a name for a set of filters, reused by SDR/LDR teams. */
export async function createSegment(
  deps: Deps,
  input: {
    workspaceId: string;
    name: string;
    filters: Omit<ContactFilters, "deleted">;
    createdBy: string | null;
  },
): Promise<SegmentView> {
  const filters = Object.fromEntries(
    Object.entries(input.filters).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.join(",") : value instanceof Date ? value.toISOString() : value,
    ]),
  );
  const row = await deps.db
    .insertInto("segments")
    .values({
      workspace_id: input.workspaceId,
      name: input.name,
      filters: JSON.stringify(filters),
      created_by: input.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, filters: row.filters, createdAt: row.created_at.toISOString() };
}

export async function listSegments(deps: Deps, input: { workspaceId: string }): Promise<SegmentView[]> {
  const rows = await deps.db
    .selectFrom("segments")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .orderBy("name")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    filters: row.filters,
    createdAt: row.created_at.toISOString(),
  }));
}

export async function deleteSegment(deps: Deps, input: { workspaceId: string; segmentId: string }) {
  const result = await deps.db
    .deleteFrom("segments")
    .where("id", "=", input.segmentId)
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) throw notFound("Segment");
}
