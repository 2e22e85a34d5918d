import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { notFound } from "../platform/http/errors.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { type BulkEnrichInput, ENRICH_CONTACT_JOB, ENRICHABLE_CONTACT, enrichmentDb } from "./schemas.ts";

/** "Run again" for one lead: a job now, ignoring freshness; runs once however often it is delivered. */
export async function requestEnrichment(
  deps: Deps,
  input: { workspaceId: string; contactId: string },
): Promise<{ contactId: string; requestId: string; status: "queued" }> {
  const now = deps.clock.now();
  const requestId = randomUUID();
  await deps.db.transaction().execute(async (trx) => {
    const db = enrichmentDb(trx);
    const contact = await db
      .selectFrom("contacts")
      .select(["id", "workspace_id"])
      .where("id", "=", input.contactId)
      .where("workspace_id", "=", input.workspaceId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!contact) throw notFound("Lead");
    const request = { requested_at: now, request_id: requestId, queued_at: now };
    await db
      .insertInto("contact_enrichments")
      .values({ contact_id: contact.id, workspace_id: contact.workspace_id, ...request })
      .onConflict((oc) => oc.column("contact_id").doUpdateSet(request))
      .execute();
    await enqueue(trx, ENRICH_CONTACT_JOB, { contactId: contact.id, requestId });
  });
  return { contactId: input.contactId, requestId, status: "queued" };
}

/**
 * Marks many leads as requested (explicit ids, or a scope over the workspace's contacts with a
 * handle); the sweep enqueues them in bounded batches at the providers' pace.
 */
export async function requestBulkEnrichment(
  deps: Deps,
  input: { workspaceId: string; request: BulkEnrichInput },
): Promise<{ requested: number }> {
  const now = deps.clock.now();
  const db = enrichmentDb(deps.db);
  let select = db
    .selectFrom("contacts as c")
    .leftJoin("contact_enrichments as e", "e.contact_id", "c.id")
    .select((eb) => [
      "c.id as contact_id",
      "c.workspace_id",
      eb.val(now).as("requested_at"),
      sql<string>`gen_random_uuid()`.as("request_id"),
    ])
    .where("c.workspace_id", "=", input.workspaceId)
    .where("c.deleted_at", "is", null)
    .where("c.merged_into", "is", null);
  const { contactIds, scope } = input.request;
  if (contactIds) select = select.where("c.id", "in", contactIds);
  else {
    select = select.where(ENRICHABLE_CONTACT);
    if (scope === "missing") {
      select = select.where((eb) => eb.or([eb("e.contact_id", "is", null), eb("e.status", "=", "pending")]));
    } else if (scope === "failed") {
      select = select.where("e.status", "in", ["failed", "partial"]);
    } else if (scope === "stale") {
      select = select.where("e.next_due_at", "<=", now);
    }
  }
  const result = await db
    .insertInto("contact_enrichments")
    .columns(["contact_id", "workspace_id", "requested_at", "request_id"])
    .expression(select)
    .onConflict((oc) =>
      oc.column("contact_id").doUpdateSet((eb) => ({
        requested_at: eb.ref("excluded.requested_at"),
        request_id: eb.ref("excluded.request_id"),
      })),
    )
    .executeTakeFirst();
  return { requested: Number(result.numInsertedOrUpdatedRows ?? 0) };
}
