import { sql } from "kysely";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { type ConversationDb, recordConversationFactsIn } from "./record-conversation-facts.ts";
import type { ConversationFact, ConversationTables, Party, TriageChannel } from "./schemas.ts";

export interface HoldUnknownSenderInput {
  workspaceId: string;
  connectionId: string | null;
  eventId: string;
  channel: TriageChannel;
  party: Party;
  name: string | null;
  /** The lead fields decoded from the message: what accepting the sender creates. */
  lead: Record<string, unknown>;
  facts: ConversationFact[];
  at: Date;
}

/** Message count, first/last message and the last text, from the sender's stored messages. */
async function refreshSenderSummary(db: ConversationDb, senderId: string) {
  await db
    .updateTable("triage_senders")
    .set({
      message_count: sql<number>`(select count(*)::int from interactions i
        where i.triage_sender_id = triage_senders.id and i.direction = 'inbound')`,
      first_message_at: sql<Date>`coalesce((select min(i.occurred_at) from interactions i
        where i.triage_sender_id = triage_senders.id), triage_senders.first_message_at)`,
      last_message_at: sql<Date>`coalesce((select max(i.occurred_at) from interactions i
        where i.triage_sender_id = triage_senders.id), triage_senders.last_message_at)`,
      last_text: sql<string | null>`(select i.body from interactions i
        where i.triage_sender_id = triage_senders.id and i.direction = 'inbound'
        order by i.occurred_at desc, i.created_at desc limit 1)`,
      updated_at: sql<Date>`now()`,
    })
    .where("id", "=", senderId)
    .execute();
}

/**
 * A message from someone no contact matches waits in the triage inbox: the sender is kept once per
 * channel and key (phone or IGSID) with the latest lead fields, the messages are stored against the
 * sender, and an opt-out ("PARAR") is remembered for when the sender is accepted. Safe to run twice.
 */
export async function holdUnknownSender(deps: Deps, input: HoldUnknownSenderInput): Promise<string> {
  const optOut = input.facts.find((fact) => fact.kind === "message" && fact.isOptOut);
  const optedOutAt = optOut ? new Date(optOut.at) : null;
  return withTransaction(deps.db, async (base) => {
    const trx = base.withTables<ConversationTables>();
    const sender = await trx
      .insertInto("triage_senders")
      .values({
        workspace_id: input.workspaceId,
        connection_id: input.connectionId,
        channel: input.channel,
        sender_key: input.party.value,
        name: input.name,
        lead: JSON.stringify(input.lead),
        first_message_at: input.at,
        last_message_at: input.at,
        opted_out_at: optedOutAt,
      })
      .onConflict((oc) =>
        oc.columns(["workspace_id", "channel", "sender_key"]).doUpdateSet((eb) => ({
          name: eb.fn.coalesce("excluded.name", "triage_senders.name"),
          // The newest message's fields win (messages may be processed out of order).
          lead: sql`case when excluded.last_message_at >= triage_senders.last_message_at
            then excluded.lead else triage_senders.lead end`,
          connection_id: eb.fn.coalesce("triage_senders.connection_id", "excluded.connection_id"),
          opted_out_at: eb.fn.coalesce("triage_senders.opted_out_at", "excluded.opted_out_at"),
        })),
      )
      .returning(["id"])
      .executeTakeFirstOrThrow();
    await recordConversationFactsIn(trx, {
      workspaceId: input.workspaceId,
      connectionId: input.connectionId,
      eventId: input.eventId,
      contactId: null,
      triageSenderId: sender.id,
      facts: input.facts,
    });
    await refreshSenderSummary(trx, sender.id);
    return sender.id;
  });
}

/**
 * Someone in triage became known another way (a form, an import, a purchase with the same phone): a
 * pending sender of that key is accepted for the contact, by the system, and its messages move there.
 */
export async function settleKnownSender(
  deps: Deps,
  input: { workspaceId: string; channel: TriageChannel; party: Party; contactId: string },
): Promise<void> {
  await withTransaction(deps.db, async (base) => {
    const trx = base.withTables<ConversationTables>();
    const now = deps.clock.now();
    const actor: Actor = { type: "system", id: null, label: "matched contact" };
    const settled = await trx
      .updateTable("triage_senders")
      .set({ ...decidedBy(actor, now), status: "accepted", contact_id: input.contactId })
      .where("workspace_id", "=", input.workspaceId)
      .where("channel", "=", input.channel)
      .where("sender_key", "=", input.party.value)
      .where("status", "=", "pending")
      .returning(["id"])
      .executeTakeFirst();
    if (!settled) return;
    await linkSenderMessages(trx, settled.id, input.contactId);
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "triage_sender",
      entityId: settled.id,
      action: "accept",
      actor,
      before: { status: "pending" },
      after: { status: "accepted", contactId: input.contactId },
      at: now,
    });
  });
}

/** Who decided about a sender, and when (the columns of a decision). */
export function decidedBy(actor: Actor, at: Date) {
  return {
    decided_at: at,
    decided_by_type: actor.type,
    decided_by_id: actor.id,
    decided_by_label: actor.label,
    updated_at: at,
  };
}

/** A sender's messages shown on the contact it became. */
export async function linkSenderMessages(db: ConversationDb, senderId: string, contactId: string) {
  await db
    .updateTable("interactions")
    .set({ contact_id: contactId, updated_at: sql<Date>`now()` })
    .where("triage_sender_id", "=", senderId)
    .where("contact_id", "is", null)
    .execute();
}
