import type { DealRef, PartnerEvent, StageRef } from "./schemas.ts";

interface Stage {
  id: string;
  name: string;
  kind: "open" | "won" | "lost";
}

/** The fields of a deal the events carry (structural: the CRM's rows and facts have more). */
interface DealFields {
  ownerId: string | null;
  value: number | null;
  expectedClose: string | null;
  propertyRef: string | null;
}

interface Assignment {
  ownerId: string | null;
  ruleId: string | null;
  reason: string;
}

const stageRef = (stage: Stage): StageRef => ({ stageId: stage.id, stageName: stage.name, kind: stage.kind });

function dealRef(
  ids: { dealId: string; pipelineId: string; contactId: string },
  fields: DealFields,
): DealRef {
  return {
    ...ids,
    ownerId: fields.ownerId,
    value: fields.value,
    expectedClose: fields.expectedClose,
    propertyRef: fields.propertyRef,
  };
}

/** deal.created, and lead.assigned when the new deal has an owner (named, or chosen by the rules). */
export function createdDealEvents(input: {
  dealId: string;
  contactId: string;
  stage: Stage & { pipeline_id: string };
  facts: DealFields;
  picked: Assignment | null;
}): PartnerEvent[] {
  const ids = { dealId: input.dealId, pipelineId: input.stage.pipeline_id, contactId: input.contactId };
  const events: PartnerEvent[] = [
    {
      type: "deal.created",
      data: { ...dealRef(ids, input.facts), stage: stageRef(input.stage), status: input.stage.kind },
    },
  ];
  if (input.facts.ownerId) {
    events.push({
      type: "lead.assigned",
      data: {
        contactId: input.contactId,
        dealId: input.dealId,
        ownerId: input.facts.ownerId,
        reason: input.picked?.reason ?? null,
        ruleId: input.picked?.ruleId ?? null,
      },
    });
  }
  return events;
}

/**
 * The events of one change to a deal: a move (deal.stage_changed, or deal.won / deal.lost with the
 * reason), then a new owner (deal.owner_changed, and lead.assigned when someone now owns it).
 */
export function changedDealEvents(input: {
  deal: { id: string; pipeline_id: string; contact_id: string; owner_id: string | null };
  from: Stage;
  to: Stage | null;
  after: DealFields;
  reason: string | undefined;
  picked: Assignment | null;
  assignmentReason: string | undefined;
}): PartnerEvent[] {
  const { deal } = input;
  const ids = { dealId: deal.id, pipelineId: deal.pipeline_id, contactId: deal.contact_id };
  const events: PartnerEvent[] = [];
  if (input.to) {
    const move = { ...dealRef(ids, input.after), from: stageRef(input.from), to: stageRef(input.to) };
    if (input.to.kind === "open") events.push({ type: "deal.stage_changed", data: move });
    else events.push({ type: `deal.${input.to.kind}`, data: { ...move, reason: input.reason ?? null } });
  }
  if (input.after.ownerId !== deal.owner_id) {
    const reason = input.picked?.reason ?? input.assignmentReason ?? null;
    events.push({
      type: "deal.owner_changed",
      data: { ...ids, from: deal.owner_id, to: input.after.ownerId, reason, byRules: input.picked !== null },
    });
    if (input.after.ownerId) {
      events.push({
        type: "lead.assigned",
        data: {
          contactId: deal.contact_id,
          dealId: deal.id,
          ownerId: input.after.ownerId,
          reason,
          ruleId: input.picked?.ruleId ?? null,
        },
      });
    }
  }
  return events;
}
