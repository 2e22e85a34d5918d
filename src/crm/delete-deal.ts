import { recordAudit } from "../audit/record-audit.ts";
import type { Principal } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { emitPartnerEvent } from "../partner-webhooks/emit-partner-event.ts";
import { notFound } from "../platform/http/errors.ts";
import { getDeal, seesOnlyOwnDeals } from "./list-deals.ts";
import { crmDb, type DealView } from "./schemas.ts";

type Viewer = Pick<Principal, "workspaceId" | "role" | "userId" | "actor">;

/** Soft delete (`restore: false`) or restore of a deal, audited. */
async function setDeleted(deps: Deps, input: { viewer: Viewer; dealId: string; restore: boolean }) {
  const { workspaceId } = input.viewer;
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    let query = crmDb(trx)
      .updateTable("deals")
      .set({ deleted_at: input.restore ? null : now, updated_at: now })
      .where("id", "=", input.dealId)
      .where("workspace_id", "=", workspaceId)
      .where("deleted_at", input.restore ? "is not" : "is", null);
    if (seesOnlyOwnDeals(input.viewer)) query = query.where("owner_id", "=", input.viewer.userId ?? "");
    const updated = await query.returning(["id", "title", "pipeline_id", "contact_id"]).executeTakeFirst();
    if (!updated) throw notFound("Deal");
    await recordAudit(trx, {
      workspaceId,
      entityType: "deal",
      entityId: updated.id,
      action: input.restore ? "deal.restored" : "deal.deleted",
      actor: input.viewer.actor,
      before: { title: updated.title, deleted: input.restore },
      after: { title: updated.title, deleted: !input.restore },
      at: now,
    });
    await emitPartnerEvent(
      trx,
      workspaceId,
      input.restore ? "deal.restored" : "deal.deleted",
      { dealId: updated.id, pipelineId: updated.pipeline_id, contactId: updated.contact_id },
      now,
    );
  });
}

export async function deleteDeal(deps: Deps, input: { viewer: Viewer; dealId: string }): Promise<void> {
  await setDeleted(deps, { ...input, restore: false });
}

export async function restoreDeal(deps: Deps, input: { viewer: Viewer; dealId: string }): Promise<DealView> {
  await setDeleted(deps, { ...input, restore: true });
  return getDeal(deps, input);
}
