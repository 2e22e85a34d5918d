import { type Kysely, sql, type Transaction } from "kysely";
import { auditInsert } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import type { DB } from "../platform/db/schema.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { decodeTimeCursor, pageOf } from "../platform/http/cursor.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { enqueueMany } from "../platform/queue/queue.ts";
import { sendJobOf } from "./plan-dispatches.ts";
import {
  type AutomationDB,
  automationDb,
  type DispatchChannel,
  type DispatchStatus,
  type ListDispatchesQuery,
} from "./schemas.ts";

export interface DispatchView {
  id: string;
  contactId: string;
  contactName: string | null;
  channel: DispatchChannel;
  category: "transactional" | "marketing";
  subject: string | null;
  body: string;
  /** The body as the rule rendered it, when a reviewer edited it. */
  originalBody: string | null;
  reason: string;
  status: DispatchStatus;
  ruleId: string | null;
  ruleName: string | null;
  facets: Record<string, string>;
  /** Furthest delivery status the channel reported (WhatsApp: sent, delivered, read, failed). */
  delivery: string | null;
  refusal: string | null;
  lastError: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
  expiresAt: string | null;
  notBefore: string | null;
  sentAt: string | null;
}

const MAX_BATCH = 5000;

function baseQuery(db: Kysely<AutomationDB>, workspaceId: string) {
  return db
    .selectFrom("dispatches as d")
    .innerJoin("contacts as c", "c.id", "d.contact_id")
    .leftJoin("automation_rules as r", "r.id", "d.rule_id")
    .select([
      "d.id",
      "d.contact_id",
      "c.name as contact_name",
      "d.channel",
      "d.category",
      "d.subject",
      "d.body",
      "d.original_body",
      "d.reason",
      "d.status",
      "d.rule_id",
      "r.name as rule_name",
      "d.facets",
      "d.refusal",
      "d.last_error",
      "d.decided_by_label",
      "d.decided_at",
      "d.created_at",
      "d.expires_at",
      "d.not_before",
      "d.sent_at",
      "d.provider_message_id",
      sql<string | null>`(
        select i.status from interactions i
        where i.workspace_id = d.workspace_id and d.provider_message_id is not null
          and i.external_key = 'wa:' || d.provider_message_id
      )`.as("delivery"),
    ])
    .where("d.workspace_id", "=", workspaceId);
}

type DispatchRow = Awaited<ReturnType<ReturnType<typeof baseQuery>["executeTakeFirstOrThrow"]>>;

function dispatchView(row: DispatchRow): DispatchView {
  return {
    id: row.id,
    contactId: row.contact_id,
    contactName: row.contact_name,
    channel: row.channel,
    category: row.category,
    subject: row.subject,
    body: row.body,
    originalBody: row.original_body,
    reason: row.reason,
    status: row.status,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    facets: row.facets,
    delivery: row.delivery,
    refusal: row.refusal,
    lastError: row.last_error,
    decidedBy: row.decided_by_label,
    decidedAt: row.decided_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    notBefore: row.not_before?.toISOString() ?? null,
    sentAt: row.sent_at?.toISOString() ?? null,
  };
}

/** `module:Módulo 2` → a condition on the dispatch's facets. */
function facetFilter(facet: string) {
  const at = facet.indexOf(":");
  return sql<boolean>`d.facets ->> ${facet.slice(0, at)} = ${facet.slice(at + 1)}`;
}

