import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../platform/db/schema.ts";
import type { StudentTables } from "../schemas.ts";

export type StudentDb = Kysely<DB & StudentTables> | Transaction<DB & StudentTables>;

/** The products row for a vendor product id, created the first time an event names it. */
export async function ensureProduct(
  db: StudentDb,
  input: { workspaceId: string; product: { externalId: string; name: string } },
): Promise<string> {
  const inserted = await db
    .insertInto("products")
    .values({
      workspace_id: input.workspaceId,
      external_id: input.product.externalId,
      name: input.product.name,
    })
    .onConflict((oc) => oc.columns(["workspace_id", "external_id"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const row = await db
    .selectFrom("products")
    .select("id")
    .where("workspace_id", "=", input.workspaceId)
    .where("external_id", "=", input.product.externalId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The enrollment of a person in a product (created without a first access), locked for update. */
export async function ensureEnrollment(
  db: StudentDb,
  input: { workspaceId: string; contactId: string; productId: string },
) {
  await db
    .insertInto("enrollments")
    .values({
      workspace_id: input.workspaceId,
      contact_id: input.contactId,
      product_id: input.productId,
      modules: "[]",
    })
    .onConflict((oc) => oc.columns(["contact_id", "product_id"]).doNothing())
    .execute();
  return db
    .selectFrom("enrollments")
    .selectAll()
    .where("contact_id", "=", input.contactId)
    .where("product_id", "=", input.productId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/**
 * A person's own id and the ids of every contact merged into it (at any depth): purchases and
 * enrollments stay on the contact they were recorded for, and a merge shows them on the survivor
 * without moving rows, so undoing the merge needs nothing here.
 */
export function personContactIds(workspaceId: string, contactId: string) {
  return sql<{ id: string }>`(
    with recursive folded(id) as (
      select id from contacts where id = ${contactId} and workspace_id = ${workspaceId}
      union
      select c.id from contacts c join folded f on c.merged_into = f.id
    )
    select id from folded
  )`;
}
