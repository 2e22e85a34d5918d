import { z } from "zod";

export const SCORE_CONTACT_JOB = "scoring.score-contact";
export const RESCORE_WORKSPACE_JOB = "scoring.rescore-workspace";

const FieldPathSchema = z
  .string()
  .regex(/^(name|email|phone|source|interest|city|income|instagram|custom\.[\w.-]{1,64})$/, "unknown field");

const base = {
  id: z.string().regex(/^[a-z0-9_-]{1,48}$/),
  label: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
};

export const RuleSchema = z.discriminatedUnion("type", [
  z.object({
    ...base,
    type: z.literal("required_fields"),
    fields: z.array(FieldPathSchema).min(1).max(20),
    points: z.number().int().min(-100).max(100),
  }),
  z.object({
    ...base,
    type: z.literal("keywords"),
    field: FieldPathSchema,
    keywords: z.array(z.string().trim().min(1).max(60)).min(1).max(200),
    points: z.number().int().min(-100).max(100),
  }),
  z.object({
    ...base,
    type: z.literal("in_list"),
    field: FieldPathSchema,
    values: z.array(z.string().trim().min(1).max(120)).min(1).max(500),
    points: z.number().int().min(-100).max(100),
  }),
  z.object({
    ...base,
    type: z.literal("bands"),
    field: FieldPathSchema,
    bands: z
      .array(z.object({ min: z.number().min(0), points: z.number().int().min(-100).max(100) }))
      .min(1)
      .max(30),
  }),
  /** Points by the creator tier enrichment gave the contact (tiers: GET /api/v1/enrichment/tiers). */
  z.object({
    ...base,
    type: z.literal("creator_tier"),
    tiers: z
      .array(
        z.object({
          tier: z.string().regex(/^[a-z0-9_-]{1,32}$/),
          points: z.number().int().min(-100).max(100),
        }),
      )
      .min(1)
      .max(10)
      .refine(
        (tiers) => new Set(tiers.map((entry) => entry.tier)).size === tiers.length,
        "tiers must be unique",
      ),
  }),
]);

export type Rule = z.infer<typeof RuleSchema>;

export const RuleSetInputSchema = z
  .object({
    rules: z
      .array(RuleSchema)
      .max(100)
      .refine(
        (rules) => new Set(rules.map((rule) => rule.id)).size === rules.length,
        "rule ids must be unique",
      ),
    hotThreshold: z.number().int().min(-1000).max(1000),
    warmThreshold: z.number().int().min(-1000).max(1000),
  })
  .strict()
  .refine((value) => value.hotThreshold > value.warmThreshold, {
    message: "the hot threshold must be above the warm threshold",
    path: ["hotThreshold"],
  });

export type RuleSetInput = z.infer<typeof RuleSetInputSchema>;

export interface RuleSet extends RuleSetInput {
  version: number;
}
