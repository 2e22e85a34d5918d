import type { Kysely, Transaction } from "kysely";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { DB } from "../platform/db/schema.ts";
import { type PropertyStatus, RESERVE_AT_PROBABILITY, realEstateDb } from "./schemas.ts";

/** A deal's stage, as far as its property is concerned. */
interface DealStage {
  kind: "open" | "won" | "lost";
  probability: number;
}

const holds = (stage: DealStage) => stage.kind === "open" && stage.probability >= RESERVE_AT_PROBABILITY;

/**
 * Keeps a property's status in step with the deal about it, in the deal's transaction and audited:
 * won → sold (rented for a rental); an open stage at least RESERVE_AT_PROBABILITY likely reserves an
 * available one; a reserved one goes back to available when no live open deal holds it any more
 * (this one lost, moved back, or now about another property: `previousPropertyId`).
 */
export async function settleDealProperty(
  db: Kysely<DB> | Transaction<DB>,
  input: {
    workspaceId: string;
    dealId: string;
    propertyId: string | null;
    previousPropertyId?: string | null;
    stage: DealStage;
    actor: Actor;
    at: Date;
  },
): Promise<void> {
  const released =
    input.previousPropertyId && input.previousPropertyId !== input.propertyId
      ? input.previousPropertyId
      : null;
  if (released)
    await settleOne(db, { ...input, propertyId: released, stage: { kind: "lost", probability: 0 } });
  if (input.propertyId) await settleOne(db, { ...input, propertyId: input.propertyId });
}

async function settleOne(
  db: Kysely<DB> | Transaction<DB>,
  input: {
    workspaceId: string;
    dealId: string;
    propertyId: string;
    stage: DealStage;
    actor: Actor;
    at: Date;
  },
) {
  const catalog = realEstateDb(db);
  const property = await catalog
    .selectFrom("properties")
    .select(["id", "status", "purpose"])
    .where("id", "=", input.propertyId)
    .where("workspace_id", "=", input.workspaceId)
    .where("deleted_at", "is", null)
    .forUpdate()
    .executeTakeFirst();
  if (!property) return;
  let next: PropertyStatus | null = null;
  if (input.stage.kind === "won") next = property.purpose === "rent" ? "rented" : "sold";
  else if (holds(input.stage)) next = property.status === "available" ? "reserved" : null;
  else if (property.status === "reserved") {
    const holder = await catalog
      .selectFrom("deals as d")
      .innerJoin("pipeline_stages as s", "s.id", "d.stage_id")
      .select("d.id")
      .where("d.property_id", "=", property.id)
      .where("d.id", "!=", input.dealId)
      .where("d.status", "=", "open")
      .where("d.deleted_at", "is", null)
      .where("s.probability", ">=", String(RESERVE_AT_PROBABILITY))
      .executeTakeFirst();
    next = holder ? null : "available";
  }
  if (!next || next === property.status) return;
  await catalog
    .updateTable("properties")
    .set({ status: next, updated_at: input.at })
    .where("id", "=", property.id)
    .execute();
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    entityType: "property",
    entityId: property.id,
    action: "property.status_changed",
    actor: input.actor,
    before: { status: property.status },
    after: { status: next, dealId: input.dealId },
    at: input.at,
  });
}
