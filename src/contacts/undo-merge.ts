import { randomUUID } from "node:crypto";
import type { Transaction } from "kysely";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import type { ContactRow, ContactUpdate, DB } from "../platform/db/schema.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { enqueueMany } from "../platform/queue/queue.ts";
import { SCORE_CONTACT_JOB } from "../scoring/schemas.ts";
import { lockContact, mergeStateColumns, snapshot } from "./internal/contact-store.ts";
import { mergeFields } from "./internal/merge-fields.ts";
import type { ContactFields } from "./normalize-lead.ts";

const SNAPSHOT_COLUMNS: Record<string, keyof ContactUpdate> = {
  name: "name",
  email: "email",
  phone: "phone",
  instagram: "instagram",
  city: "city",
  interest: "interest",
  income: "income",
  custom: "custom",
  secondary: "secondary",
  invalid: "invalid",
  tags: "tags",
  ownerId: "owner_id",
};

const JSON_COLUMNS = new Set(["custom", "secondary", "invalid"]);

/** Puts back the target's fields the merge changed, unless someone changed them since. */
function restoredFields(
  current: ContactRow,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
) {
  const now = snapshot(current);
  const set: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(SNAPSHOT_COLUMNS)) {
    const changedByMerge = JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null);
    const untouchedSince = JSON.stringify(now[key] ?? null) === JSON.stringify(after[key] ?? null);
    if (changedByMerge && untouchedSince) {
      set[column] = JSON_COLUMNS.has(column) ? JSON.stringify(before[key] ?? {}) : (before[key] ?? null);
    }
  }
  return set as ContactUpdate;
}

/**
 * Undoes a merge. A manual merge brings the merged-away contact back with its identities and touches;
 * a merge made by an arriving lead splits that lead out into a contact of its own.
 */
export async function undoMerge(
  deps: Deps,
  input: { workspaceId: string; mergeId: string; actor: Actor },
): Promise<{ targetId: string; restoredId: string }> {
  const at = deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const merge = await trx
      .selectFrom("contact_merges")
      .selectAll()
      .where("id", "=", input.mergeId)
      .where("workspace_id", "=", input.workspaceId)
      .forUpdate()
      .executeTakeFirst();
    if (!merge) throw notFound("Merge");
    if (merge.undone_at) throw new AppError("conflict", "This merge was already undone");
    const target = await lockContact(trx, input.workspaceId, merge.target_id);
    if (!target) throw notFound("Lead");

    const restoredId = merge.source_id
      ? await bringBackSource(
          trx,
          target.id,
          merge.source_id,
          merge.moved_identities,
          merge.moved_touch_ids,
          at,
        )
      : await splitOutTouch(trx, input.workspaceId, merge.touch_id, merge.moved_identities, at);

    const updated = await trx
      .updateTable("contacts")
      .set({ ...restoredFields(target, merge.target_before, merge.target_after), updated_at: at })
      .where("id", "=", target.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.updateTable("contact_merges").set({ undone_at: at }).where("id", "=", merge.id).execute();
    await recordAudit(trx, [
      {
        workspaceId: input.workspaceId,
        entityType: "contact",
        entityId: target.id,
        action: "unmerge",
        actor: input.actor,
        before: snapshot(target),
        after: { ...snapshot(updated), mergeId: merge.id, restoredId },
        at,
      },
      {
        workspaceId: input.workspaceId,
        entityType: "contact",
        entityId: restoredId,
        action: merge.source_id ? "restore" : "create",
        actor: input.actor,
        before: null,
        after: { unmergedFrom: target.id, mergeId: merge.id },
        at,
      },
    ]);
    await enqueueMany(
      trx,
      [target.id, restoredId].map((contactId) => ({
        queue: SCORE_CONTACT_JOB,
        payload: { contactId },
        singletonKey: `score:${contactId}`,
      })),
    );
    return { targetId: target.id, restoredId };
  });
}

async function moveIdentities(
  trx: Transaction<DB>,
  toContactId: string,
  fromContactId: string,
  identities: { kind: string; value: string }[],
) {
  for (const identity of identities) {
    await trx
      .updateTable("contact_identities")
      .set({ contact_id: toContactId })
      .where("contact_id", "=", fromContactId)
      .where("kind", "=", identity.kind as "email" | "phone" | "instagram" | "instagram_id")
      .where("value", "=", identity.value)
      .execute();
  }
}

async function bringBackSource(
  trx: Transaction<DB>,
  targetId: string,
  sourceId: string,
  identities: { kind: string; value: string }[],
  touchIds: string[],
  at: Date,
): Promise<string> {
  const source = await trx
    .updateTable("contacts")
    .set({ deleted_at: null, merged_into: null, updated_at: at })
    .where("id", "=", sourceId)
    .returning("id")
    .executeTakeFirst();
  if (!source) throw notFound("Merged lead");
  await moveIdentities(trx, sourceId, targetId, identities);
  if (touchIds.length > 0) {
    await trx
      .updateTable("contact_touches")
      .set({ contact_id: sourceId })
      .where("id", "in", touchIds)
      .execute();
  }
  return sourceId;
}

async function splitOutTouch(
  trx: Transaction<DB>,
  workspaceId: string,
  touchId: string | null,
  identities: { kind: string; value: string }[],
  at: Date,
): Promise<string> {
  const touch = touchId
    ? await trx.selectFrom("contact_touches").selectAll().where("id", "=", touchId).executeTakeFirst()
    : undefined;
  if (!touch) throw new AppError("conflict", "The touch of this merge no longer exists");
  const carried = touch.fields as ContactFields & {
    custom?: Record<string, unknown>;
    invalid?: Record<string, string>;
  };
  const { custom = {}, invalid = {}, ...fields } = carried;
  const state = mergeFields(
    { fields: {}, custom: {}, secondary: {}, invalid: {}, tags: [] },
    { fields, custom, invalid },
  );
  const id = randomUUID();
  await trx
    .insertInto("contacts")
    .values({
      id,
      workspace_id: workspaceId,
      ...mergeStateColumns(state),
      first_source: touch.source,
      last_source: touch.source,
      first_touch_at: touch.at,
      last_touch_at: touch.at,
      created_at: at,
      updated_at: at,
    })
    .execute();
  await moveIdentities(trx, id, touch.contact_id, identities);
  await trx.updateTable("contact_touches").set({ contact_id: id }).where("id", "=", touch.id).execute();
  return id;
}
