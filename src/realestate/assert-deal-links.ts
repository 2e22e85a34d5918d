import type { Kysely, Transaction } from "kysely";
import type { DB } from "../platform/db/schema.ts";
import { AppError, type FieldError } from "../platform/http/errors.ts";
import { realEstateDb } from "./schemas.ts";

/**
 * A deal's property and development must be live ones of its workspace, and a unit's development
 * its own; 422 naming each field otherwise.
 */
export async function assertDealLinks(
  db: Kysely<DB> | Transaction<DB>,
  input: { workspaceId: string; propertyId: string | null; developmentId: string | null },
): Promise<void> {
  const catalog = realEstateDb(db);
  const errors: FieldError[] = [];
  if (input.propertyId) {
    const property = await catalog
      .selectFrom("properties")
      .select(["id", "development_id"])
      .where("id", "=", input.propertyId)
      .where("workspace_id", "=", input.workspaceId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!property) errors.push({ field: "propertyId", message: "no such property in this workspace" });
    else if (
      input.developmentId &&
      property.development_id &&
      property.development_id !== input.developmentId
    ) {
      errors.push({ field: "developmentId", message: "the property is a unit of another development" });
    }
  }
  if (input.developmentId) {
    const development = await catalog
      .selectFrom("developments")
      .select("id")
      .where("id", "=", input.developmentId)
      .where("workspace_id", "=", input.workspaceId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!development)
      errors.push({ field: "developmentId", message: "no such development in this workspace" });
  }
  if (errors.length > 0)
    throw new AppError("unprocessable", "The deal names a property it cannot use", errors);
}
