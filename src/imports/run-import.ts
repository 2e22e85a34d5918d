import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "kysely";
import type { Actor } from "../auth/schemas.ts";
import { type IngestItem, ingestLeads } from "../capture/ingest-leads.ts";
import { type NormalizedLead, normalizeLead } from "../contacts/normalize-lead.ts";
import { LeadInputSchema } from "../contacts/schemas.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import { mapColumns, toLeadFields } from "./map-columns.ts";
import { countRows, readRows, UnreadableFileError } from "./read-rows.ts";
import {
  type ColumnMapping,
  IMPORT_SOURCE,
  type ImportRow,
  type ImportsTable,
  importsDb,
  type RowError,
} from "./schemas.ts";

export const CHUNK_SIZE = 500;
/** How long a run owns an import without news; extended after every chunk. */
const LEASE_MS = 5 * 60_000;
/** Runs that may fail (not on the file) before the import is failed for good. */
const MAX_ATTEMPTS = 8;

export interface RunImportInput {
  importId: string;
  chunkSize?: number;
  /** Called after each chunk is committed (tests simulate a crash here). */
  afterChunk?: (progress: { checkpoint: number }) => Promise<void> | void;
}

export type RunImportOutcome = "done" | "failed" | "skipped";

export function importFilePath(deps: Deps, importId: string): string {
  return join(deps.config.dataDir, "imports", importId);
}

/** Reasons a row cannot become a person, per field, never with the values themselves. */
function describeRowError(rowNumber: number, error: unknown): RowError[] {
  if (error instanceof AppError) {
    if (error.errors && error.errors.length > 0) {
      return error.errors.map((item) => ({ rowNumber, field: item.field, message: item.message }));
    }
    return [{ rowNumber, field: null, message: error.message }];
  }
  if (error && typeof error === "object" && "issues" in error && Array.isArray(error.issues)) {
    return (error.issues as { path: PropertyKey[]; message: string }[]).slice(0, 10).map((issue) => ({
      rowNumber,
      field: issue.path.map(String).join(".") || null,
      message: issue.message,
    }));
  }
  const message = error instanceof Error ? error.message : String(error);
  return [{ rowNumber, field: null, message: message.slice(0, 500) }];
}

interface Prepared {
  row: ImportRow;
  fields: Record<string, unknown>;
  lead: NormalizedLead;
}

type ImportRecord = Pick<ImportsTable, "workspace_id" | "created_by"> & { id: string };

/**
 * One chunk: rows → lead fields → inbox events (idempotency key `<importId>:<row>`, so a re-run finds
 * them) → the spine (ingestLeads, as stored events) → counters, errors and checkpoint in ONE
 * transaction. Rows a crashed run already processed are found processed and not ingested again.
 */
