import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import { diffFields, recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import type { DB } from "../platform/db/schema.ts";
import { olderThanCursor, pageOf } from "../platform/http/cursor.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { likePattern, propertiesQuery, propertyView } from "./list-properties.ts";
import { createProperty } from "./manage-properties.ts";
import {
  type DevelopmentChanges,
  type DevelopmentDetail,
  type DevelopmentsTable,
  type DevelopmentView,
  type ListDevelopmentsQuery,
  type NewDevelopment,
  type NewUnit,
  PROPERTY_STATUSES,
  type PropertyView,
  realEstateDb,
} from "./schemas.ts";

type DevelopmentFacts = NewDevelopment;

/** The workspace's developments with the count of their live units, in total and by status. */
function developmentsQuery(db: Kysely<DB> | Transaction<DB>, workspaceId: string) {
  const catalog = realEstateDb(db);
  return catalog
    .selectFrom("developments as dv")
    .leftJoin(
      (eb) =>
        eb
          .selectFrom("properties")
          .select([
            "development_id",
            sql<number>`count(*)::int`.as("total"),
            ...PROPERTY_STATUSES.map((status) =>
              sql<number>`(count(*) filter (where status = ${status}))::int`.as(status),
            ),
          ])
          .where("workspace_id", "=", workspaceId)
          .where("deleted_at", "is", null)
          .where("development_id", "is not", null)
          .groupBy("development_id")
          .as("u"),
      (join) => join.onRef("u.development_id", "=", "dv.id"),
    )
    .select([
      "dv.id",
      "dv.name",
      "dv.developer",
      "dv.street",
      "dv.number",
      "dv.neighborhood",
      "dv.city",
      "dv.state",
      "dv.postal_code",
      "dv.status",
      sql<string | null>`to_char(dv.delivery_date, 'YYYY-MM-DD')`.as("delivery_date"),
      "dv.description",
      "dv.created_at",
      "dv.updated_at",
      "dv.deleted_at",
      "u.total",
      ...PROPERTY_STATUSES.map((status) => `u.${status}` as const),
    ])
    .where("dv.workspace_id", "=", workspaceId);
}

type DevelopmentRow = Awaited<ReturnType<ReturnType<typeof developmentsQuery>["executeTakeFirstOrThrow"]>>;

function developmentView(row: DevelopmentRow): DevelopmentView {
  return {
    id: row.id,
    name: row.name,
    developer: row.developer,
    street: row.street,
    number: row.number,
    neighborhood: row.neighborhood,
    city: row.city,
    state: row.state,
    postalCode: row.postal_code,
    status: row.status,
    deliveryDate: row.delivery_date,
    description: row.description,
    unitCounts: {
      total: row.total ?? 0,
      available: row.available ?? 0,
      reserved: row.reserved ?? 0,
      sold: row.sold ?? 0,
      rented: row.rented ?? 0,
      off_market: row.off_market ?? 0,
    },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    deletedAt: row.deleted_at?.toISOString() ?? null,
  };
}

function developmentFacts(row: Selectable<DevelopmentsTable>): DevelopmentFacts {
  return {
    name: row.name,
    developer: row.developer,
    street: row.street,
    number: row.number,
    neighborhood: row.neighborhood,
    city: row.city,
    state: row.state,
    postalCode: row.postal_code,
    status: row.status,
    deliveryDate: row.delivery_date,
    description: row.description,
  };
}

function developmentColumns(facts: DevelopmentFacts) {
  return {
    name: facts.name,
    developer: facts.developer,
    street: facts.street,
    number: facts.number,
    neighborhood: facts.neighborhood,
    city: facts.city,
    state: facts.state,
    postal_code: facts.postalCode,
    status: facts.status,
    delivery_date: facts.deliveryDate,
    description: facts.description,
  };
}

/** Developments, most recently changed first, with their unit counts; filters and a cursor. */
export async function listDevelopments(
  deps: Deps,
  input: ListDevelopmentsQuery & { workspaceId: string },
): Promise<{ items: DevelopmentView[]; nextCursor: string | null }> {
  let query = developmentsQuery(deps.db, input.workspaceId);
  if (!input.includeDeleted) query = query.where("dv.deleted_at", "is", null);
  if (input.status) query = query.where("dv.status", "=", input.status);
  if (input.city)
    query = query.where(
      "dv.city",
      "ilike",
      input.city.replace(/[\\%_]/g, (char) => `\\${char}`),
    );
  if (input.q) {
    const like = likePattern(input.q);
    query = query.where((eb) =>
      eb.or([
        eb("dv.name", "ilike", like),
        eb("dv.developer", "ilike", like),
        eb("dv.neighborhood", "ilike", like),
        eb("dv.city", "ilike", like),
      ]),
    );
  }
  const after = olderThanCursor(input.cursor, "dv.updated_at", "dv.id");
  if (after) query = query.where(after);
  const rows = await query
    .orderBy("dv.updated_at", "desc")
    .orderBy("dv.id", "desc")
    .limit(input.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.updated_at);
  return { items: page.map(developmentView), nextCursor };
}

/** One development with its live units (by label) and their counts by status. */
export async function getDevelopment(
  deps: Deps,
  input: { workspaceId: string; developmentId: string; includeDeleted?: boolean },
): Promise<DevelopmentDetail> {
  let query = developmentsQuery(deps.db, input.workspaceId).where("dv.id", "=", input.developmentId);
  if (!input.includeDeleted) query = query.where("dv.deleted_at", "is", null);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("Development");
  const units = await propertiesQuery(deps.db, input.workspaceId)
    .where("p.development_id", "=", row.id)
    .where("p.deleted_at", "is", null)
    .orderBy(sql`lower(p.unit)`)
    .orderBy("p.created_at")
    .execute();
  return { ...developmentView(row), units: units.map(propertyView) };
}

export async function createDevelopment(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; development: NewDevelopment },
): Promise<DevelopmentDetail> {
  const now = deps.clock.now();
  const id = await deps.db.transaction().execute(async (trx) => {
    const created = await realEstateDb(trx)
      .insertInto("developments")
      .values({
        workspace_id: input.workspaceId,
        ...developmentColumns(input.development),
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "development",
      entityId: created.id,
      action: "development.created",
      actor: input.actor,
      before: null,
      after: input.development,
      at: now,
    });
    return created.id;
  });
  return getDevelopment(deps, { workspaceId: input.workspaceId, developmentId: id });
}

