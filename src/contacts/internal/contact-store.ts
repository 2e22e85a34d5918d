import type { Kysely, Transaction } from "kysely";
import type { ContactRow, DB } from "../../platform/db/schema.ts";
import type { Identity, NormalizedLead } from "../normalize-lead.ts";
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

export function mergeStateColumns(state: MergeState) {
  const income = state.fields.income;
  return {
    name: asText(state.fields.name),
    email: asText(state.fields.email),
    phone: asText(state.fields.phone),
    instagram: asText(state.fields.instagram),
    city: asText(state.fields.city),
    interest: asText(state.fields.interest),
    income: income === null || income === undefined ? null : Number(income),
    custom: JSON.stringify(state.custom),
    secondary: JSON.stringify(state.secondary),
    invalid: JSON.stringify(state.invalid),
    tags: state.tags,
  };
}

/** Contacts owning any of these identity keys, with the identity that matched. */
export async function findIdentityOwners(trx: Executor, workspaceId: string, identities: Identity[]) {
  if (identities.length === 0) return [];
  return trx
    .selectFrom("contact_identities")
    .select(["contact_id", "kind", "value"])
    .where("workspace_id", "=", workspaceId)
    .where((eb) =>
      eb.or(
        identities.map((identity) =>
          eb.and([eb("kind", "=", identity.kind), eb("value", "=", identity.value)]),
        ),
      ),
    )
    .execute();
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

/** Attaches identity keys to a contact; keys already owned (by it or a concurrent writer) are skipped. */
export async function addIdentities(
  trx: Executor,
  workspaceId: string,
  contactId: string,
  identities: Identity[],
): Promise<Identity[]> {
  if (identities.length === 0) return [];
  const inserted = await trx
    .insertInto("contact_identities")
    .values(
      identities.map((i) => ({
        workspace_id: workspaceId,
        kind: i.kind,
        value: i.value,
        contact_id: contactId,
      })),
    )
    .onConflict((oc) => oc.columns(["workspace_id", "kind", "value"]).doNothing())
    .returning(["kind", "value"])
    .execute();
  return inserted;
}

export function earliest(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

export function latest(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
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
    fields: JSON.stringify({ ...input.lead.fields, custom: input.lead.custom, invalid: input.lead.invalid }),
    at: input.at,
  };
}
