import { recordAudit } from "../audit/record-audit.ts";
import type { Principal } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { createdDealEvents } from "../partner-webhooks/describe-deal-events.ts";
import { emitPartnerEvents } from "../partner-webhooks/emit-partner-event.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { assertDealLinks } from "../realestate/assert-deal-links.ts";
import { settleDealProperty } from "../realestate/settle-deal-property.ts";
import { checkStageEntry } from "./check-stage-entry.ts";
import { dealOwnersAmong } from "./find-deal-owners.ts";
import { getDeal, seesOnlyOwnDeals } from "./list-deals.ts";
import { pickOwner } from "./pick-owner.ts";
import { type CrmDB, crmDb, type DealView } from "./schemas.ts";

type Viewer = Pick<Principal, "workspaceId" | "role" | "userId" | "actor">;

/** A stage of one of the workspace's live pipelines (404 otherwise). */
export async function findStage(
  db: import("kysely").Kysely<CrmDB>,
  input: { workspaceId: string; stageId: string; pipelineId?: string },
) {
  let query = db
    .selectFrom("pipeline_stages as s")
    .innerJoin("pipelines as p", "p.id", "s.pipeline_id")
    .select(["s.id", "s.pipeline_id", "s.name", "s.kind", "s.requires", "s.position", "s.probability"])
    .where("s.id", "=", input.stageId)
    .where("s.workspace_id", "=", input.workspaceId)
    .where("s.deleted_at", "is", null)
    .where("p.deleted_at", "is", null);
  if (input.pipelineId) query = query.where("s.pipeline_id", "=", input.pipelineId);
  const stage = await query.executeTakeFirst();
  if (!stage) throw notFound("Stage");
  return stage;
}

/** An owner must be a member of the workspace who can own deals (not a viewer). */
export async function assertMember(deps: Deps, workspaceId: string, userId: string | null | undefined) {
  if (!userId) return;
  if (!(await dealOwnersAmong(deps.db, workspaceId, [userId])).has(userId)) {
    throw new AppError("invalid_input", "The owner is not a member of this workspace who can own deals", [
      { field: "ownerId", message: "not a member (or a viewer)" },
    ]);
  }
}

/** The entry rules of `stage` for these facts; 422 naming each unmet rule. */
export function assertStageEntry(...args: Parameters<typeof checkStageEntry>) {
  const errors = checkStageEntry(...args);
  if (errors.length > 0) {
    throw new AppError("unprocessable", `The deal cannot enter "${args[0].stage.name}" yet`, errors);
  }
}

/**
 * A deal for a person in a pipeline: in the first stage unless one is named (whose entry rules it
 * must meet). A sales rep's deal is theirs unless another owner is named.
 */
export async function createDeal(
  deps: Deps,
  input: {
    viewer: Viewer;
    contactId: string;
    pipelineId: string;
    stageId?: string | undefined;
    title?: string | undefined;
    ownerId?: string | null | undefined;
    value?: number | null | undefined;
    expectedClose?: string | null | undefined;
    propertyRef?: string | null | undefined;
    propertyId?: string | null | undefined;
    developmentId?: string | null | undefined;
  },
): Promise<DealView> {
  const { workspaceId } = input.viewer;
  const db = crmDb(deps.db);
  const contact = await deps.db
    .selectFrom("contacts")
    .select(["id", "name", "first_source"])
    .where("id", "=", input.contactId)
    .where("workspace_id", "=", workspaceId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!contact) throw notFound("Contact");
  const stage = input.stageId
    ? await findStage(db, { workspaceId, stageId: input.stageId, pipelineId: input.pipelineId })
    : await db
        .selectFrom("pipeline_stages as s")
        .innerJoin("pipelines as p", "p.id", "s.pipeline_id")
        .select(["s.id", "s.pipeline_id", "s.name", "s.kind", "s.requires", "s.position", "s.probability"])
        .where("s.pipeline_id", "=", input.pipelineId)
        .where("s.workspace_id", "=", workspaceId)
        .where("s.deleted_at", "is", null)
        .where("p.deleted_at", "is", null)
        .orderBy("s.position")
        .executeTakeFirst();
  if (!stage) throw notFound("Pipeline");
  const isSales = seesOnlyOwnDeals(input.viewer);
  const ownerId = input.ownerId !== undefined ? input.ownerId : isSales ? input.viewer.userId : null;
  if (isSales && ownerId !== input.viewer.userId) {
    throw new AppError("forbidden", "Sales create deals they own; a manager can give one to someone else");
  }
  await assertMember(deps, workspaceId, ownerId);
  await assertDealLinks(deps.db, {
    workspaceId,
    propertyId: input.propertyId ?? null,
    developmentId: input.developmentId ?? null,
  });
  const now = deps.clock.now();
  const title = input.title ?? contact.name ?? "Negócio";
  const id = await deps.db.transaction().execute(async (trx) => {
    const tx = crmDb(trx);
    // No owner named: the assignment rules choose one (their cursor moves in this transaction).
    const picked =
      input.ownerId === undefined && ownerId === null
        ? await pickOwner(trx, {
            workspaceId,
            pipelineId: stage.pipeline_id,
            contactSource: contact.first_source,
            now,
          })
        : null;
    const facts = {
      ownerId: picked?.ownerId ?? ownerId,
      value: input.value ?? null,
      expectedClose: input.expectedClose ?? null,
      propertyRef: input.propertyRef ?? null,
      propertyId: input.propertyId ?? null,
      developmentId: input.developmentId ?? null,
    };
    assertStageEntry({ deal: facts, stage });
    const deal = await tx
      .insertInto("deals")
      .values({
        workspace_id: workspaceId,
        pipeline_id: stage.pipeline_id,
        stage_id: stage.id,
        contact_id: contact.id,
        owner_id: facts.ownerId,
        title,
        value: facts.value,
        expected_close: facts.expectedClose,
        property_ref: facts.propertyRef,
        property_id: facts.propertyId,
        development_id: facts.developmentId,
        status: stage.kind,
        closed_at: stage.kind === "open" ? null : now,
        stage_entered_at: now,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("deal_stage_moves")
      .values({
        workspace_id: workspaceId,
        deal_id: deal.id,
        from_stage_id: null,
        to_stage_id: stage.id,
        actor_label: input.viewer.actor.label,
        at: now,
      })
      .execute();
    await settleDealProperty(trx, {
      workspaceId,
      dealId: deal.id,
      propertyId: facts.propertyId,
      stage: { kind: stage.kind, probability: Number(stage.probability) },
      actor: input.viewer.actor,
      at: now,
    });
    await recordAudit(trx, [
      {
        workspaceId,
        entityType: "deal",
        entityId: deal.id,
        action: "deal.created",
        actor: input.viewer.actor,
        before: null,
        after: { title, contactId: contact.id, stage: stage.name, ...facts },
        at: now,
      },
      ...(picked?.ownerId
        ? [
            {
              workspaceId,
              entityType: "deal",
              entityId: deal.id,
              action: "deal.assigned",
              actor: { type: "system" as const, id: picked.ruleId, label: "assignment rules" },
              before: { ownerId: null },
              after: { ownerId: picked.ownerId, reason: picked.reason },
              at: now,
            },
          ]
        : []),
    ]);
    await emitPartnerEvents(
      trx,
      workspaceId,
      createdDealEvents({ dealId: deal.id, contactId: contact.id, stage, facts, picked }),
      now,
    );
    return deal.id;
  });
  return getDeal(deps, { dealId: id, viewer: input.viewer });
}
