import { randomUUID } from "node:crypto";
import type { Actor } from "../auth/schemas.ts";
import { type ContactView, toContactView } from "../contacts/get-contact.ts";
import { normalizeLead } from "../contacts/normalize-lead.ts";
import type { LeadInput } from "../contacts/schemas.ts";
import { upsertContact } from "../contacts/upsert-contact.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { scoreContact } from "../scoring/score-contact.ts";

export interface IngestLeadInput {
  workspaceId: string;
  lead: LeadInput;
  rawBody: Uint8Array;
  headers: Record<string, string>;
  contentType: string | null;
  /** The caller's Idempotency-Key: a repeat returns the first result instead of a second touch. */
  idempotencyKey: string | null;
  actor: Actor;
}

export interface IngestLeadResult {
  outcome: "created" | "merged" | "repeated";
  contactId: string;
  eventId: string;
  /** The contact as it stands after this lead (null for a repeat: read it with getContact). */
  contact: ContactView | null;
}

/**
 * The API door: stores the raw request in the inbox and, in the same transaction, resolves the
 * person, scores them and marks the event processed, so the caller learns at once whether the lead
 * was new (201) or matched someone (200).
 */
export async function ingestLead(deps: Deps, input: IngestLeadInput): Promise<IngestLeadResult> {
  const lead = normalizeLead(input.lead, {
    defaultCountry: deps.config.contacts.defaultCountry,
    defaultSource: "api",
  });
  if (input.idempotencyKey) {
    const seen = await deps.db
      .selectFrom("inbox_events")
      .select(["id", "contact_id"])
      .where("workspace_id", "=", input.workspaceId)
      .where("source", "=", "api")
      .where("idempotency_key", "=", input.idempotencyKey)
      .executeTakeFirst();
    if (seen?.contact_id)
      return { outcome: "repeated", contactId: seen.contact_id, eventId: seen.id, contact: null };
  }
  const at = deps.clock.now();
  const result = await withTransaction(deps.db, async (trx) => {
    const eventId = randomUUID();
    const upserted = await upsertContact(trx, {
      workspaceId: input.workspaceId,
      lead,
      actor: input.actor,
      at,
      eventId,
      isFirstDelivery: true,
    });
    const isNew = upserted.outcome === "created";
    const score = await scoreContact(trx, { contact: upserted.contact, at, isNew });
    await trx
      .insertInto("inbox_events")
      .values({
        id: eventId,
        workspace_id: input.workspaceId,
        source: "api",
        idempotency_key: input.idempotencyKey ?? eventId,
        content_type: input.contentType,
        headers: JSON.stringify(input.headers),
        body: input.rawBody,
        status: "processed",
        attempts: 1,
        contact_id: upserted.contact.id,
        received_at: at,
        processed_at: at,
      })
      .execute();
    const sources = isNew
      ? [lead.source]
      : (
          await trx
            .selectFrom("contact_touches")
            .select("source")
            .where("contact_id", "=", upserted.contact.id)
            .groupBy("source")
            .orderBy((eb) => eb.fn.min("at"))
            .execute()
        ).map((row) => row.source);
    const contact = toContactView(upserted.contact, upserted.identities, sources, {
      ...score,
      scored_at: at,
    });
    return { outcome: upserted.outcome, contactId: upserted.contact.id, eventId, contact };
  });
  deps.metrics.inboxEvents.labels("api", "processed").inc();
  deps.metrics.contactsWritten.labels(result.outcome).inc();
  return result;
}
