import { z } from "zod";
import { CHANNELS } from "../automation/schemas.ts";
import { AccessKpisQuerySchema } from "../students/schemas.ts";

// Query shapes of the value reports: automation effectiveness, proof of value and tag analytics.
// Ranges read as the access KPIs' do: a date is a whole day in the workspace's time zone (`to`
// included), an instant is taken as given (`to` excluded).

const RangeDate = AccessKpisQuerySchema.shape.from;
/** `csv` answers text/csv (UTF-8 with BOM, formula-safe cells) instead of JSON. */
const Format = z.enum(["json", "csv"]).default("json");

export const AutomationEffectivenessQuerySchema = z.object({
  /** When the dispatches were created (suggested). */
  from: RangeDate,
  to: RangeDate,
  ruleId: z.uuid().optional(),
  channel: z.enum(CHANNELS).optional(),
  format: Format,
});
export type AutomationEffectivenessQuery = z.infer<typeof AutomationEffectivenessQuerySchema>;

export const ProofOfValueQuerySchema = AccessKpisQuerySchema.pick({
  productId: true,
  cohort: true,
  from: true,
  to: true,
}).extend({
  format: Format,
  /** Which table the CSV holds: the per-cohort KPIs or the weekly first accesses by origin. */
  table: z.enum(["cohorts", "weeks"]).default("cohorts"),
});
export type ProofOfValueQuery = z.infer<typeof ProofOfValueQuerySchema>;

const TagList = z
  .string()
  .max(2000)
  .transform((value) => [
    ...new Set(
      value
        .split(",")
        .map((tag) => tag.trim())
        .filter((tag) => tag !== ""),
    ),
  ])
  .pipe(z.array(z.string().max(255)).max(20));

export const TagAnalyticsQuerySchema = z.object({
  /** When the labels were added or removed (tag events). */
  from: RangeDate,
  to: RangeDate,
  /** Only the people carrying these tags (added in the range): any of them, or all of them. */
  tags: TagList.optional(),
  match: z.enum(["any", "all"]).default("any"),
  /** The series' buckets: days or weeks (Monday first) in the workspace's time zone. */
  bucket: z.enum(["day", "week"]).default("day"),
  format: Format,
  /** Which table the CSV holds: one row per tag, or the series (bucket × tag). */
  table: z.enum(["tags", "series"]).default("tags"),
});
export type TagAnalyticsQuery = z.infer<typeof TagAnalyticsQuerySchema>;
