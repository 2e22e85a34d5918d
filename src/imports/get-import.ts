import type { Deps } from "../deps.ts";
import { notFound } from "../platform/http/errors.ts";
import { type ImportView, importsDb } from "./schemas.ts";

/** One import and its progress; 404 outside the caller's workspace. */
export async function getImport(
  deps: Deps,
  input: { workspaceId: string; importId: string },
): Promise<ImportView> {
  const row = await importsDb(deps.db)
    .selectFrom("imports")
    .selectAll()
    .where("id", "=", input.importId)
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound("Import");
  return {
    id: row.id,
    filename: row.filename,
    format: row.format,
    status: row.status,
    total: row.total,
    processed: row.created + row.merged + row.failed,
    created: row.created,
    merged: row.merged,
    failed: row.failed,
    mapping: row.mapping,
    quiet: row.options.quiet === true,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}
