import type { Readable } from "node:stream";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import type { Principal } from "../auth/schemas.ts";
import type { ConversationTables } from "../conversations/schemas.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { type FileStoreKind, FileStoreUnavailableError } from "../platform/storage/file-store.ts";
import { FileTooLargeError } from "../platform/storage/store-file.ts";

type Viewer = Pick<Principal, "workspaceId" | "role" | "userId" | "actor">;

export const LOGGED_CHANNELS = [
  "call",
  "whatsapp",
  "email",
  "instagram",
  "meeting",
  "visit",
  "note",
] as const;

export const LogInteractionSchema = z
  .object({
    channel: z.enum(LOGGED_CHANNELS),
    direction: z.enum(["inbound", "outbound"]).default("outbound"),
    /** What came of it: "atendeu", "caixa postal", "agendou visita"… */
    result: z.string().trim().min(1).max(200).nullable().optional(),
    text: z.string().trim().max(10_000).nullable().optional(),
    /** When it happened (now by default). */
    occurredAt: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

/** What may be attached: documents, images, audio and spreadsheets, by extension and declared type. */
const ALLOWED: Record<string, string[]> = {
  pdf: ["application/pdf"],
  png: ["image/png"],
  jpg: ["image/jpeg"],
  jpeg: ["image/jpeg"],
  webp: ["image/webp"],
  gif: ["image/gif"],
  txt: ["text/plain"],
  csv: ["text/csv", "text/plain", "application/vnd.ms-excel"],
  ogg: ["audio/ogg", "application/ogg"],
  mp3: ["audio/mpeg"],
  m4a: ["audio/mp4", "audio/x-m4a"],
  docx: ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
  xlsx: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
};

const conversations = (deps: Deps) => deps.db.withTables<ConversationTables>();

/** A call, meeting, visit, note… with a person, logged by the one who had it. */
export async function logInteraction(
  deps: Deps,
  input: { viewer: Viewer; contactId: string; interaction: z.infer<typeof LogInteractionSchema> },
): Promise<{ id: string }> {
  const { viewer, interaction } = input;
  const contact = await deps.db
    .selectFrom("contacts")
    .select("id")
    .where("id", "=", input.contactId)
    .where("workspace_id", "=", viewer.workspaceId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!contact) throw notFound("Contact");
  const now = deps.clock.now();
  const occurredAt = interaction.occurredAt ? new Date(interaction.occurredAt) : now;
  if (occurredAt.getTime() > now.getTime() + 5 * 60_000) {
    throw new AppError("invalid_input", "An interaction cannot happen in the future", [
      { field: "occurredAt", message: "in the future (plan it as a task)" },
    ]);
  }
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .withTables<ConversationTables>()
      .insertInto("interactions")
      .values({
        workspace_id: viewer.workspaceId,
        contact_id: contact.id,
        channel: interaction.channel,
        direction: interaction.direction,
        kind: "logged",
        body: interaction.text ?? null,
        result: interaction.result ?? null,
        author_type: viewer.actor.type,
        author_id: viewer.actor.id,
        author_label: viewer.actor.label,
        occurred_at: occurredAt,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      workspaceId: viewer.workspaceId,
      entityType: "contact",
      entityId: contact.id,
      action: "interaction.logged",
      actor: viewer.actor,
      before: null,
      after: {
        interactionId: row.id,
        channel: interaction.channel,
        direction: interaction.direction,
        result: interaction.result ?? null,
      },
      at: now,
    });
    return { id: row.id };
  });
}

/**
 * A file on an interaction, streamed to the file store (data folder or S3 bucket) under a name of our
 * own; refused when its type is not allowed or it is larger than FUNIL_ATTACHMENT_MAX_BYTES.
 */
export async function attachFile(
  deps: Deps,
  input: {
    viewer: Viewer;
    interactionId: string;
    fileName: string;
    contentType: string;
    file: Readable;
  },
) {
  const { viewer } = input;
  const interaction = await conversations(deps)
    .selectFrom("interactions")
    .select(["id", "contact_id"])
    .where("id", "=", input.interactionId)
    .where("workspace_id", "=", viewer.workspaceId)
    .executeTakeFirst();
  if (!interaction) {
    input.file.resume();
    throw notFound("Interaction");
  }
  const fileName =
    [...input.fileName]
      .map((char) => (char === "/" || char === "\\" || char.charCodeAt(0) < 0x20 ? "_" : char))
      .join("")
      .slice(0, 200) || "arquivo";
  const extension = fileName.includes(".") ? (fileName.split(".").pop() ?? "").toLowerCase() : "";
  const declared = input.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const allowed = ALLOWED[extension];
  if (!allowed || !(allowed.includes(declared) || declared === "application/octet-stream")) {
    input.file.resume();
    throw new AppError(
      "unsupported_media_type",
      `Files of this type cannot be attached (.${extension || "?"})`,
      [{ field: "file", message: `allowed: ${Object.keys(ALLOWED).join(", ")}` }],
    );
  }
  const id = crypto.randomUUID();
  const key = `attachments/${viewer.workspaceId}/${id}`;
  let stored: { size: number; sha256: string };
  try {
    stored = await deps.files.put(key, input.file, deps.config.attachments.maxBytes);
  } catch (error) {
    if (error instanceof FileTooLargeError) {
      throw new AppError(
        "payload_too_large",
        `The file is larger than ${deps.config.attachments.maxBytes} bytes`,
      );
    }
    if (deps.files.kind === "s3") {
      deps.log.warn({ err: error }, "the attachment bucket refused a file");
      throw new AppError("upstream_failed", "The file storage did not take the file; try again");
    }
    throw error;
  }
  const now = deps.clock.now();
  const contentType = allowed[0] as string;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .withTables<ConversationTables>()
      .insertInto("interaction_attachments")
      .values({
        id,
        workspace_id: viewer.workspaceId,
        interaction_id: interaction.id,
        file_name: fileName,
        content_type: contentType,
        size_bytes: stored.size,
        sha256: stored.sha256,
        storage_key: key,
        store: deps.files.kind,
        created_by: viewer.actor.label,
        created_at: now,
      })
      .execute();
    if (interaction.contact_id) {
      await recordAudit(trx, {
        workspaceId: viewer.workspaceId,
        entityType: "contact",
        entityId: interaction.contact_id,
        action: "interaction.file_attached",
        actor: viewer.actor,
        before: null,
        after: { interactionId: interaction.id, attachmentId: id, fileName, size: stored.size },
        at: now,
      });
    }
  });
  return { id, fileName, contentType, size: stored.size, sha256: stored.sha256 };
}

/** An attachment of the workspace, to download. */
export async function openAttachment(deps: Deps, input: { workspaceId: string; attachmentId: string }) {
  const row = await conversations(deps)
    .selectFrom("interaction_attachments")
    .selectAll()
    .where("id", "=", input.attachmentId)
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound("Attachment");
  return {
    fileName: row.file_name,
    contentType: row.content_type,
    size: Number(row.size_bytes),
    stream: await openStored(deps, row.store, row.storage_key),
  };
}

async function openStored(deps: Deps, store: FileStoreKind, key: string) {
  try {
    return await deps.files.open(store, key);
  } catch (error) {
    if (error instanceof FileStoreUnavailableError) throw new AppError("unavailable", error.message);
    deps.log.warn({ err: error }, "the attachment bucket did not give a file back");
    throw new AppError("upstream_failed", "The file storage did not give the file back; try again");
  }
}
