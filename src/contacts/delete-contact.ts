import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { notFound } from "../platform/http/errors.ts";

/** Soft delete: hidden everywhere, identities kept so a restore brings the person back whole. */
export async function deleteContact(
  deps: Deps,
  input: { workspaceId: string; contactId: string; actor: Actor },
) {
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable("contacts")
      .set({ deleted_at: at, updated_at: at })
      .where("id", "=", input.contactId)
      .where("workspace_id", "=", input.workspaceId)
      .where("deleted_at", "is", null)
      .returning("id")
      .executeTakeFirst();
    if (!row) throw notFound("Lead");
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "contact",
      entityId: input.contactId,
      action: "delete",
      actor: input.actor,
      before: { deletedAt: null },
      after: { deletedAt: at.toISOString() },
      at,
    });
  });
}

/** Undoes a soft delete (not a merge: a merged-away contact comes back by undoing the merge). */
export async function restoreContact(
  deps: Deps,
  input: { workspaceId: string; contactId: string; actor: Actor },
) {
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom("contacts")
      .select(["deleted_at", "merged_into"])
      .where("id", "=", input.contactId)
      .where("workspace_id", "=", input.workspaceId)
      .executeTakeFirst();
    if (!current || current.merged_into) throw notFound("Deleted lead");
    if (!current.deleted_at) return;
    await trx
      .updateTable("contacts")
      .set({ deleted_at: null, updated_at: at })
      .where("id", "=", input.contactId)
      .execute();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "contact",
      entityId: input.contactId,
      action: "restore",
      actor: input.actor,
      before: { deletedAt: current.deleted_at.toISOString() },
      after: { deletedAt: null },
      at,
    });
  });
}
