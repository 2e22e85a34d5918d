import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../platform/db/schema.ts";

export const RUN_SOURCE_JOB = "outbound.run-source";
export const START_DUE_SOURCES_JOB = "outbound.start-due-sources";

/** Lead source (and inbox source) of everything the extractor lands; idempotency key `<runId>:<key>`. */
export const OUTBOUND_SOURCE = "outbound";

export const SOURCE_KINDS = ["generic", "listing", "sitemap", "kiwify", "hubla"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const SCHEDULES = ["manual", "daily", "weekly"] as const;
export type Schedule = (typeof SCHEDULES)[number];

export const RUN_STATUSES = ["queued", "running", "done", "failed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const CANDIDATE_OUTCOMES = ["pending", "landed", "known", "invalid"] as const;
export type CandidateOutcome = (typeof CANDIDATE_OUTCOMES)[number];

/** Per-page caps (not per source: they protect the process, not the target). */
export const PAGE_MAX_BYTES = 2 * 1024 * 1024;
export const PAGE_TIMEOUT_MS = 15_000;
export const ROBOTS_MAX_BYTES = 256 * 1024;
/** A sitemap document, as sent and (sitemap.xml.gz) once inflated: sitemaps.org allows 50 MB, we read less. */
export const SITEMAP_MAX_BYTES = 10 * 1024 * 1024;
/** How long a run owns its source without news; extended after every page. */
export const RUN_LEASE_MS = 10 * 60_000;
/** Runs that may fail (not on the target) before the run is failed for good. */
export const RUN_MAX_ATTEMPTS = 3;
/** Reasons kept per run (the rest are counted only). */
export const RUN_MAX_ERRORS = 20;

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | T | undefined, string | T>;

export interface RunError {
  url: string;
  reason: string;
}

/** migrations/0008_outbound.sql, typed for Kysely (added to the shared DB type with `withTables`). */
export interface OutboundSourcesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  url: string;
  kind: SourceKind;
  max_pages: Generated<number>;
  max_depth: Generated<number>;
  rate_limit_ms: Generated<number>;
  schedule: Generated<Schedule>;
  enabled: Generated<boolean>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OutboundRunsTable {
  id: Generated<string>;
  workspace_id: string;
  source_id: string;
  trigger: "manual" | "schedule";
  status: Generated<RunStatus>;
  pages_cap: number;
  pages_fetched: Generated<number>;
  pages_refused: Generated<number>;
  pages_failed: Generated<number>;
  candidates: Generated<number>;
  new_count: Generated<number>;
  known_count: Generated<number>;
  invalid_count: Generated<number>;
  errors: Json<RunError[]>;
  error: string | null;
  attempts: Generated<number>;
  locked_until: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface OutboundCandidatesTable {
  id: Generated<string>;
  seq: ColumnType<string, never, never>;
  workspace_id: string;
  run_id: string;
  key: string;
  name: string | null;
  email: string | null;
  instagram: string | null;
  youtube: string | null;
  tiktok: string | null;
  found_on: string;
  outcome: Generated<CandidateOutcome>;
  reason: string | null;
  contact_id: string | null;
  created_at: Timestamp;
}

type OutboundTables = {
  outbound_sources: OutboundSourcesTable;
  outbound_runs: OutboundRunsTable;
  outbound_candidates: OutboundCandidatesTable;
};

export type OutboundDB = DB & OutboundTables;

/** The shared connection, seeing the outbound tables too. */
export function outboundDb(db: Kysely<DB> | Transaction<DB>): Kysely<OutboundDB> {
  return db.withTables<OutboundTables>();
}

/** A creator profile found on a page, before deduplication. Values already normalised. */
export interface Candidate {
  name?: string;
  email?: string;
  instagram?: string;
  /** `@handle` or `channel/<id>` */
  youtube?: string;
  tiktok?: string;
  foundOn: string;
}

const HttpUrl = z
  .string()
  .trim()
  .max(2000)
  .url()
  .refine((value) => /^https?:\/\//i.test(value), "an http or https URL");

const SourceFields = {
  name: z.string().trim().min(1).max(120),
  url: HttpUrl,
  kind: z.enum(SOURCE_KINDS),
  maxPages: z.number().int().min(1).max(1000),
  maxDepth: z.number().int().min(0).max(5),
  rateLimitMs: z.number().int().min(50).max(60_000),
  schedule: z.enum(SCHEDULES),
  enabled: z.boolean(),
};

export const CreateSourceSchema = z
  .object({
    name: SourceFields.name,
    url: SourceFields.url,
    kind: SourceFields.kind.default("generic"),
    maxPages: SourceFields.maxPages.default(50),
    maxDepth: SourceFields.maxDepth.default(1),
    rateLimitMs: SourceFields.rateLimitMs.default(1000),
    schedule: SourceFields.schedule.default("manual"),
    enabled: SourceFields.enabled.default(true),
  })
  .strict();
export type CreateSourceInput = z.infer<typeof CreateSourceSchema>;

export const UpdateSourceSchema = z
  .object({
    name: SourceFields.name.optional(),
    url: SourceFields.url.optional(),
    kind: SourceFields.kind.optional(),
    maxPages: SourceFields.maxPages.optional(),
    maxDepth: SourceFields.maxDepth.optional(),
    rateLimitMs: SourceFields.rateLimitMs.optional(),
    schedule: SourceFields.schedule.optional(),
    enabled: SourceFields.enabled.optional(),
  })
  .strict()
  .refine((value) => Object.keys(value).length > 0, "nothing to change");
export type UpdateSourceInput = z.infer<typeof UpdateSourceSchema>;

export const IdParams = z.object({ id: z.string().uuid() });

export const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const ListRunsQuerySchema = ListQuerySchema.extend({ sourceId: z.string().uuid().optional() });

export const ListCandidatesQuerySchema = ListQuerySchema.extend({
  outcome: z.enum(CANDIDATE_OUTCOMES).optional(),
});

export const RunSourceJobSchema = z.object({ runId: z.string().uuid() });

export interface SourceView {
  id: string;
  name: string;
  url: string;
  kind: SourceKind;
  maxPages: number;
  maxDepth: number;
  rateLimitMs: number;
  schedule: Schedule;
  enabled: boolean;
  lastRun: { id: string; status: RunStatus; createdAt: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface RunView {
  id: string;
  sourceId: string;
  sourceName: string | null;
  trigger: "manual" | "schedule";
  status: RunStatus;
  pagesCap: number;
  pagesFetched: number;
  pagesRefused: number;
  pagesFailed: number;
  candidates: number;
  newCount: number;
  knownCount: number;
  invalidCount: number;
  errors: RunError[];
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface CandidateView {
  id: string;
  key: string;
  name: string | null;
  email: string | null;
  instagram: string | null;
  youtube: string | null;
  tiktok: string | null;
  foundOn: string;
  outcome: CandidateOutcome;
  reason: string | null;
  contactId: string | null;
}
