import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, isAbsolute, join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { buffer } from "node:stream/consumers";
import type { Selectable } from "kysely";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { FileStoreUnavailableError } from "../platform/storage/file-store.ts";
import { FileTooLargeError } from "../platform/storage/store-file.ts";
import { getTemplate, removeStoredFile, type TemplateView } from "./manage-templates.ts";
import { type AutomationTables, automationDb } from "./schemas.ts";

type TemplateRow = Selectable<AutomationTables["message_templates"]>;
type AttachmentColumns = Pick<TemplateRow, "attachment_path" | "attachment_store" | "attachment_filename">;

class NotPdfError extends Error {
  constructor() {
    super("the file is not a PDF");
    this.name = "NotPdfError";
  }
}

/** Passes the bytes through once they start with the PDF signature (`%PDF-`); fails otherwise. */
function pdfSignatureCheck(): Transform {
  let head = Buffer.alloc(0);
  let checked = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (checked) return done(null, chunk);
      head = Buffer.concat([head, chunk]);
      if (head.length < 5) return done();
      checked = true;
      if (head.subarray(0, 5).toString("latin1") !== "%PDF-") return done(new NotPdfError());
      done(null, head);
    },
    flush(done) {
      done(checked ? null : new NotPdfError());
    },
  });
}

function safeFileName(name: string): string {
  const cleaned = [...name]
    .map((char) => (char === "/" || char === "\\" || char.charCodeAt(0) < 0x20 ? "_" : char))
    .join("")
    .slice(0, 200);
  return cleaned || "anexo.pdf";
}

async function lockTemplate(trx: Parameters<typeof automationDb>[0], input: TemplateRef) {
  const row = await automationDb(trx)
    .selectFrom("message_templates")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where("id", "=", input.templateId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound("Template");
  return row;
}

interface TemplateRef {
  workspaceId: string;
  templateId: string;
}

/**
 * Sets the PDF an e-mail template attaches to every message: streamed to the file store (data folder
 * or S3 bucket) under a key of our own, refused when it is not a PDF (415) or larger than
 * FUNIL_ATTACHMENT_MAX_BYTES (413). The previous file is removed once the row points at the new one.
 */
export async function attachTemplateFile(
  deps: Deps,
  input: TemplateRef & { actor: Actor; fileName: string; contentType: string; file: Readable },
): Promise<TemplateView> {
  const template = await automationDb(deps.db)
    .selectFrom("message_templates")
    .select(["id", "channel"])
    .where("workspace_id", "=", input.workspaceId)
    .where("id", "=", input.templateId)
    .executeTakeFirst();
  if (!template) {
    input.file.resume();
    throw notFound("Template");
  }
  if (template.channel !== "email") {
    input.file.resume();
    throw new AppError("conflict", "Only an e-mail template carries an attachment");
  }
  const fileName = safeFileName(input.fileName);
  const declared = input.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (
    !fileName.toLowerCase().endsWith(".pdf") ||
    !["application/pdf", "application/octet-stream"].includes(declared)
  ) {
    input.file.resume();
    throw new AppError("unsupported_media_type", "A template's attachment must be a PDF", [
      { field: "file", message: "allowed: pdf" },
    ]);
  }
  const key = `templates/${input.workspaceId}/${randomUUID()}`;
  const checked = pdfSignatureCheck();
  input.file.on("error", (error) => checked.destroy(error));
  // Until the store reads it (after its own setup), a refusal waits on the stream for it.
  checked.on("error", () => {});
  let stored: { size: number };
  try {
    stored = await deps.files.put(key, input.file.pipe(checked), deps.config.attachments.maxBytes);
    if ((input.file as Readable & { truncated?: boolean }).truncated) {
      await deps.files.remove(deps.files.kind, key);
      throw new FileTooLargeError(deps.config.attachments.maxBytes);
    }
  } catch (error) {
    input.file.resume();
    if (
      error instanceof FileTooLargeError ||
      (error as { code?: unknown }).code === "FST_REQ_FILE_TOO_LARGE"
    ) {
      throw new AppError(
        "payload_too_large",
        `The file is larger than ${deps.config.attachments.maxBytes} bytes`,
      );
    }
    if (error instanceof NotPdfError) {
      throw new AppError("unsupported_media_type", "A template's attachment must be a PDF", [
        { field: "file", message: "the file's content is not a PDF" },
      ]);
    }
    if (deps.files.kind === "s3") {
      deps.log.warn({ err: error }, "the attachment bucket refused a template's file");
      throw new AppError("upstream_failed", "The file storage did not take the file; try again");
    }
    throw error;
  }
  const store = deps.files.kind;
  let before: TemplateRow;
  try {
    before = await withTransaction(deps.db, async (trx) => {
      const row = await lockTemplate(trx, input);
      const now = deps.clock.now();
      await automationDb(trx)
        .updateTable("message_templates")
        .set({
          attachment_path: key,
          attachment_store: store,
          attachment_filename: fileName,
          attachment_size: stored.size,
          updated_at: now,
        })
        .where("id", "=", row.id)
        .execute();
      await recordAudit(trx, {
        workspaceId: input.workspaceId,
        entityType: "message_template",
        entityId: row.id,
        action: "message_template.attachment_set",
        actor: input.actor,
        before: row.attachment_path
          ? { attachment: { filename: row.attachment_filename, size: row.attachment_size } }
          : null,
        after: { attachment: { filename: fileName, size: stored.size } },
        at: now,
      });
      return row;
    });
  } catch (error) {
    await removeStoredFile(deps, { attachment_store: store, attachment_path: key });
    throw error;
  }
  await removeStoredFile(deps, before);
  return getTemplate(deps, input);
}

/** Takes the attachment off a template (its stored file removed); nothing to do without one. */
export async function removeTemplateFile(
  deps: Deps,
  input: TemplateRef & { actor: Actor },
): Promise<TemplateView> {
  const before = await withTransaction(deps.db, async (trx) => {
    const row = await lockTemplate(trx, input);
    if (!row.attachment_path) return row;
    const now = deps.clock.now();
    await automationDb(trx)
      .updateTable("message_templates")
      .set({
        attachment_path: null,
        attachment_store: null,
        attachment_filename: null,
        attachment_size: null,
        updated_at: now,
      })
      .where("id", "=", row.id)
      .execute();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "message_template",
      entityId: row.id,
      action: "message_template.attachment_removed",
      actor: input.actor,
      before: { attachment: { filename: row.attachment_filename, size: row.attachment_size } },
      after: null,
      at: now,
    });
    return row;
  });
  await removeStoredFile(deps, before);
  return getTemplate(deps, input);
}

