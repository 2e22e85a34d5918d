import type { Selectable } from "kysely";
import { sql } from "kysely";
import { diffFields, recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { decodeCursor, encodeCursor } from "../platform/http/cursor.ts";
import { AppError, type FieldError, notFound } from "../platform/http/errors.ts";
import { TEMPLATE_VARIABLES, unknownVariables } from "./build-template-variables.ts";
import { templateVariables } from "./render-template.ts";
import {
  type AutomationTables,
  automationDb,
  type CreateTemplateInput,
  type ListTemplatesQuery,
  type TemplateCategory,
  type TemplateChannel,
  type UpdateTemplateInput,
} from "./schemas.ts";
import { BUILTIN_TEMPLATES } from "./seed-builtin-rules.ts";

type TemplateRow = Selectable<AutomationTables["message_templates"]>;

export interface TemplateView {
  id: string;
  /** null: the workspace's template; else the product's own, which wins for that product. */
  productId: string | null;
  productName: string | null;
  purpose: string;
  channel: TemplateChannel;
  category: TemplateCategory;
  /** WhatsApp: Meta's approved template name (its body below is sent as the parameters, in order). */
  whatsappName: string | null;
  language: string;
  subject: string | null;
  body: string;
  /** E-mail: the file attached to every message (size null for a file set before migration 0023). */
  attachment: { filename: string; size: number | null } | null;
  /** The `{{variables}}` it uses: the body's in order (WhatsApp parameters), then the subject's. */
  variables: string[];
  /** A workspace default seeded by Funil: it can be edited, not deleted. */
  builtin: boolean;
  updatedAt: string;
}

/** The workspace-level row key (no product) in the unique index and the list's order. */
const NO_PRODUCT = "00000000-0000-0000-0000-000000000000";

export function isBuiltinTemplate(row: Pick<TemplateRow, "product_id" | "purpose" | "channel">): boolean {
  return (
    row.product_id === null &&
    BUILTIN_TEMPLATES.some((builtin) => builtin.purpose === row.purpose && builtin.channel === row.channel)
  );
}

export function templateView(row: TemplateRow, productName: string | null): TemplateView {
  const path = row.attachment_path;
  return {
    id: row.id,
    productId: row.product_id,
    productName,
    purpose: row.purpose,
    channel: row.channel,
    category: row.category,
    whatsappName: row.whatsapp_name,
    language: row.language,
    subject: row.subject,
    body: row.body,
    attachment: path
      ? {
          filename: row.attachment_filename ?? path.split(/[\\/]/).at(-1) ?? path,
          size: row.attachment_size,
        }
      : null,
    variables: [...new Set([...templateVariables(row.body), ...templateVariables(row.subject ?? "")])],
    builtin: isBuiltinTemplate(row),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Unknown `{{variables}}` in a text: the field error naming them, or none. */
export function variableErrors(field: string, text: string | null | undefined): FieldError[] {
  const unknown = unknownVariables(text ?? "");
  if (unknown.length === 0) return [];
  return [
    {
      field,
      message: `unknown variables: ${unknown.map((name) => `{{${name}}}`).join(", ")} (known: ${TEMPLATE_VARIABLES.map((name) => `{{${name}}}`).join(", ")})`,
    },
  ];
}

/** What a template of `channel` must and must not carry; every problem found at once. */
function templateErrors(template: {
  channel: TemplateChannel;
  whatsappName: string | null;
  subject: string | null;
  body: string;
}): FieldError[] {
  const errors = [
    ...variableErrors("body.body", template.body),
    ...variableErrors("body.subject", template.subject),
  ];
  if (template.channel === "whatsapp") {
    if (!template.whatsappName) {
      errors.push({
        field: "body.whatsappName",
        message: "a WhatsApp template needs the name of its approved Meta template",
      });
    }
    if (template.body.length > 1024) {
      errors.push({ field: "body.body", message: "a WhatsApp template's body has at most 1,024 characters" });
    }
  } else if (template.whatsappName) {
    errors.push({ field: "body.whatsappName", message: "only a WhatsApp template has a Meta template name" });
  }
  if (template.channel === "email" && !template.subject) {
    errors.push({ field: "body.subject", message: "an e-mail template needs a subject" });
  }
  if (template.channel !== "email" && template.subject) {
    errors.push({ field: "body.subject", message: "only an e-mail template has a subject" });
  }
  return errors;
}

function assertValid(template: Parameters<typeof templateErrors>[0]): void {
  const errors = templateErrors(template);
  if (errors.length > 0) throw new AppError("invalid_input", "The template is invalid", errors);
}

async function productName(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  productId: string | null,
): Promise<string | null> {
  if (!productId) return null;
  const row = await automationDb(deps.db)
    .selectFrom("products")
    .select("name")
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", productId)
    .executeTakeFirst();
  return row?.name ?? null;
}

/**
 * The workspace's templates, by purpose and channel, the workspace's own before the products' (keyset
 * pages over the unique key), filtered by product, purpose or channel.
 */
export async function listTemplates(
  deps: Deps,
  input: { workspaceId: string } & ListTemplatesQuery,
): Promise<{ items: TemplateView[]; nextCursor: string | null }> {
  const after = decodeCursor(input.cursor);
  if (after && (after.length !== 3 || after.some((value) => typeof value !== "string"))) {
    throw new AppError("invalid_input", "The cursor is not valid", [
      { field: "cursor", message: "invalid cursor" },
    ]);
  }
  const productKey = sql`coalesce(t.product_id, ${NO_PRODUCT}::uuid)`;
  const rows = await automationDb(deps.db)
    .selectFrom("message_templates as t")
    .leftJoin("products as p", "p.id", "t.product_id")
    .selectAll("t")
    .select("p.name as product_name")
    .where("t.workspace_id", "=", input.workspaceId)
    .$if(input.productId !== undefined, (query) => query.where("t.product_id", "=", input.productId ?? ""))
    .$if(input.purpose !== undefined, (query) => query.where("t.purpose", "=", input.purpose ?? ""))
    .$if(input.channel !== undefined, (query) => query.where("t.channel", "=", input.channel ?? "whatsapp"))
    .$if(after !== null, (query) =>
      query.where(
        sql<boolean>`(t.purpose, t.channel, ${productKey}) > (${after?.[0]}, ${after?.[1]}, ${after?.[2]}::uuid)`,
      ),
    )
    .orderBy("t.purpose")
    .orderBy("t.channel")
    .orderBy(productKey)
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ product_name, ...row }) => templateView(row, product_name)),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor([last.purpose, last.channel, last.product_id ?? NO_PRODUCT])
        : null,
  };
}

