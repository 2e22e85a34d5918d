import { z } from "zod";

/** Lead fields a Typeform answer can be mapped to (`source` and `custom` are set by the adapter). */
export const TYPEFORM_LEAD_FIELDS = [
  "name",
  "email",
  "phone",
  "interest",
  "income",
  "city",
  "instagram",
  "utm_source",
  "utm_medium",
  "utm_campaign",
] as const;

export type TypeformLeadField = (typeof TYPEFORM_LEAD_FIELDS)[number];

const tagList = z.array(z.string().trim().min(1).max(100)).max(100);

/** A `typeform` connection: the webhook secret, optional answer mapping by field ref, acquisition rules. */
export const TypeformConfigSchema = z
  .object({
    secret: z.string().min(1).max(500),
    fieldMap: z.record(z.string().min(1).max(255), z.enum(TYPEFORM_LEAD_FIELDS)).optional(),
    acquisition: z
      .object({
        paidMediums: tagList.optional(),
        paidClickIds: tagList.optional(),
        coldTags: tagList.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type TypeformConfig = z.output<typeof TypeformConfigSchema>;

/** `answers[].field`: the question (`type` is the question type, `ref` is stable and settable). */
const AnswerFieldSchema = z.object({
  id: z.string().max(255).optional(),
  type: z.string().max(100).optional(),
  ref: z.string().max(255).optional(),
});

/**
 * One answer. `type` is the value type and names the key holding the value. Kept lenient: unknown
 * answer types pass and are ignored.
 */
export const TypeformAnswerSchema = z.object({
  type: z.string().max(100),
  field: AnswerFieldSchema.default({}),
  text: z.string().optional(),
  email: z.string().optional(),
  phone_number: z.string().optional(),
  number: z.number().optional(),
  boolean: z.boolean().optional(),
  date: z.string().optional(),
  url: z.string().optional(),
  file_url: z.string().optional(),
  choice: z.object({ label: z.string().optional(), other: z.string().optional() }).optional(),
  choices: z.object({ labels: z.array(z.string()).optional(), other: z.string().optional() }).optional(),
  payment: z.object({ amount: z.union([z.string(), z.number()]).optional() }).optional(),
});

export type TypeformAnswer = z.output<typeof TypeformAnswerSchema>;

const DefinitionFieldSchema = z.object({
  id: z.string().max(255).optional(),
  ref: z.string().max(255).optional(),
  type: z.string().max(100).optional(),
  title: z.string().optional(),
});

/** Hidden-field values are strings; anything else is kept as text, empty or null values dropped. */
const HiddenSchema = z
  .record(z.string(), z.unknown())
  .transform((hidden) =>
    Object.fromEntries(
      Object.entries(hidden).flatMap(([key, value]) =>
        typeof value === "string" || typeof value === "number" || typeof value === "boolean"
          ? String(value).trim() === ""
            ? []
            : [[key, String(value)] as const]
          : [],
      ),
    ),
  );

export const TypeformFormResponseSchema = z.object({
  form_id: z.string().max(255),
  token: z.string().min(1).max(255),
  landed_at: z.string().optional(),
  submitted_at: z.string().optional(),
  hidden: HiddenSchema.optional(),
  definition: z.object({ fields: z.array(DefinitionFieldSchema).optional() }).optional(),
  answers: z.array(TypeformAnswerSchema).default([]),
});

/** A Typeform webhook delivery (`form_response`, or `form_response_partial` when enabled). */
export const TypeformWebhookSchema = z.object({
  event_id: z.string().optional(),
  event_type: z.string().max(100).optional(),
  form_response: TypeformFormResponseSchema,
});

export type TypeformWebhook = z.output<typeof TypeformWebhookSchema>;
