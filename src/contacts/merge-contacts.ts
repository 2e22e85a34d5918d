import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { SCORE_CONTACT_JOB } from "../scoring/schemas.ts";
import {
  earliest,
  latest,
  lockContact,
  mergeStateColumns,
  snapshot,
  toMergeState,
} from "./internal/contact-store.ts";
import { mergeFields } from "./internal/merge-fields.ts";

/**
 * Folds `sourceId` into `targetId`: identities and touches move over, empty fields are filled,
 * conflicts kept as secondary; the source is hidden with a pointer to the target. Undoable.
 */
export async function mergeContacts(
  deps: Deps,
  input: { workspaceId: string; targetId: string; sourceId: string; actor: Actor },
): Promise<{ mergeId: string }> {
  if (input.targetId === input.sourceId) {
    throw new AppError("unprocessable", "A lead cannot be merged into itself", [
      { field: "sourceId", message: "same as the target" },
    ]);
  }
  const at = deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    // Lock in id order so two opposite merges cannot deadlock.
    const locked = [];
    for (const id of [input.targetId, input.sourceId].sort()) {
      const row = await lockContact(trx, input.workspaceId, id);
      if (row) locked.push(row);
    }
    const target = locked.find((row) => row.id === input.targetId);
    const source = locked.find((row) => row.id === input.sourceId);
    if (!target || target.deleted_at) throw notFound("Lead");
    if (!source || source.deleted_at) throw notFound("Lead to merge");

    const merged = mergeFields(toMergeState(target), {
      fields: {
        ...(source.name ? { name: source.name } : {}),
        ...(source.email ? { email: source.email } : {}),
        ...(source.phone ? { phone: source.phone } : {}),
        ...(source.instagram ? { instagram: source.instagram } : {}),
        ...(source.city ? { city: source.city } : {}),
        ...(source.interest ? { interest: source.interest } : {}),
        ...(source.income !== null ? { income: source.income } : {}),
      },
      custom: source.custom,
      invalid: source.invalid,
      tags: source.tags,
    });
    for (const [key, values] of Object.entries(source.secondary)) {
      const list = merged.secondary[key] ?? [];
      for (const value of values) if (!list.includes(value)) list.push(value);
      merged.secondary[key] = list;
    }
    const movedIdentities = await trx
      .updateTable("contact_identities")
      .set({ contact_id: target.id })
      .where("contact_id", "=", source.id)
      .returning(["kind", "value"])
      .execute();
    const movedTouches = await trx
      .updateTable("contact_touches")
      .set({ contact_id: target.id })
      .where("contact_id", "=", source.id)
      .returning("id")
      .execute();
    const updated = await trx
      .updateTable("contacts")
      .set({
        ...mergeStateColumns(merged),
        owner_id: target.owner_id ?? source.owner_id,
        first_source:
          target.first_touch_at <= source.first_touch_at ? target.first_source : source.first_source,
        first_touch_at: earliest(target.first_touch_at, source.first_touch_at),
        last_touch_at: latest(target.last_touch_at, source.last_touch_at),
        updated_at: at,
      })
      .where("id", "=", target.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable("contacts")
      .set({ deleted_at: at, merged_into: target.id, updated_at: at })
      .where("id", "=", source.id)
      .execute();
    const merge = await trx
      .insertInto("contact_merges")
      .values({
        workspace_id: input.workspaceId,
        target_id: target.id,
        source_id: source.id,
        touch_id: null,
        target_before: JSON.stringify(snapshot(target)),
        target_after: JSON.stringify(snapshot(updated)),
        moved_identities: JSON.stringify(movedIdentities),
        moved_touch_ids: movedTouches.map((touch) => touch.id),
        actor: JSON.stringify(input.actor),
        at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, [
      {
        workspaceId: input.workspaceId,
        entityType: "contact",
        entityId: target.id,
        action: "merge",
        actor: input.actor,
        before: snapshot(target),
        after: { ...snapshot(updated), mergedFrom: source.id, mergeId: merge.id },
        at,
      },
      {
        workspaceId: input.workspaceId,
        entityType: "contact",
        entityId: source.id,
        action: "merged_into",
        actor: input.actor,
        before: snapshot(source),
        after: { mergedInto: target.id, mergeId: merge.id },
        at,
      },
    ]);
    await enqueue(trx, SCORE_CONTACT_JOB, { contactId: target.id }, `score:${target.id}`);
    return { mergeId: merge.id };
  });
}