export async function getTemplate(
  deps: Deps,
  input: { workspaceId: string; templateId: string },
): Promise<TemplateView> {
  const row = await automationDb(deps.db)
    .selectFrom("message_templates")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where("id", "=", input.templateId)
    .executeTakeFirst();
  if (!row) throw notFound("Template");
  return templateView(row, await productName(deps, input.workspaceId, row.product_id));
}

/** The audited side of a template. */
const audited = (row: TemplateRow) => ({
  body: row.body,
  subject: row.subject,
  whatsappName: row.whatsapp_name,
  category: row.category,
  language: row.language,
});

/**
 * A product's own template (it wins over the workspace's for that product) or one for a new purpose;
 * 409 when the workspace already has one for this purpose, channel and product. Audited.
 */
export async function createTemplate(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; template: CreateTemplateInput },
): Promise<TemplateView> {
  const { template } = input;
  const productId = template.productId ?? null;
  const name = await productName(deps, input.workspaceId, productId);
  if (productId && name === null) throw notFound("Product");
  const whatsappName = template.whatsappName ?? null;
  const subject = template.subject ?? null;
  assertValid({ channel: template.channel, whatsappName, subject, body: template.body });
  const row = await withTransaction(deps.db, async (trx) => {
    const db = automationDb(trx);
    const now = deps.clock.now();
    // A product's copy of a workspace template keeps its category unless told otherwise.
    const category =
      template.category ??
      (
        await db
          .selectFrom("message_templates")
          .select("category")
          .where("workspace_id", "=", input.workspaceId)
          .where("purpose", "=", template.purpose)
          .where("channel", "=", template.channel)
          .where("product_id", "is", null)
          .executeTakeFirst()
      )?.category ??
      "transactional";
    const inserted = await db
      .insertInto("message_templates")
      .values({
        workspace_id: input.workspaceId,
        product_id: productId,
        purpose: template.purpose,
        channel: template.channel,
        category,
        whatsapp_name: whatsappName,
        ...(template.language ? { language: template.language } : {}),
        subject,
        body: template.body,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) => conflict.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) {
      throw new AppError(
        "conflict",
        productId
          ? "This product already has a template for this purpose and channel"
          : "The workspace already has a template for this purpose and channel",
      );
    }
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "message_template",
      entityId: inserted.id,
      action: "message_template.created",
      actor: input.actor,
      before: null,
      after: { purpose: inserted.purpose, channel: inserted.channel, productId, ...audited(inserted) },
      at: now,
    });
    return inserted;
  });
  return templateView(row, name);
}

