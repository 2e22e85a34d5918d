import { type OperationNodeSource, sql } from "kysely";
import { auditInsert } from "../audit/record-audit.ts";
import { insertJsonRows, type JsonColumnType, updateJsonRows } from "../platform/db/one-statement.ts";
import { type Executor, lockMergeTargets } from "./internal/contact-store.ts";
import { type Arrival, type ArrivalPlan, identityKey, planArrivals } from "./internal/plan-arrivals.ts";
import { CONTACT_COLUMNS, TOUCH_COLUMNS } from "./plan-new-contact.ts";

/**
 * The stored owners of the arrivals' identity keys, as identityKey → contact id. ONE query (one index
 * probe per key: a LATERAL … LIMIT 1 keeps the planner off a sequential scan).
 */
export async function findIdentityOwners(db: Executor, arrivals: Arrival[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  const keys = arrivals.flatMap((arrival) =>
    arrival.lead.identities.map((identity) => ({ workspaceId: arrival.workspaceId, ...identity })),
  );
  if (keys.length === 0) return owners;
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
  `.execute(db);
  for (const row of rows) owners.set(identityKey(row.workspace_id, row.kind, row.value), row.contact_id);
  return owners;
}

/** The `eventId\0contactId` pairs that already have a touch, for arrivals seen before (replays). */
async function findSeenTouches(db: Executor, arrivals: Arrival[]): Promise<Set<string>> {
  const eventIds = arrivals.flatMap((arrival) =>
    arrival.eventId !== null && !arrival.isFirstDelivery ? [arrival.eventId] : [],
  );
  if (eventIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("contact_touches")
    .select(["event_id", "contact_id"])
    .where("event_id", "in", eventIds)
    .execute();
  return new Set(rows.map((row) => `${row.event_id}\u0000${row.contact_id}`));
}

/**
 * One person per workspace, for many arrivals in order (see planArrivals for the rules): reads the
 * identity owners (unless given), locks and reads the contacts they name, plans every merge and
 * creation in memory, and returns the plan with the statements that store it (contacts created and
 * updated, identities, touches, merge records, audit), to run as ONE statement with the rest of the
 * caller's writes, in the caller's transaction (required when owners were found: they are locked).
 * A unique violation when it runs means someone claimed a key meanwhile: retry.
 */
export async function upsertContacts(
  db: Executor,
  arrivals: Arrival[],
  options: { owners?: Map<string, string> } = {},
): Promise<{ plan: ArrivalPlan; writes: OperationNodeSource[] }> {
  const owners = options.owners ?? (await findIdentityOwners(db, arrivals));
  const targets = await lockMergeTargets(db, [...new Set(owners.values())]);
  const seenTouches = await findSeenTouches(db, arrivals);
  const plan = planArrivals(arrivals, { owners, targets, seenTouches });
  return { plan, writes: arrivalWrites(plan) };
}

const UPDATED_COLUMNS: Record<string, JsonColumnType> = {
  id: "uuid",
  name: "text",
  email: "text",
  phone: "text",
  instagram: "text",
  city: "text",
  interest: "text",
  income: "double precision",
  custom: "jsonb",
  secondary: "jsonb",
  invalid: "jsonb",
  tags: "text[]",
  last_source: "text",
  first_touch_at: "timestamptz",
  last_touch_at: "timestamptz",
  updated_at: "timestamptz",
  deleted_at: "timestamptz",
};

const MERGE_COLUMNS: Record<string, JsonColumnType> = {
  id: "uuid",
  workspace_id: "uuid",
  target_id: "uuid",
  source_id: "uuid",
  touch_id: "uuid",
  target_before: "jsonb",
  target_after: "jsonb",
  moved_identities: "jsonb",
  actor: "jsonb",
  at: "timestamptz",
};

/** The statements that store a plan: one per table, each with its rows as one JSON parameter. */
function arrivalWrites(plan: ArrivalPlan): OperationNodeSource[] {
  const writes: OperationNodeSource[] = [];
  if (plan.created.length > 0) {
    writes.push(insertJsonRows("contacts", CONTACT_COLUMNS, plan.created));
  }
  if (plan.updated.length > 0) {
    writes.push(updateJsonRows("contacts", "id", UPDATED_COLUMNS, plan.updated));
  }
  if (plan.identities.length > 0) {
    writes.push(
      insertJsonRows(
        "contact_identities",
        { workspace_id: "uuid", kind: "text", value: "text", contact_id: "uuid" },
        plan.identities,
      ),
    );
  }
  if (plan.touches.length > 0) writes.push(insertJsonRows("contact_touches", TOUCH_COLUMNS, plan.touches));
  if (plan.merges.length > 0) {
    writes.push(insertJsonRows("contact_merges", MERGE_COLUMNS, plan.merges));
  }
  if (plan.audit.length > 0) writes.push(auditInsert(plan.audit));
  return writes;
}