/** The queue, newest first, filtered by status, rule, contact, channel or facet. */
export async function listDispatches(
  deps: Deps,
  input: { workspaceId: string } & ListDispatchesQuery,
): Promise<{
  items: DispatchView[];
  nextCursor: string | null;
  facets: Record<string, Record<string, number>>;
}> {
  const after = decodeTimeCursor(input.cursor);
  const db = automationDb(deps.db);
  const rows = await baseQuery(db, input.workspaceId)
    .$if(input.status !== undefined, (query) => query.where("d.status", "=", input.status as DispatchStatus))
    .$if(input.ruleId !== undefined, (query) => query.where("d.rule_id", "=", input.ruleId as string))
    .$if(input.contactId !== undefined, (query) =>
      query.where("d.contact_id", "=", input.contactId as string),
    )
    .$if(input.channel !== undefined, (query) =>
      query.where("d.channel", "=", input.channel as DispatchChannel),
    )
    .$if(input.facet !== undefined, (query) => query.where(facetFilter(input.facet as string)))
    .$if(after !== null, (query) =>
      query.where(sql<boolean>`(d.created_at, d.id) < (${after?.at}, ${after?.id}::uuid)`),
    )
    .orderBy("d.created_at", "desc")
    .orderBy("d.id", "desc")
    .limit(input.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.created_at);
  // What a reviewer can select a batch by, among the dispatches of this status (e.g. per module).
  const { rows: facetRows } = await sql<{ key: string; value: string; count: number }>`
    select f.key, f.value, count(*)::int as count
    from dispatches d, jsonb_each_text(d.facets) f
    where d.workspace_id = ${input.workspaceId} and d.status = ${input.status ?? "pending"}
    group by f.key, f.value order by f.key, count(*) desc limit 100
  `.execute(deps.db);
  const facets: Record<string, Record<string, number>> = {};
  for (const row of facetRows) facets[row.key] = { ...facets[row.key], [row.value]: row.count };
  return { items: page.map(dispatchView), nextCursor, facets };
}

export async function getDispatch(deps: Deps, input: { workspaceId: string; dispatchId: string }) {
  const row = await baseQuery(automationDb(deps.db), input.workspaceId)
    .where("d.id", "=", input.dispatchId)
    .executeTakeFirst();
  if (!row) throw notFound("Dispatch");
  return dispatchView(row);
}

type Executor = Kysely<DB> | Transaction<DB>;

interface Decision {
  status: "approved" | "rejected";
  actor: Actor;
  body?: string;
  subject?: string;
  note?: string;
}

/** Decides pending, unexpired dispatches in `trx`: approved ones get their send job; all are audited. */
async function decide(
  deps: Deps,
  trx: Executor,
  input: { workspaceId: string; ids: string[]; decision: Decision },
): Promise<string[]> {
  if (input.ids.length === 0) return [];
  const now = deps.clock.now();
  const db = automationDb(trx);
  const { decision } = input;
  const edits = decision.body !== undefined || decision.subject !== undefined;
  const before = edits
    ? await db
        .selectFrom("dispatches")
        .select(["id", "body", "subject"])
        .where("id", "in", input.ids)
        .execute()
    : [];
  const decided = await db
    .updateTable("dispatches")
    .set({
      status: decision.status,
      decided_by_type: decision.actor.type,
      decided_by_id: decision.actor.id,
      decided_by_label: decision.actor.label,
      decided_at: now,
      ...(decision.body !== undefined
        ? { body: decision.body, original_body: sql`coalesce(original_body, body)` }
        : {}),
      ...(decision.subject !== undefined ? { subject: decision.subject } : {}),
      updated_at: now,
    })
    .where("workspace_id", "=", input.workspaceId)
    .where("id", "in", input.ids)
    .where("status", "=", "pending")
    .where((where) => where.or([where("expires_at", "is", null), where("expires_at", ">", now)]))
    .returning(["id", "not_before"])
    .execute();
  if (decided.length === 0) return [];
  if (decision.status === "approved") {
    await enqueueMany(
      trx,
      decided
        .filter((row) => row.not_before === null || row.not_before <= now)
        .map((row) => sendJobOf(row.id)),
    );
  }
  const previous = new Map(before.map((row) => [row.id, row]));
  await auditInsert(
    decided.map((row) => {
      const old = previous.get(row.id);
      const edited = old && (decision.body !== undefined || decision.subject !== undefined);
      return {
        workspaceId: input.workspaceId,
        entityType: "dispatch",
        entityId: row.id,
        action: `dispatch.${decision.status}`,
        actor: decision.actor,
        before: edited ? { status: "pending", body: old.body, subject: old.subject } : { status: "pending" },
        after: {
          status: decision.status,
          ...(edited ? { body: decision.body ?? old.body, subject: decision.subject ?? old.subject } : {}),
          ...(decision.note ? { note: decision.note } : {}),
        },
        at: now,
      };
    }),
  ).execute(trx);
  return decided.map((row) => row.id);
}

