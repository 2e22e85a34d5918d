import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../platform/db/schema.ts";

export const RUN_IMPORT_JOB = "imports.run-import";
export const RECOVER_IMPORTS_JOB = "imports.recover-imports";
export const PRUNE_IMPORT_DRAFTS_JOB = "imports.prune-drafts";

/** A draft (uploaded with `start=false`, never started) is removed, with its file, after this long. */
export const DRAFT_TTL_MS = 24 * 3600_000;
/** Data rows shown in a preview. */
export const PREVIEW_ROWS = 20;

/** Inbox source of imported rows (idempotency key `<importId>:<rowNumber>`). */
export const IMPORT_SOURCE = "import";

export const IMPORT_FORMATS = ["csv", "xlsx"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** `draft`: stored and previewed, waiting for `POST /api/v1/imports/{id}/start`. */
export const IMPORT_STATUSES = ["draft", "queued", "running", "done", "failed"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Lead fields a column can feed; anything else goes to `custom` under the column's header. */
export const LEAD_FIELDS = [
  "name",
  "email",
  "phone",
  "instagram",
  "city",
  "interest",
  "income",
  "source",
  "utm_source",
  "utm_medium",
  "utm_campaign",
] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];

export const COLUMN_CHOICES = [...LEAD_FIELDS, "custom", "ignore"] as const;
export type ColumnChoice = (typeof COLUMN_CHOICES)[number];

export interface ColumnMapping {
  column: string;
  field: ColumnChoice;
}

/** Chosen by the person importing: header name → lead field (`custom` keeps it, `ignore` drops it). */
export const ColumnChoicesSchema = z
  .record(z.string().min(1).max(200), z.enum(COLUMN_CHOICES))
  .refine((value) => Object.keys(value).length <= 200, "at most 200 columns");

export interface ImportOptions {
  /**
   * The imported people should not set automations off (welcome messages, dispatch rules) when those
   * exist: a bulk load of an old base is not a wave of new leads. Stored now, honoured by automations.
   */
  quiet?: boolean;
  /** Header name → field, overriding the defaults for those columns. */
  columns?: Record<string, ColumnChoice>;
}

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | T | undefined, string | T>;

/** migrations/0002_imports.sql, typed for Kysely (added to the shared DB type with `withTables`). */
export interface ImportsTable {
  id: Generated<string>;
  workspace_id: string;
  filename: string;
  format: ImportFormat;
  status: Generated<ImportStatus>;
  total: number | null;
  created: Generated<number>;
  merged: Generated<number>;
  failed: Generated<number>;
  checkpoint: Generated<number>;
  mapping: Json<ColumnMapping[] | null>;
  options: Json<ImportOptions>;
  error: string | null;
  attempts: Generated<number>;
  locked_until: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface ImportErrorsTable {
  id: Generated<number>;
  import_id: string;
  row_number: number;
  field: string | null;
  message: string;
}

/** migrations/0006_import_mappings.sql: saved column choices, per workspace. */
export interface ImportMappingsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  columns: Json<Record<string, ColumnChoice>>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

type ImportsTables = {
  imports: ImportsTable;
  import_errors: ImportErrorsTable;
  import_mappings: ImportMappingsTable;
};

export type ImportsDB = DB & ImportsTables;

/** The shared connection, seeing the imports tables too. */
export function importsDb(db: Kysely<DB> | Transaction<DB>): Kysely<ImportsDB> {
  return db.withTables<ImportsTables>();
}

export const RunImportJobSchema = z.object({ importId: z.string().uuid() });

export const ImportIdParams = z.object({ id: z.string().uuid() });
export const ImportMappingIdParams = z.object({ id: z.string().uuid() });

export const PreviewQuerySchema = z.object({
  /** `auto`: the best-matching saved mapping; `none`: the default mapping; or a saved mapping's id. */
  mapping: z.union([z.enum(["auto", "none"]), z.string().uuid()]).optional(),
});

const MappingNameSchema = z.string().trim().min(1).max(120);

/** Saved mapping columns: at least one, and never two headers that only differ in case or accents. */
export const MappingColumnsSchema = ColumnChoicesSchema.refine(
  (value) => Object.keys(value).length > 0,
  "at least one column",
);

export const CreateImportMappingSchema = z
  .object({ name: MappingNameSchema, columns: MappingColumnsSchema })
  .strict();

export const UpdateImportMappingSchema = z
  .object({ name: MappingNameSchema.optional(), columns: MappingColumnsSchema.optional() })
  .strict()
  .refine((value) => value.name !== undefined || value.columns !== undefined, "nothing to change");

export const StartImportSchema = z
  .object({
    /** Header → choice; wins over the saved mapping and the defaults. */
    columns: ColumnChoicesSchema.optional(),
    /** A saved mapping whose choices apply to the headers it knows. */
    mappingId: z.string().uuid().optional(),
    quiet: z.boolean().optional(),
    /** Saves the choices finally used (every column of the file) as a new mapping with this name. */
    saveMappingAs: MappingNameSchema.optional(),
  })
  .strict();
export type StartImportInput = z.infer<typeof StartImportSchema>;

export interface ImportMappingView {
  id: string;
  name: string;
  columns: Record<string, ColumnChoice>;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Where a column's suggested choice came from. */
export type SuggestionSource = "mapping" | "default";

export interface ImportPreview {
  id: string;
  filename: string;
  status: ImportStatus;
  format: ImportFormat;
  /** CSV only. */
  delimiter: "," | ";" | null;
  /** CSV only, as seen in the first bytes of the file. */
  encoding: "utf-8" | "windows-1252" | null;
  quiet: boolean;
  /** The header cells, in file order. */
  header: string[];
  /** The first data rows (blank rows skipped), cells in header order. */
  rows: string[][];
  /** One per header cell: the suggested choice and where it came from. */
  columns: { column: string; field: ColumnChoice; source: SuggestionSource }[];
  /** The saved mapping the suggestion used, or null for the default mapping. */
  mapping: { id: string; name: string } | null;
}

export interface ImportView {
  id: string;
  filename: string;
  format: ImportFormat;
  status: ImportStatus;
  total: number | null;
  processed: number;
  created: number;
  merged: number;
  failed: number;
  mapping: ColumnMapping[] | null;
  quiet: boolean;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** A data row: `rowNumber` counts like a spreadsheet (the header is row 1). */
export interface ImportRow {
  rowNumber: number;
  cells: string[];
}

export interface RowError {
  rowNumber: number;
  field: string | null;
  message: string;
}
