import { type OperationNodeSource, sql, type Transaction } from "kysely";
import type { Actor } from "../auth/schemas.ts";
import { automationEventWrites } from "../automation/emit-automation-event.ts";
import type { AutomationEventInput } from "../automation/schemas.ts";
import { type ContactView, toContactView } from "../contacts/get-contact.ts";
import type { Executor } from "../contacts/internal/contact-store.ts";
import { type Arrival, identityKey } from "../contacts/internal/plan-arrivals.ts";
import type { NormalizedLead } from "../contacts/normalize-lead.ts";
import { findIdentityOwners, upsertContacts } from "../contacts/upsert-contact.ts";
import type { Deps } from "../deps.ts";
import type { Settled } from "../platform/batcher.ts";
import { executeAsOneStatement, insertJsonRows } from "../platform/db/one-statement.ts";
import type { DB } from "../platform/db/schema.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { planScores } from "../scoring/score-contact.ts";

/** A raw request to store in the inbox, already processed (the API door). */
export interface NewEvent {
  kind: "new";
  source: string;
  idempotencyKey: string;
  contentType: string | null;
  headers: Record<string, string>;
  /** The raw bytes, or a text (stored as its UTF-8 bytes) when the caller wrote the body itself. */
  body: Uint8Array | string;
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
  /** A row of the historical base (imports): stored and scored, but no automation rule runs for it. */
  isHistorical?: boolean;
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

const arrivalOf = (item: IngestItem): Arrival => ({
  workspaceId: item.workspaceId,
  lead: item.lead,
  actor: item.actor,
  at: item.at,
  eventId: item.eventId,
  isFirstDelivery: item.event.kind === "new" || item.event.isFirstDelivery,
});

/**
 * The spine, for many leads at once, as a set: one identity lookup; when someone owns a key, one
 * locked read of those contacts; every creation and merge planned in memory in the leads' order
 * (contacts/upsert-contact.ts), every contact scored (scoring/score-contact.ts); then ONE statement
 * writes it all — contacts, identities, touches, merge records, audit, scores, history, inbox rows.
 * If that fails (a lead that cannot be stored, someone claimed a key meanwhile, a repeated request),
 * the leads go again one by one through the same code, each in its own transaction (or savepoint).
 */
export async function ingestLeads(
  deps: Deps,
  items: IngestItem[],
  options: {
    /**
     * Bulk callers (imports) that can redo the whole set: when the set fails, the leads go through
     * the transactional path with one commit per lane instead of one per lead, in parallel lanes on
     * PostgreSQL (leads sharing an identity key or an owner stay in one lane, in order).
     */
    matchesInOneTransaction?: boolean;
    /**
     * A set of the same caller still being written (imports keep two chunks in flight): when this
     * set shares an identity key or a contact with it, it waits until that one has ended.
     */
    inFlight?: SetClaims & { settled: Promise<unknown> };
    /** Called once the set's keys and the contacts owning them are known (the next set may start). */
    onClaimed?: (claims: SetClaims) => void;
  } = {},
): Promise<Settled<IngestResult>[]> {
  if (items.length === 0) return [];
  const arrivals = items.map(arrivalOf);
  const keys = new Set(
    arrivals.flatMap((arrival) =>
      arrival.lead.identities.map((identity) =>
        identityKey(arrival.workspaceId, identity.kind, identity.value),
      ),
    ),
  );
  let owners = await findIdentityOwners(deps.db, arrivals).catch(() => null);
  const { inFlight } = options;
  if (inFlight && (!owners || sharesWith(inFlight, keys, owners))) {
    // Same person as a lead still being written: its keys and contacts are read once it has ended.
    await inFlight.settled.catch(() => undefined);
    owners = await findIdentityOwners(deps.db, arrivals).catch(() => null);
  }
  if (owners) {
    options.onClaimed?.({ keys, contacts: new Set(owners.values()) });
    // Nobody to lock: the statement alone is atomic, no transaction needed.
    const needsLock = owners.size > 0 || arrivals.some((arrival) => !arrival.isFirstDelivery);
    const written = await (needsLock
      ? deps.db.transaction().execute((trx) => ingestSetIn(deps, trx, items, owners))
      : ingestSetIn(deps, deps.db, items, owners)
    ).catch((error: unknown) => {
      // The code and constraint only: a message or detail may quote the values.
      const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
      deps.log.info({ leads: items.length, code, constraint }, "leads set failed, one by one now");
      return null;
    });
    if (written) return written.map((value) => ({ ok: true, value }));
  }

  // One by one: never beside a set still being written.
  await inFlight?.settled.catch(() => undefined);
  const all = items.map((_, index) => index);
  if (options.matchesInOneTransaction && items.length > 1) {
    const results: Settled<IngestResult>[] = new Array(items.length);
    const lanes = matchLanes(
      all,
      items,
      owners ?? new Map(),
      deps.database.kind === "postgres" ? MATCH_LANES : 1,
    );
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
  const results: Settled<IngestResult>[] = [];
  for (const item of items) {
    results.push(
      await ingestOne(deps, item).then(
        (value): Settled<IngestResult> => ({ ok: true, value }),
        (error: unknown): Settled<IngestResult> => ({ ok: false, error }),
      ),
    );
  }
  return results;
}

/** The identity keys of a set of leads and the stored contacts owning any of them. */
export interface SetClaims {
  keys: Set<string>;
  contacts: Set<string>;
}

function sharesWith(claims: SetClaims, keys: Set<string>, owners: Map<string, string>): boolean {
  for (const key of keys) if (claims.keys.has(key)) return true;
  for (const contactId of owners.values()) if (claims.contacts.has(contactId)) return true;
  return false;
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

const EVENT_COLUMNS = {
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
} as const;

/** The inbox rows of the items: new ones inserted processed, stored ones marked processed. */
function eventWrites(items: IngestItem[], contactIds: string[], now: Date): OperationNodeSource[] {
  const writes: OperationNodeSource[] = [];
  const binary: Record<string, unknown>[] = [];
  const text: Record<string, unknown>[] = [];
  const stored: { id: string; contact_id: string }[] = [];
  items.forEach((item, index) => {
    const contactId = contactIds[index] as string;
    if (item.event.kind === "stored") {
      stored.push({ id: item.eventId, contact_id: contactId });
      return;
    }
    const { body } = item.event;
    (typeof body === "string" ? text : binary).push({
      id: item.eventId,
      workspace_id: item.workspaceId,
      source: item.event.source,
      idempotency_key: item.event.idempotencyKey,
      content_type: item.event.contentType,
      headers: item.event.headers,
      body:
        typeof body === "string"
          ? body
          : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("hex"),
      status: "processed",
      attempts: 1,
      contact_id: contactId,
      received_at: item.at,
      processed_at: now,
    });
  });
  // A repeated idempotency key fails the statement (unique violation): see ingestSetIn.
  if (binary.length > 0) writes.push(insertJsonRows("inbox_events", EVENT_COLUMNS, binary));
  if (text.length > 0) {
    writes.push(insertJsonRows("inbox_events", { ...EVENT_COLUMNS, body: "bytea-text" }, text));
  }
  if (stored.length > 0) {
    writes.push(sql`
      update inbox_events as e
      set status = 'processed', attempts = e.attempts + 1, error = null, contact_id = v.contact_id, processed_at = ${now}
      from jsonb_to_recordset(${JSON.stringify(stored)}::jsonb) as v(id uuid, contact_id uuid)
      where e.id = v.id
    `);
  }
  return writes;
}

/**
 * Leads → people, scores and inbox rows, planned in memory and written in ONE statement, in `db`
 * (a transaction when `owners` names anyone: those contacts are locked). A repeated idempotency key
 * raises RepeatedRequestError; another unique violation means a key was claimed meanwhile (retry).
 */
async function ingestSetIn(
  deps: Deps,
  db: Executor,
  items: IngestItem[],
  owners?: Map<string, string>,
): Promise<IngestResult[]> {
  const now = deps.clock.now();
  const { plan, writes } = await upsertContacts(db, items.map(arrivalOf), owners ? { owners } : {});
  const scores = await planScores(
    db,
    plan.outcomes.map((outcome) => ({ contact: outcome.contact, isNew: outcome.isNewContact })),
    now,
  );
  const contactIds = plan.outcomes.map((outcome) => outcome.contact.id);
  const automation = await automationEventWrites(
    db,
    plan.outcomes.flatMap((outcome, index): AutomationEventInput[] => {
      const item = items[index];
      const score = scores.results[index];
      if (!item || item.isHistorical) return [];
      const contactId = outcome.contact.id;
      const base = { workspaceId: item.workspaceId, contactId };
      return [
        ...(outcome.isNewContact
          ? [
              {
                ...base,
                event: "lead.created" as const,
                key: `lead:${contactId}:created`,
                data: { source: item.lead.source },
              },
            ]
          : []),
        ...(score && score.previousTemperature !== score.temperature
          ? [
              {
                ...base,
                event: "lead.temperature_changed" as const,
                key: `lead:${contactId}:temperature:${item.eventId}`,
                data: {
                  temperature: score.temperature,
                  previous: score.previousTemperature,
                  score: score.score,
                },
              },
            ]
          : []),
      ];
    }),
  );
  try {
    await executeAsOneStatement(db, [
      ...writes,
      ...scores.writes,
      ...eventWrites(items, contactIds, now),
      ...automation,
    ]);
  } catch (error) {
    if (isUniqueViolation(error, "inbox_events_idempotency")) throw new RepeatedRequestError();
    throw error;
  }
  return plan.outcomes.map((outcome, index) => {
    const score = scores.results[index];
    let view: ContactView | null = null;
    return {
      outcome: outcome.outcome,
      // Built when asked for (imports only count outcomes).
      get contact() {
        view ??= toContactView(
          outcome.contact,
          outcome.identities,
          outcome.sources,
          score ? { ...score, scored_at: now } : undefined,
        );
        return view;
      },
    };
  });
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (
    !!error &&
    typeof error === "object" &&
    "code" in error &&
    error.code === "23505" &&
    "constraint" in error &&
    error.constraint === constraint
  );
}

/** One lead through the transactional path: match, merge or create, score, record the event. */
export async function ingestOne(deps: Deps, item: IngestItem): Promise<IngestResult> {
  return withTransaction(deps.db, (trx) => ingestOneIn(deps, trx, item));
}

async function ingestOneIn(deps: Deps, trx: Transaction<DB>, item: IngestItem): Promise<IngestResult> {
  const [result] = await ingestSetIn(deps, trx, [item]);
  if (!result) throw new Error("no result");
  return result;
}
