import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { notFound } from "../platform/http/errors.ts";
import { automationDb } from "./schemas.ts";

/** Records a click on one of our short links and answers where it goes. */
export async function followTrackedLink(deps: Deps, input: { token: string }): Promise<string> {
  const now = deps.clock.now();
  const row = await automationDb(deps.db)
    .updateTable("tracked_links")
    .set((eb) => ({
      clicks: eb("clicks", "+", 1),
      first_clicked_at: sql`coalesce(first_clicked_at, ${now})`,
      last_clicked_at: now,
    }))
    .where("token", "=", input.token)
    .returning("target_url")
    .executeTakeFirst();
  if (!row) throw notFound("Link");
  return row.target_url;
}

/**
 * Where a first access came from: our tracked link when the student clicked one of ours for the product
 * within the attribution window before accessing, else what the platform says (Hotmart's e-mail).
 */
export async function attributeFirstAccess(
  deps: Pick<Deps, "config">,
  executor: Parameters<typeof automationDb>[0],
  input: { contactId: string; productId: string; accessedAt: Date; fallback: string | null },
): Promise<string> {
  const since = new Date(input.accessedAt.getTime() - deps.config.messaging.clickAttributionHours * 3600_000);
  const click = await automationDb(executor)
    .selectFrom("tracked_links")
    .select("token")
    .where("contact_id", "=", input.contactId)
    .where("product_id", "=", input.productId)
    .where("first_clicked_at", ">=", since)
    .where("first_clicked_at", "<=", input.accessedAt)
    .limit(1)
    .executeTakeFirst();
  return click ? "whatsapp_link" : (input.fallback ?? "hotmart_email");
}
