import type { Kysely, Transaction } from "kysely";
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
