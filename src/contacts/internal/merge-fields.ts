import type { ContactFields } from "../normalize-lead.ts";

export const MERGEABLE_FIELDS = [
  "name",
  "email",
  "phone",
  "instagram",
  "city",
  "interest",
  "income",
] as const;
export type MergeableField = (typeof MERGEABLE_FIELDS)[number];

export interface MergeState {
  fields: Partial<Record<MergeableField, string | number | null>>;
  custom: Record<string, unknown>;
  secondary: Record<string, string[]>;
  invalid: Record<string, string>;
  tags: string[];
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "string" && value.trim() === "");
}

// One collator for every comparison (localeCompare with options builds one per call).
const BASE_LETTERS = new Intl.Collator("pt-BR", { sensitivity: "base" });

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string") return a === b || BASE_LETTERS.compare(a, b) === 0;
  return JSON.stringify(a) === JSON.stringify(b);
}

function addSecondary(secondary: Record<string, string[]>, key: string, value: unknown) {
  const asText = typeof value === "string" ? value : JSON.stringify(value);
  const list = secondary[key] ?? [];
  if (!list.some((item) => sameValue(item, asText))) secondary[key] = [...list, asText];
}

/**
 * Folds incoming values into a contact: an empty value never overwrites a filled one, a conflicting
 * value keeps the existing one as primary and is remembered as secondary. Pure: returns a new state.
 */
export function mergeFields(
  current: MergeState,
  incoming: {
    fields: ContactFields;
    custom: Record<string, unknown>;
    invalid: Record<string, string>;
    tags?: string[];
  },
): MergeState {
  const next: MergeState = {
    fields: { ...current.fields },
    custom: { ...current.custom },
    secondary: Object.fromEntries(Object.entries(current.secondary).map(([key, list]) => [key, [...list]])),
    invalid: { ...current.invalid },
    tags: [...current.tags],
  };
  for (const field of MERGEABLE_FIELDS) {
    const value = incoming.fields[field];
    if (isEmpty(value)) continue;
    const existing = next.fields[field];
    if (isEmpty(existing)) next.fields[field] = value ?? null;
    else if (!sameValue(existing, value)) addSecondary(next.secondary, field, value);
  }
  for (const [key, value] of Object.entries(incoming.custom)) {
    if (isEmpty(value)) continue;
    const existing = next.custom[key];
    if (isEmpty(existing)) next.custom[key] = value;
    else if (!sameValue(existing, value)) addSecondary(next.secondary, `custom.${key}`, value);
  }
  for (const [key, raw] of Object.entries(incoming.invalid)) {
    if (!(key in next.invalid)) next.invalid[key] = raw;
  }
  for (const tag of incoming.tags ?? []) if (!next.tags.includes(tag)) next.tags.push(tag);
  return next;
}
