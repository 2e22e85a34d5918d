import { type SqlBool, sql } from "kysely";
import type { Deps } from "../deps.ts";
import { olderThanCursor, pageOf } from "../platform/http/cursor.ts";
import { likePattern } from "./list-properties.ts";
import { interestView } from "./manage-interest.ts";
import { type ClientView, type ListClientsQuery, realEstateDb } from "./schemas.ts";

/**
 * The real-estate clients: people with an interest or a live deal about a property or development
 * (linked or by reference), most recently changed first; by origin (first source), interest kind,
 * purpose, price range (overlapping theirs), city (theirs or their interest's), text.
 */
export async function listClients(
  deps: Deps,
  input: ListClientsQuery & { workspaceId: string },
): Promise<{ items: ClientView[]; nextCursor: string | null }> {
  const db = realEstateDb(deps.db);
  // A live deal of this person about a property or a development, linked or by reference.
  const propertyDeal = sql`d.contact_id = c.id and d.deleted_at is null
    and (d.property_id is not null or d.development_id is not null or d.property_ref is not null)`;
  let query = db
    .selectFrom("contacts as c")
    .leftJoin("contact_interests as i", "i.contact_id", "c.id")
    .select([
      "c.id",
      "c.name",
      "c.email",
      "c.phone",
      "c.city",
      "c.first_source",
      "c.created_at",
      "c.updated_at",
      "i.contact_id as interest_contact_id",
      "i.purpose",
      "i.kinds",
      "i.price_min",
      "i.price_max",
      "i.bedrooms_min",
      "i.cities",
      "i.neighborhoods",
      "i.notes",
      "i.created_at as interest_created_at",
      "i.updated_at as interest_updated_at",
    ])
    .select(
      sql<number>`(select count(*)::int from deals d where ${propertyDeal} and d.status = 'open')`.as(
        "open_deals",
      ),
    )
    .where("c.workspace_id", "=", input.workspaceId)
    .where("c.deleted_at", "is", null)
    .where((eb) =>
      eb.or([
        eb("i.contact_id", "is not", null),
        sql<SqlBool>`exists (select 1 from deals d where ${propertyDeal})`,
      ]),
    );
  if (input.origin) query = query.where(sql<SqlBool>`lower(c.first_source) = ${input.origin.toLowerCase()}`);
  if (input.kind) query = query.where(sql<SqlBool>`${input.kind} = any(i.kinds)`);
  if (input.purpose) query = query.where("i.purpose", "=", input.purpose);
  if (input.priceMin !== undefined || input.priceMax !== undefined) {
    query = query.where("i.contact_id", "is not", null);
    const { priceMin, priceMax } = input;
    if (priceMin !== undefined) {
      query = query.where((eb) => eb.or([eb("i.price_max", "is", null), eb("i.price_max", ">=", priceMin)]));
    }
    if (priceMax !== undefined) {
      query = query.where((eb) => eb.or([eb("i.price_min", "is", null), eb("i.price_min", "<=", priceMax)]));
    }
  }
  if (input.city) {
    const city = input.city.toLowerCase();
    query = query.where(
      sql<SqlBool>`(lower(c.city) = ${city} or exists (select 1 from unnest(i.cities) as wanted(city) where lower(wanted.city) = ${city}))`,
    );
  }
  if (input.q) {
    const like = likePattern(input.q);
    query = query.where((eb) =>
      eb.or([eb("c.name", "ilike", like), eb("c.email", "ilike", like), eb("c.phone", "ilike", like)]),
    );
  }
  const after = olderThanCursor(input.cursor, "c.updated_at", "c.id");
  if (after) query = query.where(after);
  const rows = await query
    .orderBy("c.updated_at", "desc")
    .orderBy("c.id", "desc")
    .limit(input.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.updated_at);
  return {
    items: page.map((row) => ({
      id: row.id,
      name: row.name,
      email: row.email,
      phone: row.phone,
      city: row.city,
      source: row.first_source,
      interest:
        row.interest_contact_id && row.purpose && row.interest_created_at && row.interest_updated_at
          ? interestView({
              contact_id: row.interest_contact_id,
              workspace_id: input.workspaceId,
              purpose: row.purpose,
              kinds: row.kinds ?? [],
              price_min: row.price_min,
              price_max: row.price_max,
              bedrooms_min: row.bedrooms_min,
              cities: row.cities ?? [],
              neighborhoods: row.neighborhoods ?? [],
              notes: row.notes,
              created_at: row.interest_created_at,
              updated_at: row.interest_updated_at,
            })
          : null,
      openDeals: row.open_deals ?? 0,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    })),
    nextCursor,
  };
}
