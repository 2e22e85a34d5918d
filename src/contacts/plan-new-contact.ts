import { randomUUID } from "node:crypto";
import type { Kysely, OperationNodeSource, Transaction } from "kysely";
import { auditInsert } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import { insertJsonRows, type JsonColumnType } from "../platform/db/one-statement.ts";
import type { ContactRow, DB } from "../platform/db/schema.ts";
import { snapshot, touchRow } from "./internal/contact-store.ts";
import { mergeFields } from "./internal/merge-fields.ts";
import type { Identity, NormalizedLead } from "./normalize-lead.ts";

export interface NewContactPlan {
  /** The row exactly as it will be stored. */
  contact: ContactRow;
  identities: Identity[];
  lead: NormalizedLead;
  actor: Actor;
  eventId: string | null;
}

/** A new person from a lead, computed in memory: nothing is written yet. */
export function planNewContact(input: {
  workspaceId: string;
  lead: NormalizedLead;
  actor: Actor;
  at: Date;
  eventId: string | null;
}): NewContactPlan {
  const { lead, at } = input;
  const state = mergeFields(
    { fields: {}, custom: {}, secondary: {}, invalid: {}, tags: [] },
    { fields: lead.fields, custom: lead.custom, invalid: lead.invalid },
  );
  const text = (value: string | number | null | undefined) =>
    value === null || value === undefined ? null : String(value);
  const contact: ContactRow = {
    id: randomUUID(),
    workspace_id: input.workspaceId,
    name: text(state.fields.name),
    email: text(state.fields.email),
    phone: text(state.fields.phone),
    instagram: text(state.fields.instagram),
    city: text(state.fields.city),
    interest: text(state.fields.interest),
    income:
      state.fields.income === null || state.fields.income === undefined ? null : Number(state.fields.income),
    custom: state.custom,
    secondary: state.secondary,
    invalid: state.invalid,
    tags: state.tags,
    owner_id: null,
    first_source: lead.source,
    last_source: lead.source,
    first_touch_at: at,
    last_touch_at: at,
    created_at: at,
    updated_at: at,
    deleted_at: null,
    merged_into: null,
  };
  return { contact, identities: lead.identities, lead, actor: input.actor, eventId: input.eventId };
}

/** Every column of a contact row, as it travels in a JSON row (insertJsonRows). */
const CONTACT_COLUMNS: Record<keyof ContactRow, JsonColumnType> = {
  id: "uuid",
  workspace_id: "uuid",
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
  owner_id: "uuid",
  first_source: "text",
  last_source: "text",
  first_touch_at: "timestamptz",
  last_touch_at: "timestamptz",
  created_at: "timestamptz",
  updated_at: "timestamptz",
  deleted_at: "timestamptz",
  merged_into: "uuid",
};

/** The columns of touchRow (`fields` comes as JSON text). */
const TOUCH_COLUMNS: Record<keyof ReturnType<typeof touchRow>, JsonColumnType> = {
  workspace_id: "uuid",
  contact_id: "uuid",
  source: "text",
  utm_source: "text",
  utm_medium: "text",
  utm_campaign: "text",
  event_id: "uuid",
  fields: "jsonb-text",
  at: "timestamptz",
};

/**
 * The inserts that store planned contacts (contacts, identities, touches, audit), as multi-row
 * queries to run together. A unique violation on an identity means someone claimed it first.
 */
export function newContactInserts(
  db: Kysely<DB> | Transaction<DB>,
  plans: NewContactPlan[],
): OperationNodeSource[] {
  if (plans.length === 0) return [];
  const identities = plans.flatMap((plan) =>
    plan.identities.map((identity) => ({
      workspace_id: plan.contact.workspace_id,
      kind: identity.kind,
      value: identity.value,
      contact_id: plan.contact.id,
    })),
  );
  return [
    insertJsonRows(
      "contacts",
      CONTACT_COLUMNS,
      plans.map(({ contact }) => ({ ...contact })),
    ),
    ...(identities.length > 0
      ? [
          insertJsonRows(
            "contact_identities",
            { workspace_id: "uuid", kind: "text", value: "text", contact_id: "uuid" },
            identities,
          ),
        ]
      : []),
    insertJsonRows(
      "contact_touches",
      TOUCH_COLUMNS,
      plans.map((plan) =>
        touchRow({
          workspaceId: plan.contact.workspace_id,
          contactId: plan.contact.id,
          lead: plan.lead,
          at: plan.contact.created_at,
          eventId: plan.eventId,
        }),
      ),
    ),
    auditInsert(
      db,
      plans.map((plan) => ({
        workspaceId: plan.contact.workspace_id,
        entityType: "contact",
        entityId: plan.contact.id,
        action: "create",
        actor: plan.actor,
        before: null,
        after: { ...snapshot(plan.contact), source: plan.lead.source },
        at: plan.contact.created_at,
      })),
    ),
  ];
}
