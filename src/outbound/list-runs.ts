import type { Selectable } from "kysely";
import type { Deps } from "../deps.ts";
import { decodeCursor, encodeCursor, olderThanCursor, pageOf } from "../platform/http/cursor.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import {
  type CandidateOutcome,
  type CandidateView,
  type OutboundRunsTable,
  outboundDb,
  type RunView,
} from "./schemas.ts";

type RunRow = Selectable<OutboundRunsTable> & { source_name: string | null };

function toView(row: RunRow): RunView {
  return {
    id: row.id,
    sourceId: row.source_id,
    sourceName: row.source_name,
    trigger: row.trigger,
    status: row.status,
    pagesCap: row.pages_cap,
    pagesFetched: row.pages_fetched,
    pagesRefused: row.pages_refused,
    pagesFailed: row.pages_failed,
    candidates: row.candidates,
    newCount: row.new_count,
    knownCount: row.known_count,
    invalidCount: row.invalid_count,
    errors: row.errors,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

function invalidCursor() {
  return new AppError("invalid_input", "The cursor is not valid", [
    { field: "cursor", message: "invalid cursor" },
  ]);
}

function runsQuery(deps: Deps, workspaceId: string) {
  return outboundDb(deps.db)
    .selectFrom("outbound_runs as r")
    .leftJoin("outbound_sources as s", "s.id", "r.source_id")
    .selectAll("r")
    .select("s.name as source_name")
    .where("r.workspace_id", "=", workspaceId);
}

/** The workspace's runs, newest first (optionally of one source), keyset-paginated. */
export async function listRuns(
  deps: Deps,
  input: { workspaceId: string; sourceId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: RunView[]; nextCursor: string | null }> {
  let query = runsQuery(deps, input.workspaceId)
    .orderBy("r.created_at", "desc")
    .orderBy("r.id", "desc")
    .limit(input.limit + 1);
  if (input.sourceId) query = query.where("r.source_id", "=", input.sourceId);
  const after = olderThanCursor(input.cursor, "r.created_at", "r.id");
  if (after) query = query.where(after);
  const rows = await query.execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.created_at);
  return { items: page.map(toView), nextCursor };
}

/** One run with its counts and progress; 404 outside the workspace. */
export async function getRun(deps: Deps, input: { workspaceId: string; runId: string }): Promise<RunView> {
  const row = await runsQuery(deps, input.workspaceId).where("r.id", "=", input.runId).executeTakeFirst();
  if (!row) throw notFound("Run");
  return toView(row);
}

/** A run's candidates in the order found, keyset-paginated, optionally by outcome. */
export async function listCandidates(
  deps: Deps,
  input: {
    workspaceId: string;
    runId: string;
    outcome?: CandidateOutcome | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<{ items: CandidateView[]; nextCursor: string | null }> {
  await getRun(deps, { workspaceId: input.workspaceId, runId: input.runId });
  let query = outboundDb(deps.db)
    .selectFrom("outbound_candidates")
    .selectAll()
    .where("run_id", "=", input.runId)
    .orderBy("seq")
    .limit(input.limit + 1);
  if (input.outcome) query = query.where("outcome", "=", input.outcome);
  const after = decodeCursor(input.cursor);
  if (after) {
    const [seq] = after;
    if (typeof seq !== "string" || !/^\d{1,19}$/.test(seq)) throw invalidCursor();
    query = query.where("seq", ">", seq);
  }
  const rows = await query.execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      key: row.key,
      name: row.name,
      email: row.email,
      instagram: row.instagram,
      youtube: row.youtube,
      tiktok: row.tiktok,
      foundOn: row.found_on,
      outcome: row.outcome,
      reason: row.reason,
      contactId: row.contact_id,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor([String(last.seq)]) : null,
  };
}
