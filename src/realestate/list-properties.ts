import type { Kysely, Selectable, Transaction } from "kysely";
import type { Deps } from "../deps.ts";
import type { DB } from "../platform/db/schema.ts";
import { olderThanCursor, pageOf } from "../platform/http/cursor.ts";
import { notFound } from "../platform/http/errors.ts";
import {
  type ListPropertiesQuery,
  type NewProperty,
  type PropertiesTable,
  type PropertyView,
  realEstateDb,
} from "./schemas.ts";

/** `%text%` for ilike, with the caller's wildcards taken literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The workspace's properties with the name of their development. */
export function propertiesQuery(db: Kysely<DB> | Transaction<DB>, workspaceId: string) {
  return realEstateDb(db)
    .selectFrom("properties as p")
    .leftJoin("developments as dv", "dv.id", "p.development_id")
    .select([
      "p.id",
      "p.code",
      "p.title",
      "p.kind",
      "p.purpose",
      "p.price",
      "p.area_m2",
      "p.bedrooms",
      "p.bathrooms",
      "p.parking",
      "p.street",
      "p.number",
      "p.complement",
      "p.neighborhood",
      "p.city",
      "p.state",
      "p.postal_code",
      "p.status",
      "p.origin",
      "p.development_id",
      "dv.name as development_name",
      "p.unit",
      "p.description",
      "p.created_at",
      "p.updated_at",
      "p.deleted_at",
    ])
    .where("p.workspace_id", "=", workspaceId);
}

type PropertyRow = Awaited<ReturnType<ReturnType<typeof propertiesQuery>["executeTakeFirstOrThrow"]>>;

/** A property's fields as the API names them (what the audit keeps, before and after). */
export type PropertyFacts = NewProperty;

/** A properties row without what is not a fact of the property (id, workspace, timestamps). */
type PropertyFactsRow = Omit<
  Selectable<PropertiesTable>,
  "id" | "workspace_id" | "created_at" | "updated_at" | "deleted_at"
>;

export function propertyFacts(row: PropertyFactsRow): PropertyFacts {
  return {
    code: row.code,
    title: row.title,
    kind: row.kind,
    purpose: row.purpose,
    price: Number(row.price),
    areaM2: row.area_m2 === null ? null : Number(row.area_m2),
    bedrooms: row.bedrooms,
    bathrooms: row.bathrooms,
    parking: row.parking,
    street: row.street,
    number: row.number,
    complement: row.complement,
    neighborhood: row.neighborhood,
    city: row.city,
    state: row.state,
    postalCode: row.postal_code,
    status: row.status,
    origin: row.origin,
    developmentId: row.development_id,
    unit: row.unit,
    description: row.description,
  };
}

/** The facts with the id, the development named and the timestamps: what the API answers. */
export function propertyView(row: PropertyRow): PropertyView {
  const { developmentId, ...facts } = propertyFacts(row);
  return {
    id: row.id,
    ...facts,
    development:
      developmentId && row.development_name ? { id: developmentId, name: row.development_name } : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    deletedAt: row.deleted_at?.toISOString() ?? null,
  };
}

/** Properties, most recently changed first: filters (status, kind, price range, bedrooms, place…), cursor. */
export async function listProperties(
  deps: Deps,
  input: ListPropertiesQuery & { workspaceId: string },
): Promise<{ items: PropertyView[]; nextCursor: string | null }> {
  let query = propertiesQuery(deps.db, input.workspaceId);
  if (!input.includeDeleted) query = query.where("p.deleted_at", "is", null);
  if (input.status) query = query.where("p.status", "=", input.status);
  if (input.kind) query = query.where("p.kind", "=", input.kind);
  if (input.purpose) query = query.where("p.purpose", "=", input.purpose);
  if (input.origin) query = query.where("p.origin", "=", input.origin);
  if (input.priceMin !== undefined) query = query.where("p.price", ">=", input.priceMin);
  if (input.priceMax !== undefined) query = query.where("p.price", "<=", input.priceMax);
  if (input.bedroomsMin !== undefined) query = query.where("p.bedrooms", ">=", input.bedroomsMin);
  if (input.city)
    query = query.where(
      "p.city",
      "ilike",
      input.city.replace(/[\\%_]/g, (char) => `\\${char}`),
    );
  if (input.neighborhood) query = query.where("p.neighborhood", "ilike", likePattern(input.neighborhood));
  if (input.developmentId === "none") query = query.where("p.development_id", "is", null);
  else if (input.developmentId) query = query.where("p.development_id", "=", input.developmentId);
  if (input.q) {
    const like = likePattern(input.q);
    query = query.where((eb) =>
      eb.or([
        eb("p.title", "ilike", like),
        eb("p.code", "ilike", like),
        eb("p.unit", "ilike", like),
        eb("p.street", "ilike", like),
        eb("p.neighborhood", "ilike", like),
        eb("p.city", "ilike", like),
        eb("dv.name", "ilike", like),
      ]),
    );
  }
  const after = olderThanCursor(input.cursor, "p.updated_at", "p.id");
  if (after) query = query.where(after);
  const rows = await query
    .orderBy("p.updated_at", "desc")
    .orderBy("p.id", "desc")
    .limit(input.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.updated_at);
  return { items: page.map(propertyView), nextCursor };
}

/** One property of the workspace (404 otherwise, also for another workspace's). */
export async function getProperty(
  deps: Deps,
  input: { workspaceId: string; propertyId: string; includeDeleted?: boolean },
): Promise<PropertyView> {
  let query = propertiesQuery(deps.db, input.workspaceId).where("p.id", "=", input.propertyId);
  if (!input.includeDeleted) query = query.where("p.deleted_at", "is", null);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("Property");
  return propertyView(row);
}
