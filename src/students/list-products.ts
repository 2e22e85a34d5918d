import type { Deps } from "../deps.ts";
import type { ProductView, StudentTables } from "./schemas.ts";

export function toProductView(row: {
  id: string;
  external_id: string;
  name: string;
  monitoring: boolean;
  welcome_template: string | null;
  access_url: string | null;
}): ProductView {
  return {
    id: row.id,
    externalId: row.external_id,
    name: row.name,
    monitoring: row.monitoring,
    welcomeTemplate: row.welcome_template,
    accessUrl: row.access_url,
  };
}

/** A workspace's products, by name. */
export async function listProducts(
  deps: Deps,
  input: { workspaceId: string },
): Promise<{ items: ProductView[] }> {
  const rows = await deps.db
    .withTables<StudentTables>()
    .selectFrom("products")
    .select(["id", "external_id", "name", "monitoring", "welcome_template", "access_url"])
    .where("workspace_id", "=", input.workspaceId)
    .orderBy("name")
    .orderBy("id")
    .execute();
  return { items: rows.map(toProductView) };
}
