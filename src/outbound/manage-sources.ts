import type { Selectable } from "kysely";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { olderThanCursor, pageOf } from "../platform/http/cursor.ts";
import { notFound } from "../platform/http/errors.ts";
import {
  type CreateSourceInput,
  type OutboundSourcesTable,
  outboundDb,
  type RunStatus,
  type SourceView,
  type UpdateSourceInput,
} from "./schemas.ts";

type SourceRow = Selectable<OutboundSourcesTable>;

type LastRun = { id: string; status: RunStatus; created_at: Date } | undefined;

function toView(row: SourceRow, lastRun: LastRun): SourceView {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    kind: row.kind,
    maxPages: row.max_pages,
    maxDepth: row.max_depth,
    rateLimitMs: row.rate_limit_ms,
    schedule: row.schedule,
    enabled: row.enabled,
    lastRun: lastRun
      ? { id: lastRun.id, status: lastRun.status, createdAt: lastRun.created_at.toISOString() }
      : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** What the audit log keeps of a source (no personal data in it). */
function auditView(view: SourceView) {
  const { lastRun: _lastRun, createdAt: _createdAt, updatedAt: _updatedAt, ...rest } = view;
  return rest;
}

async function lastRuns(deps: Deps, sourceIds: string[]): Promise<Map<string, LastRun>> {
  if (sourceIds.length === 0) return new Map();
  const rows = await outboundDb(deps.db)
    .selectFrom("outbound_runs")
    .distinctOn("source_id")
    .select(["source_id", "id", "status", "created_at"])
    .where("source_id", "in", sourceIds)
    .orderBy("source_id")
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return new Map(rows.map((row) => [row.source_id, row]));
}

async function findSource(deps: Deps, workspaceId: string, sourceId: string): Promise<SourceRow> {
  const row = await outboundDb(deps.db)
    .selectFrom("outbound_sources")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", sourceId)
    .executeTakeFirst();
  if (!row) throw notFound("Source");
  return row;
}

export async function listSources(
  deps: Deps,
  input: { workspaceId: string; limit: number; cursor?: string | undefined },
): Promise<{ items: SourceView[]; nextCursor: string | null }> {
  const after = olderThanCursor(input.cursor, "created_at");
  let query = outboundDb(deps.db)
    .selectFrom("outbound_sources")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(input.limit + 1);
  if (after) query = query.where(after);
  const rows = await query.execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.created_at);
  const runs = await lastRuns(
    deps,
    page.map((row) => row.id),
  );
  return { items: page.map((row) => toView(row, runs.get(row.id))), nextCursor };
}

export async function getSource(
  deps: Deps,
  input: { workspaceId: string; sourceId: string },
): Promise<SourceView> {
  const row = await findSource(deps, input.workspaceId, input.sourceId);
  return toView(row, (await lastRuns(deps, [row.id])).get(row.id));
}

export async function createSource(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; userId: string | null; source: CreateSourceInput },
): Promise<SourceView> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const trx = outboundDb(tx);
    const row = await trx
      .insertInto("outbound_sources")
      .values({
        workspace_id: input.workspaceId,
        name: input.source.name,
        url: input.source.url,
        kind: input.source.kind,
        max_pages: input.source.maxPages,
        max_depth: input.source.maxDepth,
        rate_limit_ms: input.source.rateLimitMs,
        schedule: input.source.schedule,
        enabled: input.source.enabled,
        created_by: input.userId,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = toView(row, undefined);
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      entityType: "outbound_source",
      entityId: row.id,
      action: "create",
      actor: input.actor,
      before: null,
      after: auditView(view),
      at: now,
    });
    return view;
  });
}

export async function updateSource(
  deps: Deps,
  input: { workspaceId: string; sourceId: string; actor: Actor; changes: UpdateSourceInput },
): Promise<SourceView> {
  const now = deps.clock.now();
  const before = await findSource(deps, input.workspaceId, input.sourceId);
  const changes = input.changes;
  const updated = await deps.db.transaction().execute(async (tx) => {
    const trx = outboundDb(tx);
    const row = await trx
      .updateTable("outbound_sources")
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.url !== undefined ? { url: changes.url } : {}),
        ...(changes.kind !== undefined ? { kind: changes.kind } : {}),
        ...(changes.maxPages !== undefined ? { max_pages: changes.maxPages } : {}),
        ...(changes.maxDepth !== undefined ? { max_depth: changes.maxDepth } : {}),
        ...(changes.rateLimitMs !== undefined ? { rate_limit_ms: changes.rateLimitMs } : {}),
        ...(changes.schedule !== undefined ? { schedule: changes.schedule } : {}),
        ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
        updated_at: now,
      })
      .where("workspace_id", "=", input.workspaceId)
      .where("id", "=", input.sourceId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound("Source");
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      entityType: "outbound_source",
      entityId: row.id,
      action: "update",
      actor: input.actor,
      before: auditView(toView(before, undefined)),
      after: auditView(toView(row, undefined)),
      at: now,
    });
    return row;
  });
  return toView(updated, (await lastRuns(deps, [updated.id])).get(updated.id));
}

/** Deletes a source with its runs and candidates; the people it landed stay. */
export async function deleteSource(
  deps: Deps,
  input: { workspaceId: string; sourceId: string; actor: Actor },
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const trx = outboundDb(tx);
    const row = await trx
      .deleteFrom("outbound_sources")
      .where("workspace_id", "=", input.workspaceId)
      .where("id", "=", input.sourceId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound("Source");
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      entityType: "outbound_source",
      entityId: row.id,
      action: "delete",
      actor: input.actor,
      before: auditView(toView(row, undefined)),
      after: null,
      at: now,
    });
  });
}
