import type { Kysely, Selectable, Transaction } from "kysely";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import type { DB } from "../platform/db/schema.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { headerKey } from "./map-columns.ts";
import { type ColumnChoice, type ImportMappingsTable, type ImportMappingView, importsDb } from "./schemas.ts";

const ENTITY = "import_mapping";

function toView(row: Selectable<ImportMappingsTable>): ImportMappingView {
  return {
    id: row.id,
    name: row.name,
    columns: row.columns,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown }).code === "23505";

function nameTaken(field: string): AppError {
  return new AppError("conflict", "A saved mapping with this name already exists", [
    { field, message: "choose another name" },
  ]);
}

/** Headers are matched ignoring case and accents: two that only differ so would be ambiguous (422). */
function checkColumns(columns: Record<string, ColumnChoice>, field: string) {
  const seen = new Map<string, string>();
  for (const header of Object.keys(columns)) {
    const key = headerKey(header);
    if (key === "") {
      throw new AppError("unprocessable", "A column has no name", [{ field, message: "empty header" }]);
    }
    const other = seen.get(key);
    if (other !== undefined) {
      throw new AppError("unprocessable", "Two columns have the same name", [
        { field, message: `"${other}" and "${header}" are the same column` },
      ]);
    }
    seen.set(key, header);
  }
}

/** Inserts a saved mapping (audited) in the caller's transaction; a taken name is a conflict (409). */
export async function insertImportMapping(
  trx: Kysely<DB> | Transaction<DB>,
  input: {
    workspaceId: string;
    name: string;
    columns: Record<string, ColumnChoice>;
    userId: string | null;
    actor: Actor;
    at: Date;
    /** The request field the name came from, for the error. */
    nameField?: string;
  },
): Promise<ImportMappingView> {
  checkColumns(input.columns, "body.columns");
  const db = importsDb(trx);
  const nameField = input.nameField ?? "body.name";
  const taken = await db
    .selectFrom("import_mappings")
    .select("id")
    .where("workspace_id", "=", input.workspaceId)
    .where((eb) => eb(eb.fn("lower", ["name"]), "=", input.name.toLowerCase()))
    .executeTakeFirst();
  if (taken) throw nameTaken(nameField);
  const row = await db
    .insertInto("import_mappings")
    .values({
      workspace_id: input.workspaceId,
      name: input.name,
      columns: JSON.stringify(input.columns),
      created_by: input.userId,
      created_at: input.at,
      updated_at: input.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    workspaceId: input.workspaceId,
    entityType: ENTITY,
    entityId: row.id,
    action: "create",
    actor: input.actor,
    before: null,
    after: { name: row.name, columns: row.columns },
    at: input.at,
  });
  return toView(row);
}

/** The workspace's saved mappings, by name. */
export async function listImportMappings(
  deps: Deps,
  input: { workspaceId: string },
): Promise<ImportMappingView[]> {
  const rows = await importsDb(deps.db)
    .selectFrom("import_mappings")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .orderBy((eb) => eb.fn("lower", ["name"]))
    .orderBy("id")
    .limit(500)
    .execute();
  return rows.map(toView);
}

/** One saved mapping; 404 outside the caller's workspace. */
export async function getImportMapping(
  deps: Deps,
  input: { workspaceId: string; mappingId: string },
): Promise<ImportMappingView> {
  const row = await importsDb(deps.db)
    .selectFrom("import_mappings")
    .selectAll()
    .where("id", "=", input.mappingId)
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound("Import mapping");
  return toView(row);
}

/** Saves a mapping under a name unique in the workspace (409 when taken). */
export async function createImportMapping(
  deps: Deps,
  input: {
    workspaceId: string;
    name: string;
    columns: Record<string, ColumnChoice>;
    userId: string | null;
    actor: Actor;
  },
): Promise<ImportMappingView> {
  const at = deps.clock.now();
  try {
    return await deps.db.transaction().execute((trx) => insertImportMapping(trx, { ...input, at }));
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken("body.name");
    throw error;
  }
}

/** Renames a saved mapping and/or replaces its columns (audited); 404 outside the workspace. */
export async function updateImportMapping(
  deps: Deps,
  input: {
    workspaceId: string;
    mappingId: string;
    name?: string | undefined;
    columns?: Record<string, ColumnChoice> | undefined;
    actor: Actor;
  },
): Promise<ImportMappingView> {
  if (input.columns) checkColumns(input.columns, "body.columns");
  const at = deps.clock.now();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const db = importsDb(trx);
      const before = await db
        .selectFrom("import_mappings")
        .selectAll()
        .where("id", "=", input.mappingId)
        .where("workspace_id", "=", input.workspaceId)
        .forUpdate()
        .executeTakeFirst();
      if (!before) throw notFound("Import mapping");
      const name = input.name ?? before.name;
      if (name.toLowerCase() !== before.name.toLowerCase()) {
        const taken = await db
          .selectFrom("import_mappings")
          .select("id")
          .where("workspace_id", "=", input.workspaceId)
          .where("id", "<>", before.id)
          .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase()))
          .executeTakeFirst();
        if (taken) throw nameTaken("body.name");
      }
      const row = await db
        .updateTable("import_mappings")
        .set({
          name,
          ...(input.columns ? { columns: JSON.stringify(input.columns) } : {}),
          updated_at: at,
        })
        .where("id", "=", before.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        workspaceId: input.workspaceId,
        entityType: ENTITY,
        entityId: row.id,
        action: "update",
        actor: input.actor,
        before: { name: before.name, columns: before.columns },
        after: { name: row.name, columns: row.columns },
        at,
      });
      return toView(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken("body.name");
    throw error;
  }
}

/** Deletes a saved mapping (audited); 404 outside the workspace. Imports that used it keep their columns. */
export async function deleteImportMapping(
  deps: Deps,
  input: { workspaceId: string; mappingId: string; actor: Actor },
): Promise<void> {
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const row = await importsDb(trx)
      .deleteFrom("import_mappings")
      .where("id", "=", input.mappingId)
      .where("workspace_id", "=", input.workspaceId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound("Import mapping");
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: ENTITY,
      entityId: row.id,
      action: "delete",
      actor: input.actor,
      before: { name: row.name, columns: row.columns },
      after: null,
      at,
    });
  });
}
