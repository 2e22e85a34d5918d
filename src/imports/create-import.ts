import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { readUploadPreview } from "./preview-import.ts";
import { importFilePath } from "./run-import.ts";
import { type ImportFormat, type ImportOptions, importsDb, RUN_IMPORT_JOB } from "./schemas.ts";

export interface StoredUpload {
  id: string;
  path: string;
  bytes: number;
}

/** Streams an upload to `<dataDir>/imports/<id>` (never held in memory). */
export async function storeImportFile(deps: Deps, file: Readable): Promise<StoredUpload> {
  const id = randomUUID();
  const path = importFilePath(deps, id);
  await mkdir(importFilePath(deps, ""), { recursive: true });
  let bytes = 0;
  file.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
  });
  try {
    await pipeline(file, createWriteStream(path));
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { id, path, bytes };
}

/** XLSX files are zip archives; old binary .xls files are refused; anything else is read as CSV. */
async function detectFormat(path: string): Promise<ImportFormat> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    if (bytesRead >= 4 && head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return "xlsx";
    if (bytesRead >= 4 && head.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
      throw new AppError("unsupported_media_type", "Old .xls files are not supported: save as .xlsx or CSV");
    }
    return "csv";
  } finally {
    await handle.close();
  }
}

/**
 * Records an import of a stored upload and enqueues its job in the same transaction. With
 * `start: false` it is kept as a `draft` instead (checked readable now, started later by
 * start-import.ts, or pruned after a day). The stored file is removed when the upload is refused.
 */
export async function createImport(
  deps: Deps,
  input: {
    workspaceId: string;
    userId: string | null;
    upload: StoredUpload;
    filename: string;
    quiet: boolean;
    /** Header name → field, overriding the default mapping for those columns. */
    columns?: ImportOptions["columns"];
    /** False keeps the import as a draft, for a preview and column choices first. Default true. */
    start?: boolean;
  },
): Promise<{ id: string; status: "draft" | "queued" }> {
  const isDraft = input.start === false;
  try {
    if (input.upload.bytes === 0) throw new AppError("invalid_input", "The file is empty");
    const format = await detectFormat(input.upload.path);
    // A draft is shown to a person next: a file that is not a table is refused now (422).
    if (isDraft) await readUploadPreview(input.upload.path, format);
    await importsDb(deps.db)
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto("imports")
          .values({
            id: input.upload.id,
            workspace_id: input.workspaceId,
            filename: input.filename.slice(0, 255) || "upload",
            format,
            status: isDraft ? "draft" : "queued",
            total: null,
            mapping: null,
            options: JSON.stringify({
              quiet: input.quiet,
              ...(input.columns ? { columns: input.columns } : {}),
            }),
            error: null,
            locked_until: null,
            created_by: input.userId,
            created_at: deps.clock.now(),
          })
          .execute();
        if (!isDraft) await enqueue(trx, RUN_IMPORT_JOB, { importId: input.upload.id });
      });
    return { id: input.upload.id, status: isDraft ? "draft" : "queued" };
  } catch (error) {
    await rm(input.upload.path, { force: true });
    throw error;
  }
}
