import type { Transaction } from "kysely";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import { executeAsOneStatement } from "../platform/db/one-statement.ts";
import type { ContactRow, DB } from "../platform/db/schema.ts";
import {
  addIdentities,
  earliest,
  findIdentityOwners,
  latest,
  lockContact,
  mergeStateColumns,
  snapshot,
  toMergeState,
  touchRow,
} from "./internal/contact-store.ts";
import { mergeFields } from "./internal/merge-fields.ts";
import type { IdentityKind, NormalizedLead } from "./normalize-lead.ts";
import { newContactInserts, planNewContact } from "./plan-new-contact.ts";

export interface UpsertContactInput {
  workspaceId: string;
  lead: NormalizedLead;
  actor: Actor;
  at: Date;
  /** The inbox event this lead came from, if any: a touch is recorded once per event. */
  eventId: string | null;
  /** The event is being processed for the first time (no touch can exist for it yet). */
  isFirstDelivery?: boolean;
}

export interface UpsertContactResult {
  outcome: "created" | "merged";
  contact: ContactRow;
  /** Every identity key of the contact after the upsert. */
  identities: { kind: string; value: string }[];
}

const MATCH_PRIORITY: IdentityKind[] = ["email", "phone", "instagram", "instagram_id"];

/** Raised when a concurrent writer claimed an identity first: retry the transaction. */
export class IdentityRaceError extends Error {
  readonly isRetryable = true;
  constructor() {
    super("identity claimed concurrently");
  }
}

/**
 * One person per workspace: same e-mail, phone or Instagram handle → the existing contact, merged;
 * otherwise a new contact. Records the source touch, a reversible merge entry and the audit trail.
 * Runs inside the caller's transaction.
 */
export async function upsertContact(
  trx: Transaction<DB>,
  input: UpsertContactInput,
): Promise<UpsertContactResult> {
  const { workspaceId, lead, at } = input;
  const owners = await findIdentityOwners(trx, workspaceId, lead.identities);
  const targetId = MATCH_PRIORITY.map((kind) => owners.find((owner) => owner.kind === kind)?.contact_id).find(
    Boolean,
  );
  if (!targetId) return createContact(trx, input);

  const current = await lockContact(trx, workspaceId, targetId);
  if (!current) throw new IdentityRaceError();
  const before = snapshot(current);
  const merged = mergeFields(toMergeState(current), {
    fields: lead.fields,
    custom: lead.custom,
    invalid: lead.invalid,
  });
  const mine = new Set(owners.filter((o) => o.contact_id === targetId).map((o) => `${o.kind}:${o.value}`));
  const claimedElsewhere = new Set(owners.map((o) => `${o.kind}:${o.value}`));
  const newIdentities = lead.identities.filter(
    (i) => !mine.has(`${i.kind}:${i.value}`) && !claimedElsewhere.has(`${i.kind}:${i.value}`),
  );
  const added = await addIdentities(trx, workspaceId, targetId, newIdentities);

  const isRevived = current.deleted_at !== null;
  const updated = await trx
    .updateTable("contacts")
    .set({
      ...mergeStateColumns(merged),
      last_source: lead.source,
      last_touch_at: latest(at, current.last_touch_at),
      first_touch_at: earliest(at, current.first_touch_at),
      updated_at: at,
      deleted_at: null,
    })
    .where("id", "=", targetId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = snapshot(updated);

  const touchId = await recordTouch(trx, {
    workspaceId,
    contactId: targetId,
    lead,
    at,
    eventId: input.eventId,
    isFirstDelivery: input.isFirstDelivery ?? false,
  });
  if (touchId) {
    await trx
      .insertInto("contact_merges")
      .values({
        workspace_id: workspaceId,
        target_id: targetId,
        source_id: null,
        touch_id: touchId,
        target_before: JSON.stringify(before),
        target_after: JSON.stringify(after),
        moved_identities: JSON.stringify(added),
        actor: JSON.stringify(input.actor),
        at,
      })
      .execute();
  }
  await recordAudit(trx, [
    ...(isRevived
      ? [
          {
            workspaceId,
            entityType: "contact",
            entityId: targetId,
            action: "restore",
            actor: input.actor,
            before: { deletedAt: current.deleted_at?.toISOString() ?? null },
            after: { deletedAt: null, reason: "new touch" },
            at,
          },
        ]
      : []),
    {
      workspaceId,
      entityType: "contact",
      entityId: targetId,
      action: "merge",
      actor: input.actor,
      before,
      after: { ...after, source: lead.source, addedIdentities: added },
      at,
    },
  ]);
  const identities = await trx
    .selectFrom("contact_identities")
    .select(["kind", "value"])
    .where("contact_id", "=", targetId)
    .orderBy("created_at")
    .execute();
  return { outcome: "merged", contact: updated, identities };
}

async function createContact(trx: Transaction<DB>, input: UpsertContactInput): Promise<UpsertContactResult> {
  const plan = planNewContact(input);
  try {
    await executeAsOneStatement(trx, newContactInserts(trx, [plan]));
  } catch (error) {
    if ((error as { code?: unknown }).code === "23505") throw new IdentityRaceError();
    throw error;
  }
  return { outcome: "created", contact: plan.contact, identities: plan.identities };
}

async function recordTouch(
  trx: Transaction<DB>,
  input: {
    workspaceId: string;
    contactId: string;
    lead: NormalizedLead;
    at: Date;
    eventId: string | null;
    isFirstDelivery: boolean;
  },
): Promise<string | null> {
  if (input.eventId && !input.isFirstDelivery) {
    const seen = await trx
      .selectFrom("contact_touches")
      .select("id")
      .where("event_id", "=", input.eventId)
      .where("contact_id", "=", input.contactId)
      .executeTakeFirst();
    if (seen) return null;
  }
  const row = await trx
    .insertInto("contact_touches")
    .values(touchRow(input))
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
