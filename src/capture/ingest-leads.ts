import { type OperationNodeSource, sql, type Transaction } from "kysely";
import type { Actor } from "../auth/schemas.ts";
import { type ContactView, toContactView } from "../contacts/get-contact.ts";
import type { NormalizedLead } from "../contacts/normalize-lead.ts";
import { newContactInserts, planNewContact } from "../contacts/plan-new-contact.ts";
import { upsertContact } from "../contacts/upsert-contact.ts";
import type { Deps } from "../deps.ts";
import type { Settled } from "../platform/batcher.ts";
import { executeAsOneStatement, insertJsonRows } from "../platform/db/one-statement.ts";
import type { DB } from "../platform/db/schema.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { planNewScores } from "../scoring/plan-new-scores.ts";
import { scoreContact } from "../scoring/score-contact.ts";

/** A raw request to store in the inbox, already processed (the API door). */
export interface NewEvent {
  kind: "new";
  source: string;
  idempotencyKey: string;
  contentType: string | null;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** An event already in the inbox (webhooks, replays). */
export interface StoredEvent {
  kind: "stored";
  /** No touch can exist for it yet (first processing). */
  isFirstDelivery: boolean;
}

export interface IngestItem {
  workspaceId: string;
  lead: NormalizedLead;
  actor: Actor;
  /** When the lead reached us (the touch time). */
  at: Date;
  eventId: string;
  event: NewEvent | StoredEvent;
}

export interface IngestResult {
  outcome: "created" | "merged";
  contact: ContactView;
}

/** Two arrivals of one idempotency key raced; the caller answers with the first one's result. */
export class RepeatedRequestError extends Error {
  constructor() {
    super("repeated request");
  }
}

const identityKey = (workspaceId: string, kind: string, value: string) =>
  `${workspaceId}\u0000${kind}\u0000${value}`;

/**
 * The spine, for many leads at once. Leads whose identity keys nobody owns (and no earlier lead in the
 * batch shares) are new people: planned in memory and written — contacts, identities, touches, audit,
 * scores, history, inbox — in ONE statement. The others, and every lead of a batch whose statement
 * failed (someone claimed a key meanwhile), go one by one through the transactional upsert.
 */
export async function ingestLeads(
  deps: Deps,
  items: IngestItem[],
  options: {
    /**
     * Bulk callers (imports) that can redo the whole set: the leads that match someone go through
     * the transactional path with one commit per lane instead of one per lead, in parallel lanes on
     * PostgreSQL (leads sharing an identity key or an owner stay in one lane, in order).
     */
    matchesInOneTransaction?: boolean;
  } = {},
): Promise<Settled<IngestResult>[]> {
  const results: Settled<IngestResult>[] = new Array(items.length);
  /** Identity key → the contact that owns it. */
  const owned = new Map<string, string>();
  const keys = items.flatMap((item) =>
    item.lead.identities.map((identity) => ({ workspaceId: item.workspaceId, ...identity })),
  );
  if (keys.length > 0) {
    // One index probe per key (a LATERAL … LIMIT 1 keeps the planner off a sequential scan).
    const { rows } = await sql<{ workspace_id: string; kind: string; value: string; contact_id: string }>`
      select t.workspace_id, t.kind, t.value, found.contact_id
      from unnest(
        ${keys.map((key) => key.workspaceId)}::uuid[],
        ${keys.map((key) => key.kind)}::text[],
        ${keys.map((key) => key.value)}::text[]
      ) as t(workspace_id, kind, value)
      cross join lateral (
        select ci.contact_id from contact_identities ci
        where ci.workspace_id = t.workspace_id and ci.kind = t.kind and ci.value = t.value
        limit 1
      ) as found
    `.execute(deps.db);
    for (const row of rows) owned.set(identityKey(row.workspace_id, row.kind, row.value), row.contact_id);
  }

  const fresh: number[] = [];
  const slow: number[] = [];
  const claimed = new Set<string>();
  items.forEach((item, index) => {
    const keys = item.lead.identities.map((i) => identityKey(item.workspaceId, i.kind, i.value));
    const isNewPerson = item.event.kind === "new" || item.event.isFirstDelivery;
    if (isNewPerson && keys.every((key) => !owned.has(key) && !claimed.has(key))) {
      for (const key of keys) claimed.add(key);
      fresh.push(index);
    } else {
      slow.push(index);
    }
  });

  if (fresh.length > 0) {
    const isWritten = await writeNewPeople(
      deps,
      fresh.map((index) => items[index] as IngestItem),
    ).then(
      (written) => {
        written.forEach((result, position) => {
          results[fresh[position] as number] = { ok: true, value: result };
        });
        return true;
      },
      () => false,
    );
    if (!isWritten) slow.unshift(...fresh);
  }

  slow.sort((a, b) => a - b);
  if (options.matchesInOneTransaction && slow.length > 1) {
    const lanes = matchLanes(slow, items, owned, deps.database.kind === "postgres" ? MATCH_LANES : 1);
    await Promise.all(
      lanes.map(async (lane) => {
        const settled = await ingestInOneTransaction(
          deps,
          lane.map((index) => items[index] as IngestItem),
        );
        settled.forEach((result, position) => {
          results[lane[position] as number] = result;
        });
      }),
    );
    return results;
  }
  for (const index of slow) {
    const item = items[index] as IngestItem;
    results[index] = await ingestOne(deps, item).then(
      (value): Settled<IngestResult> => ({ ok: true, value }),
      (error: unknown): Settled<IngestResult> => ({ ok: false, error }),
    );
  }
  return results;
}

/** Parallel transactions for the matches of one bulk call (PostgreSQL; PGlite has one connection). */
const MATCH_LANES = 4;

/**
 * Splits `indexes` (in order) into at most `count` lanes that share no identity key and no owner:
 * leads linked by a key or by the contact owning one stay together, in their order, so lanes never
 * wait on each other's rows.
 */
function matchLanes(
  indexes: number[],
  items: IngestItem[],
  owned: Map<string, string>,
  count: number,
): number[][] {
  if (count <= 1) return [indexes];
  const parent = new Map<string, string>();
  const find = (node: string): string => {
    let root = node;
    for (let next = parent.get(root); next !== undefined && next !== root; next = parent.get(root)) {
      root = next;
    }
    parent.set(node, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const rootA = find(a);
    const rootB = find(b);
    if (rootA !== rootB) parent.set(rootA, rootB);
  };
  const anchors = indexes.map((index) => {
    const item = items[index] as IngestItem;
    const anchor = `item\u0000${index}`;
    parent.set(anchor, anchor);
    for (const identity of item.lead.identities) {
      const key = identityKey(item.workspaceId, identity.kind, identity.value);
      if (!parent.has(key)) parent.set(key, key);
      union(anchor, key);
      const owner = owned.get(key);
      if (owner !== undefined) {
        const ownerNode = `contact\u0000${owner}`;
        if (!parent.has(ownerNode)) parent.set(ownerNode, ownerNode);
        union(anchor, ownerNode);
      }
    }
    return anchor;
  });
  const groups = new Map<string, number[]>();
  indexes.forEach((index, position) => {
    const root = find(anchors[position] as string);
    const group = groups.get(root);
    if (group) group.push(index);
    else groups.set(root, [index]);
  });
  // Largest groups first, each to the lightest lane; each lane keeps the original order.
  const lanes: number[][] = Array.from({ length: count }, () => []);
  for (const group of [...groups.values()].sort((a, b) => b.length - a.length)) {
    const lightest = lanes.reduce((best, lane) => (lane.length < best.length ? lane : best));
    lightest.push(...group);
  }
  return lanes.filter((lane) => lane.length > 0).map((lane) => lane.sort((a, b) => a - b));
}

const SAVEPOINT_ATTEMPTS = 4;
// serialization_failure, deadlock_detected, unique_violation (as platform/db/transaction.ts retries)
const RETRYABLE_CODES = new Set(["40001", "40P01", "23505"]);

function isRetryable(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  if ("isRetryable" in error && error.isRetryable === true) return true;
  return "code" in error && typeof error.code === "string" && RETRYABLE_CODES.has(error.code);
}

/**
 * The transactional path for many leads with one commit, in order, so a later lead sees what an
 * earlier one wrote. When a lead fails, the set is redone with each lead in its own savepoint (the
 * failed lead is rolled back alone and reported; a lost race is retried). For bulk callers (imports) that can redo the whole set if the commit
 * fails; requests keep one transaction each (ingestOne).
 */
async function ingestInOneTransaction(deps: Deps, items: IngestItem[]): Promise<Settled<IngestResult>[]> {
  // Usually every lead goes through: no savepoints, one round trip less per lead and one commit.
  const all = await withTransaction(deps.db, async (trx) => {
    const values: IngestResult[] = [];
    for (const item of items) values.push(await ingestOneIn(deps, trx, item));
    return values;
  }).catch(() => null);
  if (all) return all.map((value) => ({ ok: true, value }));
  // Some lead failed: again, each lead in its own savepoint.
  return withTransaction(deps.db, async (trx) => {
    const results: Settled<IngestResult>[] = [];
    for (const item of items) {
      for (let attempt = 1; ; attempt++) {
        await sql`savepoint ingest_lead`.execute(trx);
        try {
          const value = await ingestOneIn(deps, trx, item);
          await sql`release savepoint ingest_lead`.execute(trx);
          results.push({ ok: true, value });
          break;
        } catch (error) {
          await sql`rollback to savepoint ingest_lead`.execute(trx);
          if (attempt < SAVEPOINT_ATTEMPTS && isRetryable(error)) continue;
          results.push({ ok: false, error });
          break;
        }
      }
    }
    return results;
  });
}

async function writeNewPeople(deps: Deps, items: IngestItem[]): Promise<IngestResult[]> {
  const now = deps.clock.now();
  const plans = items.map((item) =>
    planNewContact({
      workspaceId: item.workspaceId,
      lead: item.lead,
      actor: item.actor,
      at: item.at,
      eventId: item.eventId,
    }),
  );
  const contacts = plans.map((plan) => plan.contact);
  const scores = await planNewScores(deps.db, contacts, now);
  const inserts: OperationNodeSource[] = [...newContactInserts(deps.db, plans), ...scores.inserts];
  const newEvents = items.flatMap((item, index) =>
    item.event.kind === "new" ? [{ item, event: item.event, contactId: contacts[index]?.id ?? "" }] : [],
  );
  if (newEvents.length > 0) {
    inserts.push(
      insertJsonRows(
        "inbox_events",
        {
          id: "uuid",
          workspace_id: "uuid",
          source: "text",
          idempotency_key: "text",
          content_type: "text",
          headers: "jsonb",
          body: "bytea-hex",
          status: "text",
          attempts: "integer",
          contact_id: "uuid",
          received_at: "timestamptz",
          processed_at: "timestamptz",
        },
        newEvents.map(({ item, event, contactId }) => ({
          id: item.eventId,
          workspace_id: item.workspaceId,
          source: event.source,
          idempotency_key: event.idempotencyKey,
          content_type: event.contentType,
          headers: event.headers,
          body: Buffer.from(event.body.buffer, event.body.byteOffset, event.body.byteLength).toString("hex"),
          status: "processed",
          attempts: 1,
          contact_id: contactId,
          received_at: item.at,
          processed_at: now,
        })),
      ),
    );
  }
  const storedEvents = items.flatMap((item, index) =>
    item.event.kind === "stored" ? [{ id: item.eventId, contact_id: contacts[index]?.id ?? null }] : [],
  );
  if (storedEvents.length > 0) {
    inserts.push(sql`
      update inbox_events as e
      set status = 'processed', attempts = e.attempts + 1, error = null, contact_id = v.contact_id, processed_at = ${now}
      from jsonb_to_recordset(${JSON.stringify(storedEvents)}::jsonb) as v(id uuid, contact_id uuid)
      where e.id = v.id
    `);
  }
  await executeAsOneStatement(deps.db, inserts);
  return plans.map((plan) => {
    const score = scores.results.get(plan.contact.id);
    return {
      outcome: "created" as const,
      contact: toContactView(
        plan.contact,
        plan.identities,
        [plan.lead.source],
        score ? { ...score, scored_at: now } : undefined,
      ),
    };
  });
}

/** One lead through the transactional path: match, merge or create, score, record the event. */
export async function ingestOne(deps: Deps, item: IngestItem): Promise<IngestResult> {
  return withTransaction(deps.db, (trx) => ingestOneIn(deps, trx, item));
}

async function ingestOneIn(deps: Deps, trx: Transaction<DB>, item: IngestItem): Promise<IngestResult> {
  const now = deps.clock.now();
  const upserted = await upsertContact(trx, {
    workspaceId: item.workspaceId,
    lead: item.lead,
    actor: item.actor,
    at: item.at,
    eventId: item.eventId,
    isFirstDelivery: item.event.kind === "new" || item.event.isFirstDelivery,
  });
  const isNew = upserted.outcome === "created";
  const score = await scoreContact(trx, { contact: upserted.contact, at: now, isNew });
  if (item.event.kind === "new") {
    const inserted = await trx
      .insertInto("inbox_events")
      .values({
        id: item.eventId,
        workspace_id: item.workspaceId,
        source: item.event.source,
        idempotency_key: item.event.idempotencyKey,
        content_type: item.event.contentType,
        headers: JSON.stringify(item.event.headers),
        body: item.event.body,
        status: "processed",
        attempts: 1,
        contact_id: upserted.contact.id,
        received_at: item.at,
        processed_at: now,
      })
      .onConflict((oc) => oc.columns(["workspace_id", "source", "idempotency_key"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) throw new RepeatedRequestError();
  } else {
    await trx
      .updateTable("inbox_events")
      .set((eb) => ({
        status: "processed",
        attempts: eb("attempts", "+", 1),
        error: null,
        contact_id: upserted.contact.id,
        processed_at: now,
      }))
      .where("id", "=", item.eventId)
      .execute();
  }
  const sources = isNew
    ? [item.lead.source]
    : (
        await trx
          .selectFrom("contact_touches")
          .select("source")
          .where("contact_id", "=", upserted.contact.id)
          .groupBy("source")
          .orderBy((eb) => eb.fn.min("at"))
          .execute()
      ).map((row) => row.source);
  return {
    outcome: upserted.outcome,
    contact: toContactView(upserted.contact, upserted.identities, sources, { ...score, scored_at: now }),
  };
}
