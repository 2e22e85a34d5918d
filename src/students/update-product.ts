import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { notFound } from "../platform/http/errors.ts";
import { toProductView } from "./list-products.ts";
import type { ProductView, StudentTables, UpdateProductInput } from "./schemas.ts";

/** Turns a product's monitoring on or off, sets its welcome template and access URL; 404 outside the workspace. */
export async function updateProduct(
  deps: Deps,
  input: { workspaceId: string; productId: string; changes: UpdateProductInput; actor: Actor },
): Promise<ProductView> {
  return withTransaction(deps.db, async (base) => {
    const trx = base.withTables<StudentTables>();
    const before = await trx
      .selectFrom("products")
      .select(["id", "external_id", "name", "monitoring", "welcome_template", "access_url"])
      .where("id", "=", input.productId)
      .where("workspace_id", "=", input.workspaceId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw notFound("Product");
    const { monitoring, welcomeTemplate, accessUrl } = input.changes;
    const after = await trx
      .updateTable("products")
      .set({
        ...(monitoring === undefined ? {} : { monitoring }),
        ...(welcomeTemplate === undefined ? {} : { welcome_template: welcomeTemplate || null }),
        ...(accessUrl === undefined ? {} : { access_url: accessUrl }),
      })
      .where("id", "=", before.id)
      .returning(["id", "external_id", "name", "monitoring", "welcome_template", "access_url"])
      .executeTakeFirstOrThrow();
    await recordAudit(base, {
      workspaceId: input.workspaceId,
      entityType: "product",
      entityId: before.id,
      action: "product.update",
      actor: input.actor,
      before: {
        monitoring: before.monitoring,
        welcomeTemplate: before.welcome_template,
        accessUrl: before.access_url,
      },
      after: {
        monitoring: after.monitoring,
        welcomeTemplate: after.welcome_template,
        accessUrl: after.access_url,
      },
      at: deps.clock.now(),
    });
    return toProductView(after);
  });
}
