import { recordAudit } from "../audit/record-audit.ts";
import type { Principal } from "../auth/schemas.ts";
import { emitAutomationEvent } from "../automation/emit-automation-event.ts";
import type { Deps } from "../deps.ts";
import { changedDealEvents } from "../partner-webhooks/describe-deal-events.ts";
import { emitPartnerEvents } from "../partner-webhooks/emit-partner-event.ts";
import { AppError, ERROR_CODES, notFound } from "../platform/http/errors.ts";
import { assertDealLinks } from "../realestate/assert-deal-links.ts";
import { settleDealProperty } from "../realestate/settle-deal-property.ts";
import { assertMember, assertStageEntry, findStage } from "./create-deal.ts";
import { getDeal, seesOnlyOwnDeals } from "./list-deals.ts";
import { pickOwner } from "./pick-owner.ts";
import { crmDb, type DealChanges, type DealView } from "./schemas.ts";

type Viewer = Pick<Principal, "workspaceId" | "role" | "userId" | "actor">;

/**
 * One change to one deal, in one transaction with its audit entry: new field values and/or a move
 * to another stage of its pipeline. The deal must still meet its (new) stage's entry rules, and a
 * deal entering a won or lost stage is closed with the reason given.
 */
async function changeDeal(
  deps: Deps,
  input: {
    viewer: Viewer;
    dealId: string;
    changes?: DealChanges;
    stageId?: string;
    reason?: string | undefined;
    /** Why the owner changes (manual reassignment), or `byRules` to let the assignment rules choose. */
    assignment?: { reason?: string | undefined; byRules?: boolean };
  },
): Promise<void> {
  const { workspaceId } = input.viewer;
  const changes = input.changes ?? {};
  if (
    seesOnlyOwnDeals(input.viewer) &&
    changes.ownerId !== undefined &&
    changes.ownerId !== input.viewer.userId
  ) {
    throw new AppError("forbidden", "Only a manager can give a deal to someone else");
  }
  await assertMember(deps, workspaceId, changes.ownerId);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const db = crmDb(trx);
    let query = db
      .selectFrom("deals")
      .selectAll()
      .where("id", "=", input.dealId)
      .where("workspace_id", "=", workspaceId)
      .where("deleted_at", "is", null)
      .forUpdate();
    if (seesOnlyOwnDeals(input.viewer)) query = query.where("owner_id", "=", input.viewer.userId ?? "");
    const deal = await query.executeTakeFirst();
    if (!deal) throw notFound("Deal");
    const current = await findStage(db, { workspaceId, stageId: deal.stage_id });
    const target =
      input.stageId && input.stageId !== deal.stage_id
        ? await findStage(db, { workspaceId, stageId: input.stageId, pipelineId: deal.pipeline_id })
        : null;
    const before = {
      title: deal.title,
      ownerId: deal.owner_id,
      value: deal.value === null ? null : Number(deal.value),
      expectedClose: deal.expected_close,
      propertyRef: deal.property_ref,
      propertyId: deal.property_id,
      developmentId: deal.development_id,
    };
    const picked = input.assignment?.byRules
      ? await pickOwner(trx, {
          workspaceId,
          pipelineId: deal.pipeline_id,
          contactSource:
            (
              await trx
                .selectFrom("contacts")
                .select("first_source")
                .where("id", "=", deal.contact_id)
                .executeTakeFirst()
            )?.first_source ?? null,
          now,
        })
      : null;
    if (picked && picked.ownerId === null) {
      throw new AppError("unprocessable", `The assignment rules give this deal no owner (${picked.reason})`);
    }
    const newOwner = picked ? picked.ownerId : changes.ownerId;
    const after = {
      title: changes.title ?? before.title,
      ownerId: newOwner !== undefined ? newOwner : before.ownerId,
      value: changes.value !== undefined ? changes.value : before.value,
      expectedClose: changes.expectedClose !== undefined ? changes.expectedClose : before.expectedClose,
      propertyRef: changes.propertyRef !== undefined ? changes.propertyRef : before.propertyRef,
      propertyId: changes.propertyId !== undefined ? changes.propertyId : before.propertyId,
      developmentId: changes.developmentId !== undefined ? changes.developmentId : before.developmentId,
    };
    if (changes.propertyId !== undefined || changes.developmentId !== undefined) {
      await assertDealLinks(trx, {
        workspaceId,
        propertyId: after.propertyId,
        developmentId: after.developmentId,
      });
    }
    // Entry rules hold while a deal stays in a stage too: clearing what the stage asks is refused.
    assertStageEntry({
      deal: after,
      stage: target ?? current,
      reason: input.reason ?? deal.close_reason ?? undefined,
    });
    const stage = target ?? current;
    await db
      .updateTable("deals")
      .set({
        title: after.title,
        owner_id: after.ownerId,
        value: after.value,
        expected_close: after.expectedClose,
        property_ref: after.propertyRef,
        property_id: after.propertyId,
        development_id: after.developmentId,
        updated_at: now,
        ...(target
          ? {
              stage_id: target.id,
              stage_entered_at: now,
              status: target.kind,
              closed_at: target.kind === "open" ? null : now,
              close_reason: target.kind === "open" ? null : (input.reason ?? null),
            }
          : {}),
      })
      .where("id", "=", deal.id)
      .execute();
    if (target) {
      await db
        .insertInto("deal_stage_moves")
        .values({
          workspace_id: workspaceId,
          deal_id: deal.id,
          from_stage_id: current.id,
          to_stage_id: target.id,
          actor_label: input.viewer.actor.label,
          at: now,
        })
        .execute();
    }
    if (target || after.propertyId !== before.propertyId) {
      await settleDealProperty(trx, {
        workspaceId,
        dealId: deal.id,
        propertyId: after.propertyId,
        previousPropertyId: before.propertyId,
        stage: { kind: stage.kind, probability: Number(stage.probability) },
        actor: input.viewer.actor,
        at: now,
      });
    }
    const changed = Object.keys(after).filter(
      (key) => after[key as keyof typeof after] !== before[key as keyof typeof before],
    );
    const entries = [];
    if (target) {
      entries.push({
        action: target.kind === "open" ? "deal.stage_changed" : `deal.${target.kind}`,
        before: { stage: current.name, status: deal.status },
        after: { stage: stage.name, status: target.kind, ...(input.reason ? { reason: input.reason } : {}) },
      });
    }
    if (newOwner !== undefined && after.ownerId !== before.ownerId) {
      const reason = picked?.reason ?? input.assignment?.reason;
      entries.push({
        action: "deal.assigned",
        before: { ownerId: before.ownerId },
        after: { ownerId: after.ownerId, ...(reason ? { reason } : {}) },
      });
    }
    const fields = changed.filter((key) => key !== "ownerId");
    if (fields.length > 0) {
      entries.push({
        action: "deal.updated",
        before: Object.fromEntries(fields.map((key) => [key, before[key as keyof typeof before]])),
        after: Object.fromEntries(fields.map((key) => [key, after[key as keyof typeof after]])),
      });
    }
    await recordAudit(
      trx,
      entries.map((entry) => ({
        workspaceId,
        entityType: "deal",
        entityId: deal.id,
        actor: input.viewer.actor,
        at: now,
        ...entry,
      })),
    );
    await emitPartnerEvents(
      trx,
      workspaceId,
      changedDealEvents({
        deal,
        from: current,
        to: target,
        after,
        reason: input.reason,
        picked,
        assignmentReason: input.assignment?.reason,
      }),
      now,
    );
    if (target) {
      await emitAutomationEvent(trx, {
        workspaceId,
        event: "deal.stage_changed",
        contactId: deal.contact_id,
        key: `deal:${deal.id}:stage:${target.id}:${now.toISOString()}`,
        data: {
          dealId: deal.id,
          pipelineId: deal.pipeline_id,
          from: current.name,
          stage: target.name,
          kind: target.kind,
        },
      });
    }
  });
}