async function lockDevelopment(
  trx: Transaction<DB>,
  input: { workspaceId: string; developmentId: string; deleted: boolean },
) {
  const row = await realEstateDb(trx)
    .selectFrom("developments")
    .select([
      "id",
      "workspace_id",
      "name",
      "developer",
      "street",
      "number",
      "neighborhood",
      "city",
      "state",
      "postal_code",
      "status",
      sql<string | null>`to_char(delivery_date, 'YYYY-MM-DD')`.as("delivery_date"),
      "description",
      "created_at",
      "updated_at",
      "deleted_at",
    ])
    .where("id", "=", input.developmentId)
    .where("workspace_id", "=", input.workspaceId)
    .where("deleted_at", input.deleted ? "is not" : "is", null)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound("Development");
  return row;
}

/** Changes a development (null clears), audited field by field. */
export async function updateDevelopment(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; developmentId: string; changes: DevelopmentChanges },
): Promise<DevelopmentDetail> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const row = await lockDevelopment(trx, { ...input, deleted: false });
    const before = developmentFacts(row);
    const defined = Object.fromEntries(
      Object.entries(input.changes).filter(([, value]) => value !== undefined),
    ) as Partial<DevelopmentFacts>;
    const after: DevelopmentFacts = { ...before, ...defined };
    const diff = diffFields(before, after);
    if (!diff) return;
    await realEstateDb(trx)
      .updateTable("developments")
      .set({ ...developmentColumns(after), updated_at: now })
      .where("id", "=", row.id)
      .execute();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "development",
      entityId: row.id,
      action: "development.updated",
      actor: input.actor,
      ...diff,
      at: now,
    });
  });
  return getDevelopment(deps, input);
}

/** Soft delete or restore; a development with live units is kept (409) until they go or move. */
async function setDevelopmentDeleted(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; developmentId: string; restore: boolean },
) {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const row = await lockDevelopment(trx, { ...input, deleted: input.restore });
    if (!input.restore) {
      const units = await realEstateDb(trx)
        .selectFrom("properties")
        .select(sql<number>`count(*)::int`.as("count"))
        .where("development_id", "=", row.id)
        .where("deleted_at", "is", null)
        .executeTakeFirstOrThrow();
      if (units.count > 0) {
        throw new AppError(
          "conflict",
          `"${row.name}" still has ${units.count} unit(s): delete them or move them out first`,
        );
      }
    }
    await realEstateDb(trx)
      .updateTable("developments")
      .set({ deleted_at: input.restore ? null : now, updated_at: now })
      .where("id", "=", row.id)
      .execute();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "development",
      entityId: row.id,
      action: input.restore ? "development.restored" : "development.deleted",
      actor: input.actor,
      before: { name: row.name, deleted: input.restore },
      after: { name: row.name, deleted: !input.restore },
      at: now,
    });
  });
}

export async function deleteDevelopment(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; developmentId: string },
): Promise<void> {
  await setDevelopmentDeleted(deps, { ...input, restore: false });
}

export async function restoreDevelopment(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; developmentId: string },
): Promise<DevelopmentDetail> {
  await setDevelopmentDeleted(deps, { ...input, restore: true });
  return getDevelopment(deps, input);
}

/**
 * A unit of a development: a property with its label there, titled and placed like the development
 * unless told otherwise.
 */
export async function createUnit(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; developmentId: string; unit: NewUnit },
): Promise<PropertyView> {
  const development = await getDevelopment(deps, input);
  const { unit } = input;
  return createProperty(deps, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    property: {
      ...unit,
      title: unit.title ?? `${development.name} – ${unit.unit}`,
      street: unit.street ?? development.street,
      number: unit.number ?? development.number,
      neighborhood: unit.neighborhood ?? development.neighborhood,
      city: unit.city ?? development.city,
      state: unit.state ?? development.state,
      postalCode: unit.postalCode ?? development.postalCode,
      developmentId: development.id,
    },
  });
}
