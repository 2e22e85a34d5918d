import { AppError, type FieldError } from "../platform/http/errors.ts";
import { normalizeEmail, normalizeInstagram, normalizePhone } from "./normalize-identity.ts";
import type { LeadInput } from "./schemas.ts";

export type IdentityKind = "email" | "phone" | "instagram" | "instagram_id";

/** The kinds stored as a contact column too. */
type FieldIdentityKind = Exclude<IdentityKind, "instagram_id">;

export interface Identity {
  kind: IdentityKind;
  value: string;
}

export interface ContactFields {
  name?: string;
  email?: string;
  phone?: string;
  instagram?: string;
  city?: string;
  interest?: string;
  income?: number;
}

/** A lead after cleaning: what to store, which keys identify the person, which raw values were invalid. */
export interface NormalizedLead {
  fields: ContactFields;
  custom: Record<string, unknown>;
  identities: Identity[];
  invalid: Partial<Record<IdentityKind, string>>;
  source: string;
  utm: { source?: string; medium?: string; campaign?: string };
}

/**
 * Normalises identity fields. A lead must name a person or carry a usable identity; invalid e-mails,
 * phones and handles are kept raw and flagged when the lead has a name, and rejected otherwise.
 */
export function normalizeLead(input: LeadInput, options: { defaultCountry: string; defaultSource: string }) {
  const fields: ContactFields = {};
  const identities: Identity[] = [];
  const invalid: NormalizedLead["invalid"] = {};
  const checks: [
    FieldIdentityKind,
    string | undefined,
    (raw: string) => ReturnType<typeof normalizeEmail>,
  ][] = [
    ["email", input.email, normalizeEmail],
    ["phone", input.phone, (raw) => normalizePhone(raw, options.defaultCountry)],
    ["instagram", input.instagram, normalizeInstagram],
  ];
  for (const [kind, raw, normalize] of checks) {
    if (raw === undefined) continue;
    const result = normalize(raw);
    if (result.ok) {
      fields[kind] = result.value;
      identities.push({ kind, value: result.value });
    } else {
      invalid[kind] = raw;
    }
  }
  // An IGSID is a key only (validated by the schema): no column, shown through the identities.
  if (input.instagram_id !== undefined) identities.push({ kind: "instagram_id", value: input.instagram_id });
  if (input.name !== undefined) fields.name = input.name;
  if (input.city !== undefined) fields.city = input.city;
  if (input.interest !== undefined) fields.interest = input.interest;
  if (input.income !== undefined) fields.income = input.income;

  if (!fields.name) {
    const errors: FieldError[] = Object.keys(invalid).map((field) => ({
      field,
      message: `not a valid ${field}`,
    }));
    if (errors.length > 0 || identities.length === 0) {
      if (identities.length === 0 && errors.length === 0) {
        errors.push({
          field: "name",
          message: "a lead needs a name, an e-mail, a phone or an Instagram handle",
        });
      }
      throw new AppError("unprocessable", "The lead cannot identify a person", errors);
    }
  }

  const lead: NormalizedLead = {
    fields,
    custom: input.custom ?? {},
    identities,
    invalid,
    source: (input.source ?? options.defaultSource).toLowerCase(),
    utm: {
      ...(input.utm_source ? { source: input.utm_source } : {}),
      ...(input.utm_medium ? { medium: input.utm_medium } : {}),
      ...(input.utm_campaign ? { campaign: input.utm_campaign } : {}),
    },
  };
  return lead;
}
