import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import { ingestLead } from "../capture/ingest-lead.ts";
import { LeadInputSchema } from "../contacts/schemas.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { decidedBy, linkSenderMessages } from "./hold-unknown-sender.ts";
import { toTriageSenderView } from "./list-triage.ts";
import type { ConversationTables, TriageSenderView } from "./schemas.ts";

interface DecideInput {
  workspaceId: string;
  senderId: string;
  actor: Actor;
}

async function loadSender(deps: Deps, input: DecideInput) {
  const row = await deps.db
    .withTables<ConversationTables>()
    .selectFrom("triage_senders")
    .selectAll()
    .where("id", "=", input.senderId)
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound("Triage sender");
  return row;
}

/**
 * Accept → lead: the sender's latest lead fields (with a remembered opt-out) go through the API door
 * with an idempotency key of the sender, so accepting twice creates one person; the sender's messages
 * move to that contact; audited. A declined sender can be accepted later (undo).
 */
export async function acceptTriageSender(
  deps: Deps,
  input: DecideInput,
): Promise<{ sender: TriageSenderView; contactId: string }> {
  const row = await loadSender(deps, input);
  if (row.status === "accepted" && row.contact_id) {
    return { sender: toTriageSenderView(row), contactId: row.contact_id };
  }
  const fields: Record<string, unknown> = { ...row.lead };
  // The latest message may come without the profile name an earlier one had.
  if (fields.name === undefined && row.name) fields.name = row.name;
  const custom = (typeof fields.custom === "object" && fields.custom !== null ? fields.custom : {}) as Record<
    string,
    unknown
  >;
  if (row.opted_out_at && custom.optOut === undefined) {
    fields.custom = { ...custom, optOut: { channel: row.channel, at: row.opted_out_at.toISOString() } };
  }
  const lead = LeadInputSchema.parse(fields);
  const ingested = await ingestLead(deps, {
    workspaceId: input.workspaceId,
    lead,
    rawBody: Buffer.from(JSON.stringify(lead)),
    headers: {},
    contentType: "application/json",
    idempotencyKey: `triage:${row.id}`,
    actor: input.actor,
  });
  const now = deps.clock.now();
  const updated = await withTransaction(deps.db, async (base) => {
    const trx = base.withTables<ConversationTables>();
    const changed = await trx
      .updateTable("triage_senders")
      .set({ ...decidedBy(input.actor, now), status: "accepted", contact_id: ingested.contactId })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await linkSenderMessages(trx, row.id, ingested.contactId);
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "triage_sender",
      entityId: row.id,
      action: "accept",
      actor: input.actor,
      before: { status: row.status },
      after: { status: "accepted", contactId: ingested.contactId },
      at: now,
    });
    return changed;
  });
  return { sender: toTriageSenderView(updated), contactId: ingested.contactId };
}

/** Decline → ignored: the sender stays out of the leads (its later messages stay with it); audited. */
export async function declineTriageSender(
  deps: Deps,
  input: DecideInput,
): Promise<{ sender: TriageSenderView }> {
  const row = await loadSender(deps, input);
  if (row.status === "declined") return { sender: toTriageSenderView(row) };
  if (row.status === "accepted") {
    throw new AppError("conflict", "This sender is already a lead; delete the lead instead");
  }
  const now = deps.clock.now();
  const updated = await withTransaction(deps.db, async (base) => {
    const trx = base.withTables<ConversationTables>();
    const changed = await trx
      .updateTable("triage_senders")
      .set({ ...decidedBy(input.actor, now), status: "declined" })
      .where("id", "=", row.id)
      .where("status", "=", "pending")
      .returningAll()
      .executeTakeFirst();
    if (!changed) throw new AppError("conflict", "This sender was decided meanwhile; reload");
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "triage_sender",
      entityId: row.id,
      action: "decline",
      actor: input.actor,
      before: { status: row.status },
      after: { status: "declined" },
      at: now,
    });
    return changed;
  });
  return { sender: toTriageSenderView(updated) };
}

export interface DecisionResult {
  id: string;
  ok: boolean;
  contactId?: string;
  error?: string;
}

/** Many senders at once, one by one: each result says what happened to it. */
export async function decideTriage(
  deps: Deps,
  input: { workspaceId: string; ids: string[]; decision: "accept" | "decline"; actor: Actor },
): Promise<{ results: DecisionResult[] }> {
  const results: DecisionResult[] = [];
  for (const id of [...new Set(input.ids)]) {
    const one = { workspaceId: input.workspaceId, senderId: id, actor: input.actor };
    try {
      if (input.decision === "accept") {
        const { contactId } = await acceptTriageSender(deps, one);
        results.push({ id, ok: true, contactId });
      } else {
        await declineTriageSender(deps, one);
        results.push({ id, ok: true });
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results.push({ id, ok: false, error: error.message });
    }
  }
  return { results };
}
