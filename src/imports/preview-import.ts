import { existsSync } from "node:fs";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { headerKey, mapColumns } from "./map-columns.ts";
import { type FilePreview, readFilePreview } from "./read-file-preview.ts";
import { UnreadableFileError } from "./read-rows.ts";
import { importFilePath } from "./run-import.ts";
import {
  type ColumnChoice,
  type ImportFormat,
  type ImportPreview,
  importsDb,
  PREVIEW_ROWS,
} from "./schemas.ts";

/** Reads an upload's first rows; a file that is not a table is refused (422). */
export async function readUploadPreview(path: string, format: ImportFormat): Promise<FilePreview> {
  try {
    return await readFilePreview(path, format, PREVIEW_ROWS);
  } catch (error) {
    if (error instanceof UnreadableFileError) {
      throw new AppError("unprocessable", `The file cannot be imported: ${error.message}`);
    }
    throw error;
  }
}

interface SavedColumns {
  id: string;
  name: string;
  columns: Record<string, ColumnChoice>;
}

/**
 * The saved mapping that knows most of these headers (at least half of the named ones; the most
 * recently changed wins a tie), or null.
 */
export function bestMapping<T extends SavedColumns>(header: string[], saved: T[]): T | null {
  const keys = header.map(headerKey).filter((key) => key !== "");
  if (keys.length === 0) return null;
  let best: T | null = null;
  let bestCount = 0;
  for (const mapping of saved) {
    const known = new Set(Object.keys(mapping.columns).map(headerKey));
    const count = keys.filter((key) => known.has(key)).length;
    if (count > bestCount) {
      best = mapping;
      bestCount = count;
    }
  }
  return bestCount * 2 >= keys.length ? best : null;
}

/** The suggested choice per column: the saved mapping's for the headers it knows, else the default. */
export function suggestColumns(header: string[], mapping: SavedColumns | null): ImportPreview["columns"] {
  const known = new Set(Object.keys(mapping?.columns ?? {}).map(headerKey));
  return mapColumns(header, mapping?.columns).map((item, index) => ({
    column: item.column,
    field: item.field,
    source: known.has(headerKey(header[index] ?? "")) ? "mapping" : "default",
  }));
}

/**
 * An import's preview: format, delimiter and encoding, the header, the first rows and the suggested
 * choice per column, from the best-matching saved mapping (`mapping: "auto"`, the default), from the
 * defaults alone (`"none"`) or from one saved mapping (its id; 422 when unknown). Only while its file
 * is kept (drafts, queued and running imports); 404 outside the caller's workspace.
 */
export async function previewImport(
  deps: Deps,
  input: { workspaceId: string; importId: string; mapping?: string | undefined },
): Promise<ImportPreview> {
  const choice = input.mapping ?? "auto";
  const db = importsDb(deps.db);
  const row = await db
    .selectFrom("imports")
    .select(["id", "filename", "format", "status", "options"])
    .where("id", "=", input.importId)
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound("Import");
  const path = importFilePath(deps, row.id);
  if (row.status === "done" || row.status === "failed" || !existsSync(path)) {
    throw new AppError("conflict", "The import has ended: its file is no longer kept");
  }
  const file = await readUploadPreview(path, row.format);
  let mapping: SavedColumns | null = null;
  if (choice !== "none") {
    const saved = await db
      .selectFrom("import_mappings")
      .select(["id", "name", "columns"])
      .where("workspace_id", "=", input.workspaceId)
      .$if(choice !== "auto", (query) => query.where("id", "=", choice))
      .orderBy("updated_at", "desc")
      .orderBy("id")
      .limit(500)
      .execute();
    if (choice === "auto") mapping = bestMapping(file.header, saved);
    else if (saved[0]) mapping = saved[0];
    else {
      throw new AppError("unprocessable", "The saved mapping does not exist", [
        { field: "querystring.mapping", message: "no saved mapping with this id in the workspace" },
      ]);
    }
  }
  return {
    id: row.id,
    filename: row.filename,
    status: row.status,
    format: file.format,
    delimiter: file.delimiter,
    encoding: file.encoding,
    quiet: row.options.quiet === true,
    header: file.header,
    rows: file.rows,
    columns: suggestColumns(file.header, mapping),
    mapping: mapping ? { id: mapping.id, name: mapping.name } : null,
  };
}