/** Why one dispatch can't be decided: gone (404), already decided or expired (409). */
async function explainUndecided(deps: Deps, workspaceId: string, dispatchId: string): Promise<never> {
  const row = await automationDb(deps.db)
    .selectFrom("dispatches")
    .select(["status", "expires_at"])
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", dispatchId)
    .executeTakeFirst();
  if (!row) throw notFound("Dispatch");
  if (row.status === "pending")
    throw new AppError("conflict", "This suggestion expired; it can no longer be sent");
  throw new AppError("conflict", `This dispatch is already ${row.status}`);
}

/** Approves one pending dispatch, optionally with an edited body or subject. */
export async function approveDispatch(
  deps: Deps,
  input: { workspaceId: string; dispatchId: string; actor: Actor; body?: string; subject?: string },
): Promise<DispatchView> {
  const ids = await withTransaction(deps.db, (trx) =>
    decide(deps, trx, {
      workspaceId: input.workspaceId,
      ids: [input.dispatchId],
      decision: {
        status: "approved",
        actor: input.actor,
        ...(input.body !== undefined ? { body: input.body } : {}),
        ...(input.subject !== undefined ? { subject: input.subject } : {}),
      },
    }),
  );
  if (ids.length === 0) await explainUndecided(deps, input.workspaceId, input.dispatchId);
  return getDispatch(deps, input);
}

export async function rejectDispatch(
  deps: Deps,
  input: { workspaceId: string; dispatchId: string; actor: Actor; note?: string },
): Promise<DispatchView> {
  const ids = await withTransaction(deps.db, (trx) =>
    decide(deps, trx, {
      workspaceId: input.workspaceId,
      ids: [input.dispatchId],
      decision: { status: "rejected", actor: input.actor, ...(input.note ? { note: input.note } : {}) },
    }),
  );
  if (ids.length === 0) await explainUndecided(deps, input.workspaceId, input.dispatchId);
  return getDispatch(deps, input);
}

/**
 * Approves or rejects many pending dispatches at once: the ids given, or every pending one a filter
 * selects ("all stalled in Módulo 2"). Sending is throttled by the channel's rate, not here.
 */
export async function decideMany(
  deps: Deps,
  input: {
    workspaceId: string;
    actor: Actor;
    status: "approved" | "rejected";
    ids?: string[];
    filter?: { ruleId?: string; channel?: DispatchChannel; facet?: string };
  },
): Promise<{ decided: number; ids: string[] }> {
  return withTransaction(deps.db, async (trx) => {
    let ids = input.ids ?? [];
    if (input.filter) {
      const filter = input.filter;
      const rows = await automationDb(trx)
        .selectFrom("dispatches as d")
        .select("d.id")
        .where("d.workspace_id", "=", input.workspaceId)
        .where("d.status", "=", "pending")
        .$if(filter.ruleId !== undefined, (query) => query.where("d.rule_id", "=", filter.ruleId as string))
        .$if(filter.channel !== undefined, (query) =>
          query.where("d.channel", "=", filter.channel as DispatchChannel),
        )
        .$if(filter.facet !== undefined, (query) => query.where(facetFilter(filter.facet as string)))
        .orderBy("d.created_at")
        .limit(MAX_BATCH)
        .execute();
      ids = rows.map((row) => row.id);
    }
    const decided = await decide(deps, trx, {
      workspaceId: input.workspaceId,
      ids,
      decision: { status: input.status, actor: input.actor },
    });
    return { decided: decided.length, ids: decided };
  });
}

/** Marks suggestions nobody decided in time as expired. */
export async function expireStaleDispatches(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const rows = await automationDb(deps.db)
    .updateTable("dispatches")
    .set({ status: "expired", updated_at: now })
    .where("status", "=", "pending")
    .where("expires_at", "<=", now)
    .returning("id")
    .execute();
  return rows.length;
}
