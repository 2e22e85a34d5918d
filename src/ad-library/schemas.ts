import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../platform/db/schema.ts";

export const RUN_AD_LIBRARY_JOB = "ad-library.run-capture";
export const START_WEEKLY_RUNS_JOB = "ad-library.start-weekly-runs";

/** Lead source (and inbox source) of every advertiser the capture lands; idempotency key `<runId>:<pageId>`. */
export const META_ADS_SOURCE = "meta_ads";

/** The window searched: the last 7 days, today included. */
export const WINDOW_DAYS = 7;
/** How long a run owns its workspace's capture without news; extended after every page. */
export const RUN_LEASE_MS = 10 * 60_000;
/** Runs that may fail (not on the provider) before the run is failed for good. */
export const RUN_MAX_ATTEMPTS = 3;
/** Snapshot links kept per advertiser (newest first) and copied onto the lead. */
export const ADVERTISER_SNAPSHOTS = 10;
export const LEAD_SNAPSHOTS = 3;

export const RUN_STATUSES = ["queued", "running", "done", "failed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type RunTrigger = "manual" | "schedule";

export const PUBLISHER_PLATFORMS = [
  "facebook",
  "instagram",
  "messenger",
  "audience_network",
  "threads",
] as const;

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;
/** `date` columns are read as text (`YYYY-MM-DD`) by the queries that select them. */
type DateColumn = ColumnType<Date | string, string, string>;

/** migrations/0009_ad_library.sql, typed for Kysely (added to the shared DB type with `withTables`). */
export interface AdLibrarySettingsTable {
  workspace_id: string;
  search_terms: Json<string[]>;
  countries: Json<string[]>;
  publisher_platforms: Json<string[]>;
  enabled: Generated<boolean>;
  updated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AdLibraryRunsTable {
  id: Generated<string>;
  workspace_id: string;
  trigger: RunTrigger;
  status: Generated<RunStatus>;
  since: DateColumn;
  until: DateColumn;
  search_terms: Json<string[]>;
  countries: Json<string[]>;
  publisher_platforms: Json<string[]>;
  pages: Generated<number>;
  ads: Generated<number>;
  ads_new: Generated<number>;
  advertisers: Generated<number>;
  advertisers_new: Generated<number>;
  advertisers_updated: Generated<number>;
  error: string | null;
  attempts: Generated<number>;
  locked_until: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface AdLibraryAdvertisersTable {
  id: Generated<string>;
  workspace_id: string;
  page_id: string;
  page_name: string | null;
  ads_seen: Generated<number>;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  snapshot_urls: Json<string[]>;
  platforms: Json<string[]>;
  terms: Json<string[]>;
  first_run_id: string | null;
  last_run_id: string | null;
  contact_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AdLibraryAdsTable {
  workspace_id: string;
  library_id: string;
  page_id: string;
  page_name: string | null;
  snapshot_url: string | null;
  platforms: Json<string[]>;
  terms: Json<string[]>;
  delivery_start: DateColumn | null;
  delivery_stop: DateColumn | null;
  first_run_id: string | null;
  last_run_id: string | null;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface AdLibraryRunAdvertisersTable {
  run_id: string;
  advertiser_id: string;
  workspace_id: string;
  outcome: "new" | "updated";
  ads: Generated<number>;
  ads_new: Generated<number>;
}

type AdLibraryTables = {
  ad_library_settings: AdLibrarySettingsTable;
  ad_library_runs: AdLibraryRunsTable;
  ad_library_advertisers: AdLibraryAdvertisersTable;
  ad_library_ads: AdLibraryAdsTable;
  ad_library_run_advertisers: AdLibraryRunAdvertisersTable;
};

export type AdLibraryDB = DB & AdLibraryTables;

/** The shared connection, seeing the Ad Library tables too. */
export function adLibraryDb(db: Kysely<DB> | Transaction<DB>): Kysely<AdLibraryDB> {
  return db.withTables<AdLibraryTables>();
}

const Term = z.string().trim().min(1).max(100);
const Country = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^([A-Z]{2}|ALL)$/, "an ISO 3166-1 alpha-2 country code (e.g. DE, PT) or ALL");

const unique = <T>(items: T[]) => [...new Set(items)];

/** The whole settings object (PUT replaces it). Enabling needs at least one term and one country. */
export const AdLibrarySettingsSchema = z
  .object({
    searchTerms: z.array(Term).max(20).transform(unique),
    countries: z.array(Country).max(30).transform(unique),
    publisherPlatforms: z.array(z.enum(PUBLISHER_PLATFORMS)).max(5).default([]).transform(unique),
    enabled: z.boolean(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (!value.enabled) return;
    if (value.searchTerms.length === 0)
      ctx.addIssue({ code: "custom", path: ["searchTerms"], message: "at least one search term to enable" });
    if (value.countries.length === 0)
      ctx.addIssue({ code: "custom", path: ["countries"], message: "at least one country to enable" });
  });
export type AdLibrarySettingsInput = z.infer<typeof AdLibrarySettingsSchema>;

export const IdParams = z.object({ id: z.string().uuid() });

export const ListRunsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  cursor: z.string().max(500).optional(),
});

export const ADVERTISER_SORTS = ["ads_seen", "last_seen"] as const;

export const ListAdvertisersQuerySchema = z.object({
  sort: z.enum(ADVERTISER_SORTS).default("last_seen"),
  runId: z.string().uuid().optional(),
  term: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type ListAdvertisersQuery = z.infer<typeof ListAdvertisersQuerySchema>;

export const RunAdLibraryJobSchema = z.object({ runId: z.string().uuid() });

export interface SettingsView {
  searchTerms: string[];
  countries: string[];
  publisherPlatforms: string[];
  enabled: boolean;
  /** Whether the workspace has a Meta connection with an access token (the provider needs one). */
  hasMetaToken: boolean;
  updatedAt: string | null;
}

export interface RunView {
  id: string;
  trigger: RunTrigger;
  status: RunStatus;
  since: string;
  until: string;
  searchTerms: string[];
  countries: string[];
  publisherPlatforms: string[];
  pages: number;
  ads: number;
  adsNew: number;
  advertisers: number;
  advertisersNew: number;
  advertisersUpdated: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface AdvertiserView {
  id: string;
  pageId: string;
  pageName: string | null;
  adsSeen: number;
  firstSeenAt: string;
  lastSeenAt: string;
  snapshotUrls: string[];
  platforms: string[];
  terms: string[];
  lastRunId: string | null;
  contactId: string | null;
  /** With `runId`: what that run did for this advertiser. */
  run: { outcome: "new" | "updated"; ads: number; adsNew: number } | null;
}
