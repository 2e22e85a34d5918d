import { type OperationNodeSource, sql } from "kysely";
import type { Actor } from "../auth/schemas.ts";
import { type ContactView, toContactView } from "../contacts/get-contact.ts";
import type { NormalizedLead } from "../contacts/normalize-lead.ts";
import { newContactInserts, planNewContact } from "../contacts/plan-new-contact.ts";
import { upsertContact } from "../contacts/upsert-contact.ts";
import type { Deps } from "../deps.ts";
import type { Settled } from "../platform/batcher.ts";
import { executeAsOneStatement } from "../platform/db/one-statement.ts";
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
export async function ingestLeads(deps: Deps, items: IngestItem[]): Promise<Settled<IngestResult>[]> {
  const results: Settled<IngestResult>[] = new Array(items.length);
  const owned = new Set<string>();
  const keys = items.flatMap((item) =>
    item.lead.identities.map((identity) => ({ workspaceId: item.workspaceId, ...identity })),
  );
  if (keys.length > 0) {
    // One index probe per key (a LATERAL … LIMIT 1 keeps the planner off a sequential scan).
    const { rows } = await sql<{ workspace_id: string; kind: string; value: string }>`
      select t.workspace_id, t.kind, t.value
      from unnest(
        ${keys.map((key) => key.workspaceId)}::uuid[],
        ${keys.map((key) => key.kind)}::text[],
        ${keys.map((key) => key.value)}::text[]
      ) as t(workspace_id, kind, value)
      cross join lateral (
        select 1 from contact_identities ci
        where ci.workspace_id = t.workspace_id and ci.kind = t.kind and ci.value = t.value
        limit 1
      ) as found
    `.execute(deps.db);
    for (const row of rows) owned.add(identityKey(row.workspace_id, row.kind, row.value));
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

  for (const index of slow.sort((a, b) => a - b)) {
    const item = items[index] as IngestItem;
    results[index] = await ingestOne(deps, item).then(
      (value): Settled<IngestResult> => ({ ok: true, value }),
      (error: unknown): Settled<IngestResult> => ({ ok: false, error }),
    );
  }
  return results;
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
      deps.db.insertInto("inbox_events").values(
        newEvents.map(({ item, event, contactId }) => ({
          id: item.eventId,
          workspace_id: item.workspaceId,
          source: event.source,
          idempotency_key: event.idempotencyKey,
          content_type: event.contentType,
          headers: JSON.stringify(event.headers),
          body: event.body,
          status: "processed" as const,
          attempts: 1,
          contact_id: contactId,
          received_at: item.at,
          processed_at: now,
        })),
      ),
    );
  }
  const storedEvents = items.flatMap((item, index) =>
    item.event.kind === "stored" ? [sql`(${item.eventId}::uuid, ${contacts[index]?.id ?? null}::uuid)`] : [],
  );
  if (storedEvents.length > 0) {
    inserts.push(sql`
      update inbox_events as e
      set status = 'processed', attempts = e.attempts + 1, error = null, contact_id = v.contact_id, processed_at = ${now}
      from (values ${sql.join(storedEvents)}) as v(id, contact_id)
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
  const now = deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
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
  });
}