export async function updateDeal(
  deps: Deps,
  input: { viewer: Viewer; dealId: string; changes: DealChanges },
): Promise<DealView> {
  await changeDeal(deps, input);
  return getDeal(deps, input);
}

/** Moves a deal to another stage of its pipeline (422 naming the unmet entry rules). */
export async function moveDeal(
  deps: Deps,
  input: { viewer: Viewer; dealId: string; stageId: string; reason?: string | undefined },
): Promise<DealView> {
  await changeDeal(deps, input);
  return getDeal(deps, input);
}

/**
 * Gives a deal to someone (null: nobody), with the reason kept in the audit, or — with no owner
 * named — to whoever the assignment rules choose now.
 */
export async function assignDeal(
  deps: Deps,
  input: { viewer: Viewer; dealId: string; ownerId?: string | null | undefined; reason?: string | undefined },
): Promise<DealView> {
  await changeDeal(deps, {
    viewer: input.viewer,
    dealId: input.dealId,
    ...(input.ownerId !== undefined ? { changes: { ownerId: input.ownerId } } : {}),
    assignment: { reason: input.reason, byRules: input.ownerId === undefined },
  });
  return getDeal(deps, input);
}

export interface BulkOutcome {
  id: string;
  ok: boolean;
  error?: { status: number; detail: string; errors?: { field: string; message: string }[] };
}

/** The same change to many deals; each succeeds or fails on its own (a blocked move says why). */
export async function changeDeals(input: {
  ids: string[];
  run: (dealId: string) => Promise<unknown>;
}): Promise<{ items: BulkOutcome[] }> {
  const items: BulkOutcome[] = [];
  for (const id of [...new Set(input.ids)]) {
    try {
      await input.run(id);
      items.push({ id, ok: true });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const { status } = ERROR_CODES[error.code];
      items.push({
        id,
        ok: false,
        error: { status, detail: error.message, ...(error.errors ? { errors: error.errors } : {}) },
      });
    }
  }
  return { items };
}
