import { rm } from "node:fs/promises";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { importFilePath } from "./run-import.ts";
import { importsDb } from "./schemas.ts";

/** A draft the person does not want (another file, a mistake): the row and the stored upload go. */
export async function discardImportDraft(deps: Deps, input: { workspaceId: string; importId: string }) {
  const db = importsDb(deps.db);
  const removed = await db
    .deleteFrom("imports")
    .where("id", "=", input.importId)
    .where("workspace_id", "=", input.workspaceId)
    .where("status", "=", "draft")
    .returning("id")
    .executeTakeFirst();
  if (!removed) {
    const exists = await db
      .selectFrom("imports")
      .select("status")
      .where("id", "=", input.importId)
      .where("workspace_id", "=", input.workspaceId)
      .executeTakeFirst();
    if (!exists) throw notFound("Import");
    throw new AppError("conflict", "Only a draft (an import not started) can be discarded");
  }
  await rm(importFilePath(deps, removed.id), { force: true });
}
