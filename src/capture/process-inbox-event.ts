import { normalizeLead } from "../contacts/normalize-lead.ts";
import { LeadInputSchema } from "../contacts/schemas.ts";
import { upsertContact } from "../contacts/upsert-contact.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { AppError } from "../platform/http/errors.ts";
import { scoreContact } from "../scoring/score-contact.ts";
import { decoderFor } from "./sources.ts";

export type ProcessOutcome =
  | { outcome: "processed"; contactId: string }
  | { outcome: "skipped" }
  | { outcome: "failed"; error: string; isPermanent: boolean };

/** A description of what went wrong that is safe to store and show: never the values themselves. */
function describe(error: unknown): { message: string; isPermanent: boolean } {
  if (error instanceof AppError) {
    const fields = error.errors?.map((item) => `${item.field}: ${item.message}`).join("; ");
    return { message: fields ? `${error.message} (${fields})` : error.message, isPermanent: true };
  }
  if (error instanceof SyntaxError) return { message: "the body is not valid JSON", isPermanent: true };
  if (error && typeof error === "object" && "issues" in error && Array.isArray(error.issues)) {
    const issues = (error.issues as { path: PropertyKey[]; message: string }[])
      .slice(0, 5)
      .map((issue) => `${issue.path.map(String).join(".") || "body"}: ${issue.message}`)
      .join("; ");
    return { message: `the payload does not match the expected shape (${issues})`, isPermanent: true };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: message.slice(0, 500), isPermanent: false };
}

/**
 * Turns one stored raw event into a person: decode by source, normalise, upsert, score, mark processed.
 * Safe to run twice: a processed event is skipped unless `force` (replay), and a touch is recorded
 * once per event. Failures are stored on the event (error, attempts) and stay listed for replay.
 */
export async function processInboxEvent(
  deps: Deps,
  input: { eventId: string; force?: boolean },
): Promise<ProcessOutcome> {
  const event = await deps.db
    .selectFrom("inbox_events")
    .select(["id", "workspace_id", "source", "body", "status", "connection_id", "received_at"])
    .where("id", "=", input.eventId)
    .executeTakeFirst();
  if (!event || (event.status === "processed" && !input.force)) return { outcome: "skipped" };
  const at = deps.clock.now();
  try {
    const decoder = decoderFor(event.source);
    if (!decoder) throw new AppError("unprocessable", `no decoder for source ${event.source}`);
    const body: unknown = JSON.parse(Buffer.from(event.body).toString("utf8"));
    const lead = normalizeLead(LeadInputSchema.parse(decoder.decode(body)), {
      defaultCountry: deps.config.contacts.defaultCountry,
      defaultSource: decoder.defaultSource,
    });
    const contactId = await withTransaction(deps.db, async (trx) => {
      const upserted = await upsertContact(trx, {
        workspaceId: event.workspace_id,
        lead,
        actor: { type: "integration", id: event.connection_id, label: event.source },
        at: event.received_at,
        eventId: event.id,
        isFirstDelivery: event.status === "received",
      });
      await scoreContact(trx, { contact: upserted.contact, at, isNew: upserted.outcome === "created" });
      await trx
        .updateTable("inbox_events")
        .set((eb) => ({
          status: "processed",
          attempts: eb("attempts", "+", 1),
          error: null,
          contact_id: upserted.contact.id,
          processed_at: at,
        }))
        .where("id", "=", event.id)
        .execute();
      return upserted.contact.id;
    });
    deps.metrics.inboxEvents.labels(event.source, "processed").inc();
    return { outcome: "processed", contactId };
  } catch (error) {
    const { message, isPermanent } = describe(error);
    await deps.db
      .updateTable("inbox_events")
      .set((eb) => ({ status: "failed", attempts: eb("attempts", "+", 1), error: message, processed_at: at }))
      .where("id", "=", event.id)
      .execute();
    deps.metrics.inboxEvents.labels(event.source, "failed").inc();
    deps.log.warn({ eventId: event.id, source: event.source, isPermanent }, "inbox event failed");
    return { outcome: "failed", error: message, isPermanent };
  }
}