/** Edits a template's text, subject, Meta name, category or language (built-in ones too). Audited. */
export async function updateTemplate(
  deps: Deps,
  input: { workspaceId: string; templateId: string; actor: Actor; change: UpdateTemplateInput },
): Promise<TemplateView> {
  const { change } = input;
  const row = await withTransaction(deps.db, async (trx) => {
    const db = automationDb(trx);
    const before = await db
      .selectFrom("message_templates")
      .selectAll()
      .where("workspace_id", "=", input.workspaceId)
      .where("id", "=", input.templateId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw notFound("Template");
    const next = {
      channel: before.channel,
      whatsappName: change.whatsappName === undefined ? before.whatsapp_name : change.whatsappName,
      subject: change.subject === undefined ? before.subject : change.subject,
      body: change.body ?? before.body,
    };
    assertValid(next);
    const now = deps.clock.now();
    const after = await db
      .updateTable("message_templates")
      .set({
        whatsapp_name: next.whatsappName,
        subject: next.subject,
        body: next.body,
        ...(change.category !== undefined ? { category: change.category } : {}),
        ...(change.language !== undefined ? { language: change.language } : {}),
        updated_at: now,
      })
      .where("id", "=", before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const diff = diffFields(audited(before), audited(after));
    if (diff) {
      await recordAudit(trx, {
        workspaceId: input.workspaceId,
        entityType: "message_template",
        entityId: before.id,
        action: "message_template.updated",
        actor: input.actor,
        before: diff.before,
        after: diff.after,
        at: now,
      });
    }
    return after;
  });
  return templateView(row, await productName(deps, input.workspaceId, row.product_id));
}

/**
 * Deletes a product's own or a custom template (its file too); a built-in workspace default can be
 * edited but not deleted (409). Dispatches already planned keep their rendered text.
 */
export async function deleteTemplate(
  deps: Deps,
  input: { workspaceId: string; templateId: string; actor: Actor },
): Promise<void> {
  const removed = await withTransaction(deps.db, async (trx) => {
    const db = automationDb(trx);
    const row = await db
      .selectFrom("message_templates")
      .selectAll()
      .where("workspace_id", "=", input.workspaceId)
      .where("id", "=", input.templateId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound("Template");
    if (isBuiltinTemplate(row)) {
      throw new AppError("conflict", "A built-in template can be edited but not deleted");
    }
    await db.deleteFrom("message_templates").where("id", "=", row.id).execute();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "message_template",
      entityId: row.id,
      action: "message_template.deleted",
      actor: input.actor,
      before: { purpose: row.purpose, channel: row.channel, productId: row.product_id, ...audited(row) },
      after: null,
      at: deps.clock.now(),
    });
    return row;
  });
  await removeStoredFile(deps, removed);
}

/** Removes a template's stored file once nothing points at it (a path from before 0023 is left alone). */
export async function removeStoredFile(
  deps: Deps,
  row: Pick<TemplateRow, "attachment_store" | "attachment_path">,
): Promise<void> {
  if (!row.attachment_store || !row.attachment_path) return;
  try {
    await deps.files.remove(row.attachment_store, row.attachment_path);
  } catch (error) {
    deps.log.warn({ err: error }, "a template's old attachment could not be removed");
  }
}
