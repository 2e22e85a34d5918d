import { type NormalizedLead, normalizeLead } from "../contacts/normalize-lead.ts";
import { LeadInputSchema } from "../contacts/schemas.ts";
import { findPartyContacts, partyKey } from "../conversations/find-party-contacts.ts";
import { holdUnknownSender, settleKnownSender } from "../conversations/hold-unknown-sender.ts";
import { recordConversationFacts } from "../conversations/record-conversation-facts.ts";
import type { ConversationFact, Party, TriageChannel } from "../conversations/schemas.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import { recordFacts } from "../students/record-facts.ts";
import type { SourceFacts } from "../students/schemas.ts";
import { openConnectionConfig } from "./connection-config.ts";
import { type IngestItem, ingestLeads } from "./ingest-leads.ts";
import { sourceFor } from "./sources.ts";

export type ProcessOutcome =
  | { outcome: "processed"; contactId: string | null }
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
 * Turns stored raw events into people: decode by source, normalise, then the shared spine
 * (ingestLeads) for the whole batch. Safe to run twice: processed events are skipped unless `force`
 * (replay), and a touch is recorded once per event. Failures are stored on the event (error,
 * attempts) and stay listed for replay; only transient ones are reported back for a retry.
 */
export async function processInboxEvents(
  deps: Deps,
  input: { eventIds: string[]; force?: boolean },
): Promise<Map<string, ProcessOutcome>> {
  const outcomes = new Map<string, ProcessOutcome>();
  if (input.eventIds.length === 0) return outcomes;
  const events = await deps.db
    .selectFrom("inbox_events")
    .select(["id", "workspace_id", "source", "body", "status", "connection_id", "received_at"])
    .where("id", "in", input.eventIds)
    .execute();
  const now = deps.clock.now();
  const items: IngestItem[] = [];
  const factsByEvent = new Map<string, SourceFacts>();
  const connectionIds = [
    ...new Set(events.flatMap((event) => (event.connection_id ? [event.connection_id] : []))),
  ];
  const configs = new Map(
    connectionIds.length === 0
      ? []
      : (
          await deps.db
            .selectFrom("connections")
            .select(["id", "config"])
            .where("id", "in", connectionIds)
            .execute()
        ).map((row) => [row.id, openConnectionConfig(deps, row.config)]),
  );

  const fail = async (eventId: string, source: string, error: unknown) => {
    const { message, isPermanent } = describe(error);
    await deps.db
      .updateTable("inbox_events")
      .set((eb) => ({
        status: "failed",
        attempts: eb("attempts", "+", 1),
        error: message,
        processed_at: now,
      }))
      .where("id", "=", eventId)
      .execute();
    deps.metrics.inboxEvents.labels(source, "failed").inc();
    deps.log.warn({ eventId, source, isPermanent }, "inbox event failed");
    outcomes.set(eventId, { outcome: "failed", error: message, isPermanent });
  };

  const markProcessed = async (eventId: string, source: string, contactId: string | null) => {
    await deps.db
      .updateTable("inbox_events")
      .set((eb) => ({
        status: "processed",
        attempts: eb("attempts", "+", 1),
        error: null,
        processed_at: now,
        contact_id: contactId,
      }))
      .where("id", "=", eventId)
      .execute();
    deps.metrics.inboxEvents.labels(source, "processed").inc();
    outcomes.set(eventId, { outcome: "processed", contactId });
  };

  const conversationByEvent = new Map<string, ConversationFact[]>();
  /** Messages from people who may be unknown: held for triage unless someone matches. */
  const candidates: {
    item: IngestItem;
    party: Party;
    channel: TriageChannel;
    decoded: Record<string, unknown>;
  }[] = [];
  for (const event of events) {
    if (event.status === "processed" && !input.force) {
      outcomes.set(event.id, { outcome: "skipped" });
      continue;
    }
    try {
      const decoder = sourceFor(event.source);
      if (!decoder) throw new AppError("unprocessable", `no decoder for source ${event.source}`);
      const body: unknown = JSON.parse(Buffer.from(event.body).toString("utf8"));
      const config = event.connection_id ? (configs.get(event.connection_id) ?? {}) : {};
      const decoded = decoder.decode(body, config);
      const conversation = decoder.conversation?.(body, config, event.received_at.toISOString()) ?? [];
      if (decoded === null) {
        // The delivery names no person (e.g. a WhatsApp status update): processed, no contact.
        await recordConversationFacts(deps, {
          workspaceId: event.workspace_id,
          connectionId: event.connection_id,
          eventId: event.id,
          contactId: null,
          facts: conversation,
        });
        await markProcessed(event.id, event.source, null);
        continue;
      }
      const lead = normalizeLead(LeadInputSchema.parse(decoded), {
        defaultCountry: deps.config.contacts.defaultCountry,
        defaultSource: decoder.defaultSource,
      });
      const facts = decoder.facts?.(body, config) ?? null;
      if (facts) factsByEvent.set(event.id, facts);
      if (conversation.length > 0) conversationByEvent.set(event.id, conversation);
      const item: IngestItem = {
        workspaceId: event.workspace_id,
        lead,
        actor: { type: "integration", id: event.connection_id, label: event.source },
        at: event.received_at,
        eventId: event.id,
        event: { kind: "stored", isFirstDelivery: event.status === "received" },
      };
      const sender = senderOf(lead);
      if (sender && decoder.unknownSenders?.(config) === "triage" && typeof decoded === "object") {
        candidates.push({ item, ...sender, decoded: decoded as Record<string, unknown> });
      } else {
        items.push(item);
      }
    } catch (error) {
      await fail(event.id, event.source, error);
    }
  }

  const ingest = async (batch: IngestItem[]) => {
    const results = await ingestLeads(deps, batch);
    for (const [index, result] of results.entries()) {
      const item = batch[index] as IngestItem;
      const source = item.actor.label ?? "unknown";
      if (!result.ok) {
        await fail(item.eventId, source, result.error);
        continue;
      }
      const contactId = result.value.contact.id;
      const facts = factsByEvent.get(item.eventId);
      const conversation = conversationByEvent.get(item.eventId);
      try {
        if (facts)
          await recordFacts(deps, { workspaceId: item.workspaceId, contactId, eventId: item.eventId, facts });
        if (conversation) {
          await recordConversationFacts(deps, {
            workspaceId: item.workspaceId,
            connectionId: item.actor.id,
            eventId: item.eventId,
            contactId,
            facts: conversation,
          });
          const sender = senderOf(item.lead);
          if (sender) await settleKnownSender(deps, { workspaceId: item.workspaceId, ...sender, contactId });
        }
      } catch (error) {
        await fail(item.eventId, source, error);
        continue;
      }
      outcomes.set(item.eventId, { outcome: "processed", contactId });
      deps.metrics.inboxEvents.labels(source, "processed").inc();
    }
  };
  await ingest(items);

  // Then messages from maybe-unknown senders (after the rest of the batch, which may have made them
  // known): known senders become touches of their contact, the others wait in the triage inbox.
  const known = await findPartyContacts(
    deps.db,
    candidates.map(({ item, party }) => ({ workspaceId: item.workspaceId, party })),
  );
  const knownItems: IngestItem[] = [];
  for (const candidate of candidates) {
    const { item, party } = candidate;
    if (known.has(partyKey(item.workspaceId, party))) {
      knownItems.push(item);
      continue;
    }
    try {
      await holdUnknownSender(deps, {
        workspaceId: item.workspaceId,
        connectionId: item.actor.id,
        eventId: item.eventId,
        channel: candidate.channel,
        party,
        name: item.lead.fields.name ?? null,
        lead: candidate.decoded,
        facts: conversationByEvent.get(item.eventId) ?? [],
        at: item.at,
      });
      await markProcessed(item.eventId, item.actor.label ?? "unknown", null);
    } catch (error) {
      await fail(item.eventId, item.actor.label ?? "unknown", error);
    }
  }
  if (knownItems.length > 0) await ingest(knownItems);
  return outcomes;
}

/** The messaging identity of a lead from a messaging door: its IGSID (Instagram) or its phone. */
function senderOf(lead: NormalizedLead): { party: Party; channel: TriageChannel } | null {
  const igsid = lead.identities.find((identity) => identity.kind === "instagram_id");
  if (igsid) return { party: { kind: "instagram_id", value: igsid.value }, channel: "instagram" };
  const phone = lead.identities.find((identity) => identity.kind === "phone");
  if (phone && lead.source === "whatsapp") {
    return { party: { kind: "phone", value: phone.value }, channel: "whatsapp" };
  }
  return null;
}

/** One event (replay from the API or the UI). */
export async function processInboxEvent(
  deps: Deps,
  input: { eventId: string; force?: boolean },
): Promise<ProcessOutcome> {
  const outcomes = await processInboxEvents(deps, { eventIds: [input.eventId], force: input.force ?? false });
  return outcomes.get(input.eventId) ?? { outcome: "skipped" };
}
