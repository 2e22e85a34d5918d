import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../platform/db/schema.ts";

export const RUN_IMPORT_JOB = "imports.run-import";
export const RECOVER_IMPORTS_JOB = "imports.recover-imports";

/** Inbox source of imported rows (idempotency key `<importId>:<rowNumber>`). */
export const IMPORT_SOURCE = "import";

export const IMPORT_FORMATS = ["csv", "xlsx"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const IMPORT_STATUSES = ["queued", "running", "done", "failed"] as const;
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

export interface ColumnMapping {
  column: string;
  field: LeadField | "custom" | "ignore";
}

/** Chosen by the person importing: header name → lead field (`custom` keeps it, `ignore` drops it). */
export const ColumnChoicesSchema = z
  .record(z.string().min(1).max(200), z.enum([...LEAD_FIELDS, "custom", "ignore"]))
  .refine((value) => Object.keys(value).length <= 200, "at most 200 columns");

export interface ImportOptions {
  /**
   * The imported people should not set automations off (welcome messages, dispatch rules) when those
   * exist: a bulk load of an old base is not a wave of new leads. Stored now, honoured by automations.
   */
  quiet?: boolean;
  /** Header name → field, overriding the defaults for those columns. */
  columns?: Record<string, LeadField | "custom" | "ignore">;
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

export type ImportsDB = DB & { imports: ImportsTable; import_errors: ImportErrorsTable };

/** The shared connection, seeing the imports tables too. */
export function importsDb(db: Kysely<DB> | Transaction<DB>): Kysely<ImportsDB> {
  return db.withTables<{ imports: ImportsTable; import_errors: ImportErrorsTable }>();
}

export const RunImportJobSchema = z.object({ importId: z.string().uuid() });

export const ImportIdParams = z.object({ id: z.string().uuid() });

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
