import { existsSync } from "node:fs";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { insertImportMapping } from "./manage-import-mappings.ts";
import { headerKey, mapColumns } from "./map-columns.ts";
import { readUploadPreview } from "./preview-import.ts";
import { importFilePath } from "./run-import.ts";
import { type ColumnChoice, importsDb, RUN_IMPORT_JOB, type StartImportInput } from "./schemas.ts";

/**
 * Starts a draft: the column choices (explicit `columns` over the saved mapping's over the defaults)
 * are fixed for every header of the file, optionally saved as a new mapping, and the run is enqueued
 * in the same transaction as the status change. 404 outside the workspace, 409 when not a draft,
 * 422 for a choice naming no column of the file, an unknown mapping or a lead field fed twice.
 */
export async function startImport(
  deps: Deps,
  input: StartImportInput & { workspaceId: string; importId: string; userId: string | null; actor: Actor },
): Promise<{ id: string; status: "queued"; mappingId: string | null }> {
  const db = importsDb(deps.db);
  const record = await db
    .selectFrom("imports")
    .select(["id", "status", "format", "options"])
    .where("id", "=", input.importId)
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  if (!record) throw notFound("Import");
  if (record.status !== "draft") throw new AppError("conflict", "The import has already started");

  let saved: Record<string, ColumnChoice> = {};
  if (input.mappingId) {
    const mapping = await db
      .selectFrom("import_mappings")
      .select("columns")
      .where("id", "=", input.mappingId)
      .where("workspace_id", "=", input.workspaceId)
      .executeTakeFirst();
    if (!mapping) {
      throw new AppError("unprocessable", "The saved mapping does not exist", [
        { field: "body.mappingId", message: "no saved mapping with this id in the workspace" },
      ]);
    }
    saved = mapping.columns;
  }

  const path = importFilePath(deps, record.id);
  if (!existsSync(path)) throw new AppError("conflict", "The uploaded file is no longer available");
  const { header } = await readUploadPreview(path, record.format);
  const headerKeys = new Set(header.map(headerKey));
  const unknown = Object.keys(input.columns ?? {}).filter((column) => !headerKeys.has(headerKey(column)));
  if (unknown.length > 0) {
    throw new AppError(
      "unprocessable",
      "Some column choices name no column of the file",
      unknown.slice(0, 20).map((column) => ({ field: `body.columns.${column}`, message: "not in the file" })),
    );
  }
  // Explicit choices win over the saved mapping's for the same header (matched like the run does).
  const explicit = new Set(Object.keys(input.columns ?? {}).map(headerKey));
  const choices: Record<string, ColumnChoice> = {
    ...Object.fromEntries(Object.entries(saved).filter(([column]) => !explicit.has(headerKey(column)))),
    ...input.columns,
  };
  const mapping = mapColumns(header, choices);
  const fedBy = new Map<string, string>();
  for (const { column, field } of mapping) {
    if (field === "custom" || field === "ignore") continue;
    const other = fedBy.get(field);
    if (other !== undefined) {
      throw new AppError("unprocessable", `Two columns feed the same field (${field})`, [
        { field: "body.columns", message: `"${other}" and "${column}" both feed ${field}` },
      ]);
    }
    fedBy.set(field, column);
  }
  // Every named column gets its choice, so the run maps the file exactly as it was previewed
  // (headers that repeat keep the run's default, the first one feeding the field, unless chosen).
  const seen = new Map<string, number>();
  for (const column of header) seen.set(headerKey(column), (seen.get(headerKey(column)) ?? 0) + 1);
  const chosen = new Set(Object.keys(choices).map(headerKey));
  const columns: Record<string, ColumnChoice> = {};
  for (const { column, field } of mapping) {
    const key = headerKey(column);
    if (key === "" || (seen.get(key) !== 1 && !chosen.has(key))) continue;
    columns[column] ??= field;
  }
  const quiet = input.quiet ?? record.options.quiet === true;
  const at = deps.clock.now();

  try {
    return await deps.db.transaction().execute(async (trx) => {
      let mappingId: string | null = null;
      if (input.saveMappingAs !== undefined) {
        const created = await insertImportMapping(trx, {
          workspaceId: input.workspaceId,
          name: input.saveMappingAs,
          columns,
          userId: input.userId,
          actor: input.actor,
          at,
          nameField: "body.saveMappingAs",
        });
        mappingId = created.id;
      }
      const started = await importsDb(trx)
        .updateTable("imports")
        .set({ status: "queued", options: JSON.stringify({ quiet, columns }) })
        .where("id", "=", record.id)
        .where("status", "=", "draft")
        .returning("id")
        .executeTakeFirst();
      if (!started) throw new AppError("conflict", "The import has already started");
      await enqueue(trx, RUN_IMPORT_JOB, { importId: record.id });
      return { id: record.id, status: "queued" as const, mappingId };
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === "23505") {
      throw new AppError("conflict", "A saved mapping with this name already exists", [
        { field: "body.saveMappingAs", message: "choose another name" },
      ]);
    }
    throw error;
  }
}