async function processChunk(deps: Deps, record: ImportRecord, mapping: ColumnMapping[], rows: ImportRow[]) {
  const db = importsDb(deps.db);
  const now = deps.clock.now();
  const errors: RowError[] = [];
  const prepared: Prepared[] = [];
  for (const row of rows) {
    try {
      const fields = toLeadFields(row.cells, mapping);
      const lead = normalizeLead(LeadInputSchema.parse(fields), {
        defaultCountry: deps.config.contacts.defaultCountry,
        defaultSource: IMPORT_SOURCE,
      });
      prepared.push({ row, fields, lead });
    } catch (error) {
      errors.push(...describeRowError(row.rowNumber, error));
    }
  }
  const failedRows = new Set(errors.map((error) => error.rowNumber));
  let created = 0;
  let merged = 0;
  const failedEvents: { id: string; message: string }[] = [];

  if (prepared.length > 0) {
    const key = (row: ImportRow) => `${record.id}:${row.rowNumber}`;
    await deps.db
      .insertInto("inbox_events")
      .values(
        prepared.map(({ row, fields }) => ({
          workspace_id: record.workspace_id,
          source: IMPORT_SOURCE,
          idempotency_key: key(row),
          content_type: "application/json",
          headers: JSON.stringify({}),
          body: Buffer.from(JSON.stringify(fields)),
          received_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(["workspace_id", "source", "idempotency_key"]).doNothing())
      .execute();
    const events = new Map(
      (
        await deps.db
          .selectFrom("inbox_events")
          .select(["id", "idempotency_key", "status", "contact_id"])
          .where("workspace_id", "=", record.workspace_id)
          .where("source", "=", IMPORT_SOURCE)
          .where(
            "idempotency_key",
            "in",
            prepared.map(({ row }) => key(row)),
          )
          .execute()
      ).map((event) => [event.idempotency_key, event]),
    );
    const actor: Actor = {
      type: record.created_by ? "user" : "system",
      id: record.created_by,
      label: IMPORT_SOURCE,
    };
    const items: IngestItem[] = [];
    const rowOf = new Map<string, number>();
    const done: string[] = [];
    for (const { row, lead } of prepared) {
      const event = events.get(key(row));
      if (!event) throw new Error(`inbox event ${key(row)} is missing`);
      if (event.status === "processed") {
        if (event.contact_id) done.push(event.contact_id);
        else merged++;
        continue;
      }
      rowOf.set(event.id, row.rowNumber);
      items.push({
        workspaceId: record.workspace_id,
        lead,
        actor,
        at: now,
        eventId: event.id,
        event: { kind: "stored", isFirstDelivery: event.status === "received" },
      });
    }
    if (done.length > 0) {
      // Processed by a run that died before its checkpoint: a person with one touch was created by it.
      const touches = await deps.db
        .selectFrom("contact_touches")
        .select(["contact_id", (eb) => eb.fn.countAll<number>().as("n")])
        .where("contact_id", "in", done)
        .groupBy("contact_id")
        .execute();
      const single = new Set(touches.filter((row) => Number(row.n) === 1).map((row) => row.contact_id));
      for (const contactId of done) {
        if (single.has(contactId)) created++;
        else merged++;
      }
    }
    const results = await ingestLeads(deps, items);
    results.forEach((result, index) => {
      const item = items[index] as IngestItem;
      if (result.ok) {
        if (result.value.outcome === "created") created++;
        else merged++;
        return;
      }
      const rowNumber = rowOf.get(item.eventId) ?? 0;
      const described = describeRowError(rowNumber, result.error);
      errors.push(...described);
      failedRows.add(rowNumber);
      failedEvents.push({ id: item.eventId, message: described.map((error) => error.message).join("; ") });
    });
  }

  const checkpoint = rows.at(-1)?.rowNumber ?? 0;
  await db.transaction().execute(async (trx) => {
    if (errors.length > 0) {
      await trx
        .insertInto("import_errors")
        .values(
          errors.map((error) => ({
            import_id: record.id,
            row_number: error.rowNumber,
            field: error.field,
            message: error.message,
          })),
        )
        .execute();
    }
    for (const event of failedEvents) {
      await trx
        .updateTable("inbox_events")
        .set((eb) => ({
          status: "failed",
          attempts: eb("attempts", "+", 1),
          error: event.message,
          processed_at: now,
        }))
        .where("id", "=", event.id)
        .execute();
    }
    await trx
      .updateTable("imports")
      .set((eb) => ({
        created: eb("created", "+", created),
        merged: eb("merged", "+", merged),
        failed: eb("failed", "+", failedRows.size),
        checkpoint,
        locked_until: new Date(deps.clock.now().getTime() + LEASE_MS),
      }))
      .where("id", "=", record.id)
      .execute();
  });
  deps.metrics.inboxEvents.labels(IMPORT_SOURCE, "processed").inc(created + merged);
  return checkpoint;
}

/**
 * Runs (or resumes) an import: claims it (one run at a time, by lease), counts the rows once, then
 * streams them in chunks after the checkpoint. An unreadable file fails the import for good; any
 * other error releases the lease and is thrown, so the job is retried and resumes at the checkpoint.
 */
export async function runImport(deps: Deps, input: RunImportInput): Promise<RunImportOutcome> {
  const db = importsDb(deps.db);
  const now = deps.clock.now();
  const claimed = await db
    .updateTable("imports")
    .set((eb) => ({
      status: "running",
      attempts: eb("attempts", "+", 1),
      locked_until: new Date(now.getTime() + LEASE_MS),
      started_at: sql<Date>`coalesce(started_at, ${now})`,
    }))
    .where("id", "=", input.importId)
    .where("status", "in", ["queued", "running"])
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
    .returningAll()
    .executeTakeFirst();
  if (!claimed) return "skipped";

  const finish = async (status: "done" | "failed", error: string | null) => {
    await db
      .updateTable("imports")
      .set({ status, error, locked_until: null, finished_at: deps.clock.now() })
      .where("id", "=", claimed.id)
      .execute();
    // The upload is only needed until the import ends.
    await rm(importFilePath(deps, claimed.id), { force: true });
    deps.log.info({ importId: claimed.id, status }, "import finished");
    return status;
  };

  try {
    const path = importFilePath(deps, claimed.id);
    if (!existsSync(path)) return await finish("failed", "the uploaded file is no longer available");
    if (claimed.total === null) {
      const total = await countRows(path, claimed.format);
      await db.updateTable("imports").set({ total }).where("id", "=", claimed.id).execute();
    }
    const chunkSize = input.chunkSize ?? CHUNK_SIZE;
    let mapping = claimed.mapping;
    let chunk: ImportRow[] = [];
    const flush = async () => {
      if (chunk.length === 0 || !mapping) return;
      const checkpoint = await processChunk(deps, claimed, mapping, chunk);
      chunk = [];
      await input.afterChunk?.({ checkpoint });
    };
    let isHeader = true;
    for await (const row of readRows(path, claimed.format)) {
      if (isHeader) {
        // The first non-blank row names the columns; the mapping is chosen once and kept.
        isHeader = false;
        if (!mapping) {
          mapping = mapColumns(row.cells, claimed.options.columns);
          await db
            .updateTable("imports")
            .set({ mapping: JSON.stringify(mapping) })
            .where("id", "=", claimed.id)
            .execute();
        }
        continue;
      }
      if (row.rowNumber <= claimed.checkpoint) continue;
      chunk.push(row);
      if (chunk.length >= chunkSize) await flush();
    }
    await flush();
    if (isHeader) return await finish("failed", "the file is empty");
    return await finish("done", null);
  } catch (error) {
    if (error instanceof UnreadableFileError) return finish("failed", error.message);
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    if (claimed.attempts >= MAX_ATTEMPTS) {
      return finish("failed", `gave up after ${claimed.attempts} attempts: ${message}`);
    }
    // Released for the retry, which resumes after the checkpoint.
    await db
      .updateTable("imports")
      .set({ locked_until: null, error: message })
      .where("id", "=", claimed.id)
      .execute();
    throw error;
  }
}
