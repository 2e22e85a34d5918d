import { rm } from "node:fs/promises";
import type { Deps } from "../deps.ts";
import { importFilePath } from "./run-import.ts";
import { DRAFT_TTL_MS, importsDb } from "./schemas.ts";

const BATCH = 500;

/** Drafts never started within a day are removed, rows and stored files. Returns how many. */
export async function pruneImportDrafts(deps: Deps): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - DRAFT_TTL_MS);
  const db = importsDb(deps.db);
  let count = 0;
  for (;;) {
    const removed = await db
      .deleteFrom("imports")
      .where(
        "id",
        "in",
        db
          .selectFrom("imports")
          .select("id")
          .where("status", "=", "draft")
          .where("created_at", "<", cutoff)
          .limit(BATCH),
      )
      // A draft started meanwhile is kept.
      .where("status", "=", "draft")
      .returning("id")
      .execute();
    for (const row of removed) await rm(importFilePath(deps, row.id), { force: true });
    count += removed.length;
    if (removed.length < BATCH) return count;
  }
}
