import { sql } from "kysely";
import type { Principal } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { olderThanCursor, pageOf } from "../platform/http/cursor.ts";
import { notFound } from "../platform/http/errors.ts";
import { crmDb, type DealView, type ListDealsQuery } from "./schemas.ts";

/** Sales see the deals they own; every other role sees the workspace's. */
export function seesOnlyOwnDeals(principal: Pick<Principal, "role">): boolean {
  return principal.role === "sales";
}

function dealsQuery(deps: Deps, viewer: Pick<Principal, "workspaceId" | "role" | "userId">) {
  let query = crmDb(deps.db)
    .selectFrom("deals as d")
    .innerJoin("pipeline_stages as s", "s.id", "d.stage_id")
    .innerJoin("contacts as c", "c.id", "d.contact_id")
    .leftJoin("users as u", "u.id", "d.owner_id")
    .select([
      "d.id",
      "d.pipeline_id",
      "d.stage_id",
      "s.name as stage_name",
      "d.contact_id",
      "c.name as contact_name",
      "d.owner_id",
      "u.name as owner_name",
      "u.email as owner_email",
      "d.title",
      "d.value",
      "d.expected_close",
      "d.property_ref",
      "d.property_id",
      "d.development_id",
      "d.status",
      "d.close_reason",
      "d.stage_entered_at",
      "d.closed_at",
      "d.created_at",
      "d.updated_at",
      "d.deleted_at",
    ])
    .where("d.workspace_id", "=", viewer.workspaceId);
  if (seesOnlyOwnDeals(viewer)) query = query.where("d.owner_id", "=", viewer.userId ?? sql<string>`null`);
  return query;
}

type DealRow = Awaited<ReturnType<ReturnType<typeof dealsQuery>["executeTakeFirstOrThrow"]>>;

function dealView(row: DealRow): DealView {
  return {
    id: row.id,
    pipelineId: row.pipeline_id,
    stageId: row.stage_id,
    stageName: row.stage_name,
    contact: { id: row.contact_id, name: row.contact_name },
    owner:
      row.owner_id && row.owner_email
        ? { id: row.owner_id, name: row.owner_name, email: row.owner_email }
        : null,
    title: row.title,
    value: row.value === null ? null : Number(row.value),
    expectedClose: row.expected_close,
    propertyRef: row.property_ref,
    propertyId: row.property_id,
    developmentId: row.development_id,
    status: row.status,
    closeReason: row.close_reason,
    stageEnteredAt: row.stage_entered_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    deletedAt: row.deleted_at?.toISOString() ?? null,
  };
}

/** Deals, most recently changed first, with filters and a keyset cursor. */
export async function listDeals(
  deps: Deps,
  input: ListDealsQuery & { viewer: Pick<Principal, "workspaceId" | "role" | "userId"> },
): Promise<{ items: DealView[]; nextCursor: string | null }> {
  let query = dealsQuery(deps, input.viewer);
  if (!input.includeDeleted) query = query.where("d.deleted_at", "is", null);
  if (input.pipelineId) query = query.where("d.pipeline_id", "=", input.pipelineId);
  if (input.stageId) query = query.where("d.stage_id", "=", input.stageId);
  if (input.contactId) query = query.where("d.contact_id", "=", input.contactId);
  if (input.propertyId) query = query.where("d.property_id", "=", input.propertyId);
  if (input.developmentId) query = query.where("d.development_id", "=", input.developmentId);
  if (input.status) query = query.where("d.status", "=", input.status);
  if (input.ownerId === "none") query = query.where("d.owner_id", "is", null);
  else if (input.ownerId) query = query.where("d.owner_id", "=", input.ownerId);
  if (input.q) {
    const like = `%${input.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    query = query.where((eb) => eb.or([eb("d.title", "ilike", like), eb("c.name", "ilike", like)]));
  }
  const after = olderThanCursor(input.cursor, "d.updated_at", "d.id");
  if (after) query = query.where(after);
  const rows = await query
    .orderBy("d.updated_at", "desc")
    .orderBy("d.id", "desc")
    .limit(input.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.updated_at);
  return { items: page.map(dealView), nextCursor };
}

/** One deal the viewer may see (404 otherwise, also for another workspace's). */
export async function getDeal(
  deps: Deps,
  input: {
    dealId: string;
    viewer: Pick<Principal, "workspaceId" | "role" | "userId">;
    includeDeleted?: boolean;
  },
): Promise<DealView> {
  let query = dealsQuery(deps, input.viewer).where("d.id", "=", input.dealId);
  if (!input.includeDeleted) query = query.where("d.deleted_at", "is", null);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("Deal");
  return dealView(row);
}
