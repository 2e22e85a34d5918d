import { z } from "zod";

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Strips NUL and other control characters (PostgreSQL text cannot hold NUL), NFC-normalises, trims. */
export function cleanText(value: string): string {
  return value.normalize("NFC").replace(CONTROL_CHARACTERS, "").trim();
}

const text = (max: number) =>
  z
    .string()
    .max(max * 4)
    .transform(cleanText)
    .pipe(z.string().max(max))
    .transform((value) => (value === "" ? undefined : value));

/** "R$ 5.000,00", "5000.50", 5000 → 5000; anything else is an error. */
export function parseMoney(value: string | number): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : null;
  let cleaned = value.replace(/R\$|\s/gi, "");
  if (cleaned === "") return null;
  if (cleaned.includes(",")) cleaned = cleaned.replace(/\./g, "").replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
  return Number(cleaned);
}

const income = z.union([z.number(), z.string().max(40)]).transform((value, ctx) => {
  const parsed = parseMoney(value);
  if (parsed === null || parsed > 1e12) {
    ctx.addIssue({ code: "custom", message: 'must be a non-negative amount, e.g. 5000 or "R$ 5.000,00"' });
    return z.NEVER;
  }
  return parsed;
});

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function cleanJson(value: JsonValue): JsonValue {
  if (typeof value === "string") return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanJson);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [cleanText(key), cleanJson(inner)]),
    );
  }
  return value;
}

const custom = z
  .record(z.string().max(64), z.json())
  .refine((value) => Object.keys(value).length <= 50, "at most 50 custom fields")
  .refine((value) => JSON.stringify(value).length <= 16_384, "custom fields must be under 16 KB")
  .transform((value) => cleanJson(value as JsonValue) as Record<string, JsonValue>);

/** The lead fields every door accepts (API, webhooks, imports). Unknown fields are rejected. */
export const LeadInputSchema = z
  .object({
    name: text(200).optional(),
    email: text(320).optional(),
    phone: text(40).optional(),
    source: text(64).optional(),
    interest: text(2000).optional(),
    income: income.optional(),
    city: text(120).optional(),
    instagram: text(120).optional(),
    /** An Instagram-scoped user id (IGSID): who wrote to the business on Instagram, when no handle is known. */
    instagram_id: z
      .string()
      .trim()
      .regex(/^\d{1,64}$/, "an Instagram-scoped id (digits)")
      .optional(),
    utm_source: text(200).optional(),
    utm_medium: text(200).optional(),
    utm_campaign: text(200).optional(),
    custom: custom.optional(),
  })
  .strict();

export type LeadInput = z.output<typeof LeadInputSchema>;

export const TEMPERATURES = ["hot", "warm", "cold"] as const;
export const TemperatureSchema = z.enum(TEMPERATURES);

export const SORTS = ["created_desc", "created_asc", "updated_desc", "score_desc", "name_asc"] as const;

const csvList = z
  .string()
  .max(500)
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

export const ContactFiltersSchema = z.object({
  temperature: csvList.pipe(z.array(TemperatureSchema)).optional(),
  source: z.string().max(64).optional(),
  owner: z.union([z.literal("none"), z.string().uuid()]).optional(),
  tag: z.string().max(64).optional(),
  city: z.string().max(120).optional(),
  createdFrom: z.coerce.date().optional(),
  createdTo: z.coerce.date().optional(),
  q: z.string().max(200).optional(),
  deleted: z.enum(["true", "false"]).optional(),
});

export type ContactFilters = z.infer<typeof ContactFiltersSchema>;

export const ListContactsQuerySchema = ContactFiltersSchema.extend({
  sort: z.enum(SORTS).default("created_desc"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  segmentId: z.string().uuid().optional(),
});

export type ListContactsQuery = z.infer<typeof ListContactsQuerySchema>;

export const CreateSegmentSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    filters: ContactFiltersSchema.omit({ deleted: true }).strict(),
  })
  .strict();

/** A person's edit: a value replaces, `null` clears, an absent field is left alone. */
export const UpdateContactSchema = z
  .object({
    name: text(200).nullable().optional(),
    city: text(120).nullable().optional(),
    interest: text(2000).nullable().optional(),
    income: income.nullable().optional(),
    instagram: text(120).nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
    ownerId: z.string().uuid().nullable().optional(),
    custom: custom.optional(),
  })
  .strict();

export const MergeContactsSchema = z.object({ sourceId: z.string().uuid() }).strict();
