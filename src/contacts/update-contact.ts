import type { z } from "zod";
import { diffFields, recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import { emitAutomationEvent } from "../automation/emit-automation-event.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { SCORE_CONTACT_JOB } from "../scoring/schemas.ts";
import { lockContact, snapshot } from "./internal/contact-store.ts";
import { normalizeInstagram } from "./normalize-identity.ts";
import type { UpdateContactSchema } from "./schemas.ts";

/** A person edits a contact: explicit values replace (a user may clear a field), audited, re-scored. */
export async function updateContact(
  deps: Deps,
  input: {
    workspaceId: string;
    contactId: string;
    patch: z.output<typeof UpdateContactSchema>;
    actor: Actor;
  },
) {
  const at = deps.clock.now();
  const { patch } = input;
  let instagram: string | null | undefined = patch.instagram === null ? null : undefined;
  if (patch.instagram) {
    const normalized = normalizeInstagram(patch.instagram);
    if (!normalized.ok) {
      throw new AppError("unprocessable", "Invalid Instagram handle", [
        { field: "instagram", message: "not a valid handle" },
      ]);
    }
    instagram = normalized.value;
  }
  await deps.db.transaction().execute(async (trx) => {
    const current = await lockContact(trx, input.workspaceId, input.contactId);
    if (!current || current.deleted_at) throw notFound("Lead");
    if (patch.ownerId) {
      const member = await trx
        .selectFrom("memberships")
        .select("user_id")
        .where("workspace_id", "=", input.workspaceId)
        .where("user_id", "=", patch.ownerId)
        .executeTakeFirst();
      if (!member) {
        throw new AppError("unprocessable", "The owner is not a member of this workspace", [
          { field: "ownerId", message: "not a member" },
        ]);
      }
    }
    const updated = await trx
      .updateTable("contacts")
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.city !== undefined ? { city: patch.city } : {}),
        ...(patch.interest !== undefined ? { interest: patch.interest } : {}),
        ...(patch.income !== undefined ? { income: patch.income } : {}),
        ...(instagram !== undefined ? { instagram } : {}),
        ...(patch.tags !== undefined ? { tags: [...new Set(patch.tags)] } : {}),
        ...(patch.ownerId !== undefined ? { owner_id: patch.ownerId } : {}),
        ...(patch.custom !== undefined
          ? { custom: JSON.stringify({ ...current.custom, ...patch.custom }) }
          : {}),
        updated_at: at,
      })
      .where("id", "=", current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const diff = diffFields(snapshot(current), snapshot(updated));
    if (diff) {
      await recordAudit(trx, {
        workspaceId: input.workspaceId,
        entityType: "contact",
        entityId: current.id,
        action: "update",
        actor: input.actor,
        before: diff.before,
        after: diff.after,
        at,
      });
    }
    await enqueue(trx, SCORE_CONTACT_JOB, { contactId: current.id }, `score:${current.id}`);
    for (const tag of updated.tags.filter((tag) => !current.tags.includes(tag))) {
      await emitAutomationEvent(trx, {
        workspaceId: input.workspaceId,
        event: "tag.added",
        contactId: current.id,
        key: `contact:${current.id}:tag:${tag}:${at.toISOString()}`,
        data: { tag },
      });
    }
  });
}