/** A template's file to download. */
export async function openTemplateFile(deps: Deps, input: TemplateRef) {
  const row = await automationDb(deps.db)
    .selectFrom("message_templates")
    .select(["attachment_path", "attachment_store", "attachment_filename"])
    .where("workspace_id", "=", input.workspaceId)
    .where("id", "=", input.templateId)
    .executeTakeFirst();
  if (!row?.attachment_path) throw notFound("Attachment");
  try {
    const file = await readTemplateAttachment(deps, row);
    if (!file) throw notFound("Attachment");
    return file;
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof FileStoreUnavailableError) throw new AppError("unavailable", error.message);
    if ((error as { code?: unknown }).code === "ENOENT") throw notFound("Attachment");
    deps.log.warn({ err: error }, "the file store did not give a template's file back");
    throw new AppError("upstream_failed", "The file storage did not give the file back; try again");
  }
}

/**
 * The bytes of a template's attachment: from the file store when it was stored there (migration 0023),
 * else from the path set before (absolute, or inside the data folder). Null without one.
 */
export async function readTemplateAttachment(
  deps: Pick<Deps, "files" | "config">,
  row: AttachmentColumns,
): Promise<{ filename: string; content: Buffer } | null> {
  const path = row.attachment_path;
  if (!path) return null;
  if (row.attachment_store) {
    const content = await buffer(await deps.files.open(row.attachment_store, path));
    return { filename: row.attachment_filename ?? "anexo.pdf", content };
  }
  const file = isAbsolute(path) ? path : join(deps.config.dataDir, path);
  return { filename: row.attachment_filename ?? basename(file), content: await readFile(file) };
}
