import { type ColumnType, type Kysely, sql, type Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../platform/db/schema.ts";

export const ENRICH_CONTACT_JOB = "enrichment.enrich-contact";
export const SWEEP_ENRICHMENT_JOB = "enrichment.sweep";
export const CHECK_ENRICHMENT_HEALTH_JOB = "enrichment.check-health";
export const RETIER_WORKSPACE_JOB = "enrichment.retier-workspace";

/**
 * The networks a provider can speak for; one waterfall per network. `website` is the contact's own
 * site (`custom.website`): read first, so a handle found there feeds the Instagram and YouTube ones.
 */
export type Network = "website" | "instagram" | "youtube";

/**
 * Contacts (aliased `c`) that enrichment can look at: an Instagram handle, a YouTube channel or a
 * website. One predicate for the sweep, the bulk requests and the coverage numbers.
 */
export const ENRICHABLE_CONTACT = sql<boolean>`(c.instagram is not null or c.custom ? 'youtube' or c.custom ? 'website')`;

/** A contact's overall outcome, and a provider's outcome on one contact. */
export type EnrichmentStatus =
  | "pending"
  | "enriched"
  | "partial"
  | "failed"
  | "skipped"
  | "not_business_account";
export type ProviderStatus = Exclude<EnrichmentStatus, "pending">;

/**
 * Closed set of failure reasons (shown in the UI, counted in stats). Messages stored beside them are
 * written by us, never copied from the vendor, so they carry no personal data.
 */
export type EnrichmentErrorCode =
  | "not_business_account"
  | "not_found"
  | "throttled"
  | "budget_exhausted"
  | "circuit_open"
  | "timeout"
  | "upstream_error"
  | "auth_failed"
  | "bad_request"
  | "no_connection"
  | "no_handle"
  | "insufficient_data"
  /** robots.txt or the SSRF guard said no (the contact's website). */
  | "refused";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export interface ContactEnrichmentsTable {
  contact_id: string;
  workspace_id: string;
  status: ColumnType<EnrichmentStatus, EnrichmentStatus | undefined, EnrichmentStatus>;
  error_code: string | null;
  tier: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  queued_at: NullableTimestamp;
  requested_at: NullableTimestamp;
  request_id: string | null;
  subject_key: string | null;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  duration_ms: number | null;
  enriched_at: NullableTimestamp;
  next_due_at: NullableTimestamp;
  contact_version: NullableTimestamp;
  updated_at: Timestamp;
}

export interface ContactEnrichmentProvidersTable {
  contact_id: string;
  provider: string;
  workspace_id: string;
  network: string;
  status: ProviderStatus;
  error_code: string | null;
  error_message: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  duration_ms: number | null;
  fetched_at: NullableTimestamp;
  updated_at: Timestamp;
}

export interface ContactEnrichmentFieldsTable {
  contact_id: string;
  network: string;
  field: string;
  workspace_id: string;
  value: Json<unknown>;
  raw: Json<unknown>;
  provider: string;
  fetched_at: Timestamp;
}

export interface EnrichmentSettingsTable {
  workspace_id: string;
  version: ColumnType<number, number | undefined, number>;
  tiers: Json<unknown>;
  updated_at: Timestamp;
  updated_by: string | null;
}

type EnrichmentTables = {
  contact_enrichments: ContactEnrichmentsTable;
  contact_enrichment_providers: ContactEnrichmentProvidersTable;
  contact_enrichment_fields: ContactEnrichmentFieldsTable;
  enrichment_settings: EnrichmentSettingsTable;
};

export type EnrichmentDB = DB & EnrichmentTables;

/** The shared connection (or transaction), seeing the enrichment tables too. */
export function enrichmentDb(db: Kysely<DB> | Transaction<DB>): Kysely<EnrichmentDB> {
  return db.withTables<EnrichmentTables>();
}

// ---------------------------------------------------------------------------------------------
// Tiers

const TierSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]{1,32}$/, "lowercase letters, digits, _ and - only"),
    label: z.string().trim().min(1).max(60),
    minFollowers: z.number().int().min(0).max(1_000_000_000),
    /** A fraction (0.01 = 1%); only checked where the engagement is known (Instagram). */
    minEngagementRate: z.number().min(0).max(1),
  })
  .strict();

export const TierSettingsSchema = z
  .object({ tiers: z.array(TierSchema).max(10) })
  .strict()
  .superRefine((value, ctx) => {
    const ids = value.tiers.map((tier) => tier.id);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: "custom", message: "tier ids must be unique", path: ["tiers"] });
    }
    value.tiers.forEach((tier, index) => {
      const previous = value.tiers[index - 1];
      if (previous && tier.minFollowers <= previous.minFollowers) {
        ctx.addIssue({
          code: "custom",
          message: "tiers go from the smallest to the largest audience (minFollowers strictly increasing)",
          path: ["tiers", index, "minFollowers"],
        });
      }
    });
  });

export type TierSettings = z.infer<typeof TierSettingsSchema>;
export type Tier = TierSettings["tiers"][number];

export const DEFAULT_TIERS: TierSettings = {
  tiers: [
    { id: "micro", label: "Micro", minFollowers: 10_000, minEngagementRate: 0.01 },
    { id: "mid", label: "Médio", minFollowers: 100_000, minEngagementRate: 0.01 },
    { id: "macro", label: "Macro", minFollowers: 500_000, minEngagementRate: 0.005 },
  ],
};

// ---------------------------------------------------------------------------------------------
// API input

export const EnrichContactJobSchema = z.object({
  contactId: z.string().uuid(),
  /** An explicit request: the run ignores freshness; runs once (the id is cleared when it ran). */
  requestId: z.string().uuid().optional(),
});

export const BulkEnrichSchema = z
  .object({
    /** Explicit contacts (at most 1000), or every contact with a handle matching `scope`. */
    contactIds: z.array(z.string().uuid()).min(1).max(1000).optional(),
    scope: z.enum(["missing", "failed", "stale", "all"]).optional(),
  })
  .strict()
  .refine((value) => (value.contactIds ? 1 : 0) + (value.scope ? 1 : 0) === 1, {
    message: "give either contactIds or scope",
  });

export type BulkEnrichInput = z.infer<typeof BulkEnrichSchema>;
