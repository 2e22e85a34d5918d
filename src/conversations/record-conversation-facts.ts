import { type Kysely, sql, type Transaction } from "kysely";
import { reconcileDispatchStatuses } from "../automation/reconcile-dispatch-statuses.ts";
import type { Deps } from "../deps.ts";
import type { DB } from "../platform/db/schema.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { findPartyContacts, partyKey } from "./find-party-contacts.ts";
import type {
  ConversationFact,
  ConversationTables,
  LabelFact,
  MessageFact,
  Party,
  StatusFact,
} from "./schemas.ts";

export type ConversationDb = Kysely<DB & ConversationTables> | Transaction<DB & ConversationTables>;

export interface RecordConversationInput {
  workspaceId: string;
  connectionId: string | null;
  eventId: string;
  /** The person the event resolved to; null for deliveries that name nobody (statuses, echoes). */
  contactId: string | null;
  /** The triage sender the messages belong to while nobody has accepted them. */
  triageSenderId?: string | null;
  facts: ConversationFact[];
}

async function recordMessages(
  db: ConversationDb,
  input: RecordConversationInput,
  messages: MessageFact[],
  resolve: (party: Party | null) => string | null,
) {
  if (messages.length === 0) return;
  await db
    .insertInto("interactions")
    .values(
      messages.map((message) => ({
        workspace_id: input.workspaceId,
        contact_id: input.contactId ?? resolve(message.party),
        triage_sender_id: input.triageSenderId ?? null,
        connection_id: input.connectionId,
        channel: message.channel,
        direction: message.direction,
        external_key: message.externalKey,
        kind: message.messageType,
        body: message.text,
        recipient: message.direction === "outbound" ? (message.party?.value ?? null) : null,
        occurred_at: message.at,
        inbox_event_id: input.eventId,
      })),
    )
    // A repeat (or the same WhatsApp message through Chatwoot) fills in what the first one lacked.
    .onConflict((oc) =>
      oc
        .columns(["workspace_id", "external_key"])
        .where("external_key", "is not", null)
        .doUpdateSet((eb) => ({
          contact_id: eb.fn.coalesce("interactions.contact_id", "excluded.contact_id"),
          triage_sender_id: eb.fn.coalesce("interactions.triage_sender_id", "excluded.triage_sender_id"),
          kind: eb.fn.coalesce("interactions.kind", "excluded.kind"),
          body: eb.fn.coalesce("interactions.body", "excluded.body"),
        })),
    )
    .execute();
}

/** sent < delivered < read; failed is final. */
const RANK = sql`array_position(array['sent', 'delivered', 'read', 'failed']::text[], excluded.status)`;
const CURRENT_RANK = sql`coalesce(array_position(array['sent', 'delivered', 'read', 'failed']::text[], interactions.status), 0)`;

/**
 * Delivery statuses of our outgoing messages. A status may arrive before the message is recorded (the
 * send's response and the webhook race) or out of order: the row is created if needed, the furthest
 * status wins, and each status keeps its own time.
 */
async function recordStatuses(
  db: ConversationDb,
  input: RecordConversationInput,
  statuses: StatusFact[],
  resolve: (party: Party | null) => string | null,
) {
  for (const status of statuses) {
    const at = new Date(status.at);
    await db
      .insertInto("interactions")
      .values({
        workspace_id: input.workspaceId,
        contact_id: input.contactId ?? resolve(status.party),
        connection_id: input.connectionId,
        channel: status.channel,
        direction: "outbound",
        external_key: status.externalKey,
        status: status.status,
        status_at: at,
        sent_at: status.status === "sent" ? at : null,
        delivered_at: status.status === "delivered" ? at : null,
        read_at: status.status === "read" ? at : null,
        failed_at: status.status === "failed" ? at : null,
        error: status.error,
        recipient: status.party?.value ?? null,
        occurred_at: at,
        inbox_event_id: input.eventId,
      })
      .onConflict((oc) =>
        oc
          .columns(["workspace_id", "external_key"])
          .where("external_key", "is not", null)
          .doUpdateSet((eb) => {
            const wins = sql<boolean>`${RANK} > ${CURRENT_RANK}`;
            return {
              contact_id: eb.fn.coalesce("interactions.contact_id", "excluded.contact_id"),
              status: sql`case when ${wins} then excluded.status else interactions.status end`,
              status_at: sql`case when ${wins} then excluded.status_at else interactions.status_at end`,
              sent_at: sql`least(interactions.sent_at, excluded.sent_at)`,
              delivered_at: sql`least(interactions.delivered_at, excluded.delivered_at)`,
              read_at: sql`least(interactions.read_at, excluded.read_at)`,
              failed_at: sql`least(interactions.failed_at, excluded.failed_at)`,
              error: eb.fn.coalesce("excluded.error", "interactions.error"),
              recipient: eb.fn.coalesce("interactions.recipient", "excluded.recipient"),
              updated_at: sql`now()`,
            };
          }),
      )
      .execute();
  }
}

async function recordLabels(db: ConversationDb, input: RecordConversationInput, changes: LabelFact[]) {
  const rows = changes.flatMap((change) =>
    (["added", "removed"] as const).flatMap((action) =>
      change[action].map((label) => ({
        workspace_id: input.workspaceId,
        connection_id: input.connectionId,
        contact_id: input.contactId,
        conversation_id: change.conversationId,
        label,
        action,
        at: change.at,
        inbox_event_id: input.eventId,
      })),
    ),
  );
  if (rows.length === 0) return;
  await db
    .insertInto("tag_events")
    .values(rows)
    .onConflict((oc) => oc.columns(["inbox_event_id", "label", "action"]).doNothing())
    .execute();
}

/**
 * Records what an event says about conversations: messages (once per channel id), delivery statuses
 * of our messages, and label changes as tag events. Safe to run twice (replays): every write is keyed.
 */
export async function recordConversationFactsIn(db: ConversationDb, input: RecordConversationInput) {
  const messages = input.facts.filter((fact): fact is MessageFact => fact.kind === "message");
  const statuses = input.facts.filter((fact): fact is StatusFact => fact.kind === "status");
  const labels = input.facts.filter((fact): fact is LabelFact => fact.kind === "labels");
  const parties =
    input.contactId === null
      ? [...messages, ...statuses].flatMap((fact) => (fact.party ? [fact.party] : []))
      : [];
  const owners = await findPartyContacts(
    db,
    parties.map((party) => ({ workspaceId: input.workspaceId, party })),
  );
  const resolve = (party: Party | null) =>
    party ? (owners.get(partyKey(input.workspaceId, party)) ?? null) : null;
  await recordMessages(db, input, messages, resolve);
  await recordStatuses(db, input, statuses, resolve);
  await reconcileDispatchStatuses(db, {
    workspaceId: input.workspaceId,
    statuses: statuses.flatMap((status) =>
      status.callbackData && status.externalKey.startsWith("wa:")
        ? [
            {
              callbackData: status.callbackData,
              providerMessageId: status.externalKey.slice(3),
              status: status.status,
              at: new Date(status.at),
            },
          ]
        : [],
    ),
  });
  await recordLabels(db, input, labels);
}

export async function recordConversationFacts(deps: Deps, input: RecordConversationInput): Promise<void> {
  if (input.facts.length === 0) return;
  await withTransaction(deps.db, (trx) =>
    recordConversationFactsIn(trx.withTables<ConversationTables>(), input),
  );
}
