import { randomUUID } from "node:crypto";
import type { Actor } from "../auth/schemas.ts";
import type { JsonColumnType } from "../platform/db/one-statement.ts";
import type { ContactRow } from "../platform/db/schema.ts";
import type { touchRow } from "./internal/contact-store.ts";
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
export const CONTACT_COLUMNS: Record<keyof ContactRow, JsonColumnType> = {
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

/** The columns of a planned touch (touchRow and its id). */
export const TOUCH_COLUMNS: Record<keyof ReturnType<typeof touchRow> | "id", JsonColumnType> = {
  id: "uuid",
  workspace_id: "uuid",
  contact_id: "uuid",
  source: "text",
  utm_source: "text",
  utm_medium: "text",
  utm_campaign: "text",
  event_id: "uuid",
  fields: "jsonb",
  at: "timestamptz",
};
