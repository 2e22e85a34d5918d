import { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { notFound } from "../platform/http/errors.ts";
import { automationDb } from "./schemas.ts";

export const RecordConsentSchema = z
  .object({
    contactId: z.uuid(),
    channel: z.enum(["all", "whatsapp", "email", "instagram"]),
    /** `marketing` grants or revokes marketing only; `all` is everything (an opt-out). */
    category: z.enum(["marketing", "all"]),
    granted: z.boolean(),
    /** Where it came from, e.g. "typeform:form-id", "telefone". Defaults to the person recording it. */
    source: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

/** Appends a grant or a revocation to the contact's consent ledger (audited); the latest one wins. */
export async function recordConsent(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; consent: z.infer<typeof RecordConsentSchema> },
): Promise<{ id: string; at: string }> {
  const { consent } = input;
  const now = deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const contact = await trx
      .selectFrom("contacts")
      .select("id")
      .where("workspace_id", "=", input.workspaceId)
      .where("id", "=", consent.contactId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!contact) throw notFound("Lead");
    const row = await automationDb(trx)
      .insertInto("contact_consents")
      .values({
        workspace_id: input.workspaceId,
        contact_id: contact.id,
        channel: consent.channel,
        category: consent.category,
        granted: consent.granted,
        source: consent.source ?? `${input.actor.type}:${input.actor.id ?? "?"}`,
        at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "contact",
      entityId: contact.id,
      action: consent.granted ? "consent.granted" : "consent.revoked",
      actor: input.actor,
      before: null,
      after: { channel: consent.channel, category: consent.category, granted: consent.granted },
      at: now,
    });
    return { id: row.id, at: now.toISOString() };
  });
}
