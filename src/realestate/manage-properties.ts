import type { Kysely, Transaction } from "kysely";
import { diffFields, recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import type { DB } from "../platform/db/schema.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { getProperty, type PropertyFacts, propertyFacts } from "./list-properties.ts";
import { type NewProperty, type PropertyChanges, type PropertyView, realEstateDb } from "./schemas.ts";

function propertyColumns(facts: PropertyFacts) {
  return {
    code: facts.code,
    title: facts.title,
    kind: facts.kind,
    purpose: facts.purpose,
    price: facts.price,
    area_m2: facts.areaM2,
    bedrooms: facts.bedrooms,
    bathrooms: facts.bathrooms,
    parking: facts.parking,
    street: facts.street,
    number: facts.number,
    complement: facts.complement,
    neighborhood: facts.neighborhood,
    city: facts.city,
    state: facts.state,
    postal_code: facts.postalCode,
    status: facts.status,
    origin: facts.origin,
    development_id: facts.developmentId,
    unit: facts.unit,
    description: facts.description,
  };
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown }).code === "23505";

/**
 * What must hold for a live property: its development is a live one of the workspace (422), a unit
 * label needs a development (422), its code and its unit label are not another live property's (409).
 */
export async function checkPropertyPlace(
  db: Kysely<DB> | Transaction<DB>,
  input: { workspaceId: string; propertyId: string | null; facts: PropertyFacts },
): Promise<void> {
  const catalog = realEstateDb(db);
  const { facts } = input;
  if (facts.unit !== null && facts.developmentId === null) {
    throw new AppError("unprocessable", "A unit label needs a development", [
      { field: "unit", message: "a unit label needs a development" },
    ]);
  }
  if (facts.developmentId) {
    const development = await catalog
      .selectFrom("developments")
      .select("id")
      .where("id", "=", facts.developmentId)
      .where("workspace_id", "=", input.workspaceId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!development) {
      throw new AppError("unprocessable", "The development is not one of this workspace", [
        { field: "developmentId", message: "no such development in this workspace" },
      ]);
    }
  }
  const others = () =>
    catalog
      .selectFrom("properties")
      .select("id")
      .where("workspace_id", "=", input.workspaceId)
      .where("deleted_at", "is", null)
      .where("id", "!=", input.propertyId ?? "00000000-0000-0000-0000-000000000000");
  if (facts.code !== null) {
    const code = facts.code.toLowerCase();
    const clash = await others()
      .where((eb) => eb(eb.fn("lower", ["code"]), "=", code))
      .executeTakeFirst();
    if (clash) {
      throw new AppError("conflict", `Another property already has the code "${facts.code}"`, [
        { field: "code", message: "already used by another property" },
      ]);
    }
  }
  if (facts.unit !== null && facts.developmentId) {
    const unit = facts.unit.toLowerCase();
    const clash = await others()
      .where("development_id", "=", facts.developmentId)
      .where((eb) => eb(eb.fn("lower", ["unit"]), "=", unit))
      .executeTakeFirst();
    if (clash) {
      throw new AppError("conflict", `The development already has a unit "${facts.unit}"`, [
        { field: "unit", message: "already a unit of this development" },
      ]);
    }
  }
}

/** A new property in the workspace's catalog (a unit when it names a development), audited. */
export async function createProperty(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; property: NewProperty },
): Promise<PropertyView> {
  const { workspaceId } = input;
  const facts: PropertyFacts = { ...input.property };
  const now = deps.clock.now();
  const id = await deps.db
    .transaction()
    .execute(async (trx) => {
      await checkPropertyPlace(trx, { workspaceId, propertyId: null, facts });
      const created = await realEstateDb(trx)
        .insertInto("properties")
        .values({ workspace_id: workspaceId, ...propertyColumns(facts), created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        workspaceId,
        entityType: "property",
        entityId: created.id,
        action: "property.created",
        actor: input.actor,
        before: null,
        after: facts,
        at: now,
      });
      return created.id;
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError("conflict", "Another property has this code or unit");
      throw error;
    });
  return getProperty(deps, { workspaceId, propertyId: id });
}

/** Changes a property (null clears); every changed field is audited with before and after. */
export async function updateProperty(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; propertyId: string; changes: PropertyChanges },
): Promise<PropertyView> {
  const { workspaceId } = input;
  const now = deps.clock.now();
  await deps.db
    .transaction()
    .execute(async (trx) => {
      const catalog = realEstateDb(trx);
      const row = await catalog
        .selectFrom("properties")
        .selectAll()
        .where("id", "=", input.propertyId)
        .where("workspace_id", "=", workspaceId)
        .where("deleted_at", "is", null)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw notFound("Property");
      const before = propertyFacts(row);
      const defined = Object.fromEntries(
        Object.entries(input.changes).filter(([, value]) => value !== undefined),
      ) as Partial<PropertyFacts>;
      const after: PropertyFacts = { ...before, ...defined };
      const diff = diffFields(before, after);
      if (!diff) return;
      await checkPropertyPlace(trx, { workspaceId, propertyId: row.id, facts: after });
      await catalog
        .updateTable("properties")
        .set({ ...propertyColumns(after), updated_at: now })
        .where("id", "=", row.id)
        .execute();
      await recordAudit(trx, {
        workspaceId,
        entityType: "property",
        entityId: row.id,
        action: "property.updated",
        actor: input.actor,
        ...diff,
        at: now,
      });
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError("conflict", "Another property has this code or unit");
      throw error;
    });
  return getProperty(deps, { workspaceId, propertyId: input.propertyId });
}

/** Soft delete (`restore: false`) or restore of a property, audited; a restored one must not clash. */
export async function setPropertyDeleted(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; propertyId: string; restore: boolean },
): Promise<void> {
  const { workspaceId } = input;
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const catalog = realEstateDb(trx);
    const row = await catalog
      .selectFrom("properties")
      .selectAll()
      .where("id", "=", input.propertyId)
      .where("workspace_id", "=", workspaceId)
      .where("deleted_at", input.restore ? "is not" : "is", null)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound("Property");
    // A unit comes back only into a live development, and nobody took its code or label meanwhile.
    if (input.restore)
      await checkPropertyPlace(trx, { workspaceId, propertyId: row.id, facts: propertyFacts(row) });
    await catalog
      .updateTable("properties")
      .set({ deleted_at: input.restore ? null : now, updated_at: now })
      .where("id", "=", row.id)
      .execute();
    await recordAudit(trx, {
      workspaceId,
      entityType: "property",
      entityId: row.id,
      action: input.restore ? "property.restored" : "property.deleted",
      actor: input.actor,
      before: { title: row.title, status: row.status, deleted: input.restore },
      after: { title: row.title, status: row.status, deleted: !input.restore },
      at: now,
    });
  });
}

export async function deleteProperty(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; propertyId: string },
): Promise<void> {
  await setPropertyDeleted(deps, { ...input, restore: false });
}

export async function restoreProperty(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; propertyId: string },
): Promise<PropertyView> {
  await setPropertyDeleted(deps, { ...input, restore: true });
  return getProperty(deps, input);
}
