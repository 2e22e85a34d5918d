import type { Deps } from "../deps.ts";
import { notFound } from "../platform/http/errors.ts";

/** A contactId given by a caller must name someone of the caller's workspace (404 otherwise). */
export async function assertContact(deps: Deps, workspaceId: string, contactId: string | undefined) {
  if (!contactId) return;
  const found = await deps.db
    .selectFrom("contacts")
    .select("id")
    .where("id", "=", contactId)
    .where("workspace_id", "=", workspaceId)
    .executeTakeFirst();
  if (!found) throw notFound("Contact");
}
