import { type Kysely, sql, type Transaction } from "kysely";
import type { ContactRow, DB } from "../../platform/db/schema.ts";
import type { NormalizedLead } from "../normalize-lead.ts";
import { MERGEABLE_FIELDS, type MergeState } from "./merge-fields.ts";

export type Executor = Kysely<DB> | Transaction<DB>;

function mergeableFields(row: ContactRow): MergeState["fields"] {
  return Object.fromEntries(MERGEABLE_FIELDS.map((field) => [field, row[field]]));
}

/** The part of a contact that merges and audits talk about. */
export function snapshot(row: ContactRow): Record<string, unknown> {
  return {
    ...mergeableFields(row),
    custom: row.custom,
    secondary: row.secondary,
    invalid: row.invalid,
    tags: row.tags,
    ownerId: row.owner_id,
  };
}

export function toMergeState(row: ContactRow): MergeState {
  return {
    fields: mergeableFields(row),
    custom: row.custom,
    secondary: row.secondary,
    invalid: row.invalid,
    tags: row.tags,
  };
}

function asText(value: string | number | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** A merge state as the contact's columns (JSON columns as values). */
export function mergeStateFields(state: MergeState) {
  const income = state.fields.income;
  return {
    name: asText(state.fields.name),
    email: asText(state.fields.email),
    phone: asText(state.fields.phone),
    instagram: asText(state.fields.instagram),
    city: asText(state.fields.city),
    interest: asText(state.fields.interest),
    income: income === null || income === undefined ? null : Number(income),
    custom: state.custom,
    secondary: state.secondary,
    invalid: state.invalid,
    tags: state.tags,
  };
}

/** A merge state as the contact's columns, JSON columns as text (for a Kysely update). */
export function mergeStateColumns(state: MergeState) {
  const fields = mergeStateFields(state);
  return {
    ...fields,
    custom: JSON.stringify(fields.custom),
    secondary: JSON.stringify(fields.secondary),
    invalid: JSON.stringify(fields.invalid),
  };
}

export async function lockContact(trx: Transaction<DB>, workspaceId: string, contactId: string) {
  return trx
    .selectFrom("contacts")
    .selectAll()
    .where("id", "=", contactId)
    .where("workspace_id", "=", workspaceId)
    .forUpdate()
    .executeTakeFirst();
}

export async function getContactRow(db: Executor, workspaceId: string, contactId: string) {
  return db
    .selectFrom("contacts")
    .selectAll()
    .where("id", "=", contactId)
    .where("workspace_id", "=", workspaceId)
    .executeTakeFirst();
}

export function earliest(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

export function latest(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

/** A contact an arrival may merge into, as read (and locked) before planning. */
export interface MergeTarget {
  row: ContactRow;
  /** Its identity keys, oldest first. */
  identities: { kind: string; value: string }[];
  /** The sources of its touches, each with its first time, earliest first. */
  sources: { source: string; firstAt: Date }[];
}

/**
 * Locks contacts (in id order, so concurrent writers cannot deadlock) and reads what merging into
 * them needs: the row, its identity keys and the sources of its touches. ONE round trip.
 */
export async function lockMergeTargets(trx: Executor, ids: string[]): Promise<Map<string, MergeTarget>> {
  const targets = new Map<string, MergeTarget>();
  if (ids.length === 0) return targets;
  const rows = await trx
    .selectFrom("contacts as c")
    .selectAll("c")
    .select([
      sql<{ kind: string; value: string }[]>`coalesce((
        select json_agg(json_build_object('kind', i.kind, 'value', i.value) order by i.created_at)
        from contact_identities i where i.contact_id = c.id), '[]'::json)`.as("identity_list"),
      sql<{ source: string; at: string }[]>`coalesce((
        select json_agg(json_build_object('source', t.source, 'at', t.first_at) order by t.first_at)
        from (select source, min(at) as first_at from contact_touches where contact_id = c.id group by source) t
      ), '[]'::json)`.as("source_list"),
    ])
    .where("c.id", "in", ids)
    .orderBy("c.id")
    .forUpdate("c")
    .execute();
  for (const { identity_list, source_list, ...row } of rows) {
    targets.set(row.id, {
      row,
      identities: identity_list,
      sources: source_list.map((item) => ({ source: item.source, firstAt: new Date(item.at) })),
    });
  }
  return targets;
}

/** A touch row: this arrival's source, UTMs and the fields it carried. */
export function touchRow(input: {
  workspaceId: string;
  contactId: string;
  lead: NormalizedLead;
  at: Date;
  eventId: string | null;
}) {
  return {
    workspace_id: input.workspaceId,
    contact_id: input.contactId,
    source: input.lead.source,
    utm_source: input.lead.utm.source ?? null,
    utm_medium: input.lead.utm.medium ?? null,
    utm_campaign: input.lead.utm.campaign ?? null,
    event_id: input.eventId,
    fields: { ...input.lead.fields, custom: input.lead.custom, invalid: input.lead.invalid } as Record<
      string,
      unknown
    >,
    at: input.at,
  };
}
