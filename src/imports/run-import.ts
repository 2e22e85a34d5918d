import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "kysely";
import type { Actor } from "../auth/schemas.ts";
import { type IngestItem, ingestLeads, type SetClaims } from "../capture/ingest-leads.ts";
import { type NormalizedLead, normalizeLead } from "../contacts/normalize-lead.ts";
import { LeadInputSchema } from "../contacts/schemas.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import { mapColumns, toLeadFields } from "./map-columns.ts";
import { countRows, readRows, UnreadableFileError } from "./read-rows.ts";
import {
  type ColumnMapping,
  IMPORT_SOURCE,
  type ImportOptions,
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

type ImportRecord = Pick<ImportsTable, "workspace_id" | "created_by"> & {
  options: ImportOptions;
  id: string;
  /** An earlier run of this import may have left events after the checkpoint. */
  isResumed: boolean;
};

/** A chunk read and prepared (lead fields, normalised) ahead of its database work. */
interface PreparedChunk {
  rows: ImportRow[];
  prepared: Prepared[];
  errors: RowError[];
}

/** Rows → lead fields → normalised leads, in memory (no database): the CPU half of a chunk. */
function prepareChunk(deps: Deps, mapping: ColumnMapping[], rows: ImportRow[]): PreparedChunk {
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
  return { rows, prepared, errors };
}

/**
 * One chunk: lead fields → the spine (ingestLeads). Each row's raw fields become an inbox event
 * (idempotency key `<importId>:<row>`) written with the person it became: new people, their
 * scores and their events in ONE statement; matches in one transaction. Then counters, errors
 * (and the failed rows' events) and the checkpoint in ONE transaction. A resumed run first looks
 * the chunk's keys up: rows a crashed run already processed are counted, not ingested again.
 */
async function processChunk(
  deps: Deps,
  record: ImportRecord,
  chunk: PreparedChunk,
  pipeline: {
    /** The chunk before, still being written. */
    inFlight?: SetClaims & { settled: Promise<unknown> };
    onClaimed?: (claims: SetClaims) => void;
    /** Ends when the chunk before has ended (rejects if it failed): counters stay in order. */
    previous?: Promise<unknown>;
  } = {},
) {
  const db = importsDb(deps.db);
  const now = deps.clock.now();
  const { rows, prepared } = chunk;
  const errors = [...chunk.errors];
  const failedRows = new Set(errors.map((error) => error.rowNumber));
  let created = 0;
  let merged = 0;
  const failedEvents: { item: IngestItem; message: string }[] = [];

  if (prepared.length > 0) {
    const key = (row: ImportRow) => `${record.id}:${row.rowNumber}`;
    // A first run stores each row's event as it ingests it (nothing can exist yet); a resumed run
    // first looks for the events a crashed run left after the checkpoint.
    const events = new Map<string, { id: string; status: string; contact_id: string | null }>();
    if (record.isResumed) {
      const found = await deps.db
        .selectFrom("inbox_events")
        .select(["id", "idempotency_key", "status", "contact_id"])
        .where("workspace_id", "=", record.workspace_id)
        .where("source", "=", IMPORT_SOURCE)
        .where(
          "idempotency_key",
          "in",
          prepared.map(({ row }) => key(row)),
        )
        .execute();
      for (const event of found) events.set(event.idempotency_key, event);
    }
    const actor: Actor = {
      type: record.created_by ? "user" : "system",
      id: record.created_by,
      label: IMPORT_SOURCE,
    };
    const items: IngestItem[] = [];
    const rowOf = new Map<string, number>();
    const done: string[] = [];
    for (const { row, fields, lead } of prepared) {
      const event = events.get(key(row));
      if (event?.status === "processed") {
        if (event.contact_id) done.push(event.contact_id);
        else merged++;
        continue;
      }
      const eventId = event?.id ?? randomUUID();
      rowOf.set(eventId, row.rowNumber);
      items.push({
        workspaceId: record.workspace_id,
        lead,
        actor,
        at: now,
        eventId,
        // A quiet import (the historical base) runs no automation rule for its rows.
        isHistorical: record.options.quiet === true,
        // The raw row is stored with the person it became, in the same statement.
        event: event
          ? { kind: "stored", isFirstDelivery: event.status === "received" }
          : {
              kind: "new",
              source: IMPORT_SOURCE,
              idempotencyKey: key(row),
              contentType: "application/json",
              headers: {},
              body: JSON.stringify(fields),
            },
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
    // One commit for the chunk's matches too: a failed commit fails the chunk, redone on resume.
    const results = await ingestLeads(deps, items, {
      matchesInOneTransaction: true,
      ...(pipeline.inFlight ? { inFlight: pipeline.inFlight } : {}),
      ...(pipeline.onClaimed ? { onClaimed: pipeline.onClaimed } : {}),
    });
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
      failedEvents.push({ item, message: described.map((error) => error.message).join("; ") });
    });
  }

  const checkpoint = rows.at(-1)?.rowNumber ?? 0;
  // Never past a chunk that failed: the checkpoint only moves once the chunk before has ended.
  await pipeline.previous;
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
    if (failedEvents.length > 0) {
      // The raw rows that could not be ingested, kept as failed events (stored ones updated).
      await trx
        .insertInto("inbox_events")
        .values(
          failedEvents.map(({ item, message }) => ({
            id: item.eventId,
            workspace_id: record.workspace_id,
            source: IMPORT_SOURCE,
            idempotency_key: item.event.kind === "new" ? item.event.idempotencyKey : item.eventId,
            content_type: "application/json",
            headers: JSON.stringify({}),
            body: item.event.kind === "new" ? Buffer.from(item.event.body) : Buffer.alloc(0),
            status: "failed" as const,
            attempts: 1,
            error: message,
            received_at: now,
            processed_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.column("id").doUpdateSet((eb) => ({
            status: "failed",
            attempts: eb("inbox_events.attempts", "+", 1),
            error: eb.ref("excluded.error"),
            processed_at: eb.ref("excluded.processed_at"),
          })),
        )
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
    let isEmpty = true;
    // Reads and prepares chunks; the next one is read while the current one is written.
    const record = claimed;
    async function* preparedChunks(): AsyncGenerator<PreparedChunk> {
      let mapping = record.mapping;
      let rows: ImportRow[] = [];
      for await (const row of readRows(path, record.format)) {
        if (isEmpty) {
          // The first non-blank row names the columns; the mapping is chosen once and kept.
          isEmpty = false;
          if (!mapping) {
            mapping = mapColumns(row.cells, record.options.columns);
            await db
              .updateTable("imports")
              .set({ mapping: JSON.stringify(mapping) })
              .where("id", "=", record.id)
              .execute();
          }
          continue;
        }
        if (row.rowNumber <= record.checkpoint || !mapping) continue;
        rows.push(row);
        if (rows.length >= chunkSize) {
          yield prepareChunk(deps, mapping, rows);
          rows = [];
        }
      }
      if (rows.length > 0 && mapping) yield prepareChunk(deps, mapping, rows);
    }
    const chunks = preparedChunks();
    // Two chunks in flight: the next one starts once the current one's keys and their owners are
    // known, and waits for it when they share a key or a contact (ingestLeads); counters and
    // checkpoints are written in order, never past a failed chunk.
    const inFlight: Promise<number>[] = [];
    try {
      let next = chunks.next();
      let previous: { claims: SetClaims | null; finished: Promise<number> } | null = null;
      while (true) {
        const current = await next;
        if (current.done) break;
        next = chunks.next();
        // Handled here so a failed write below leaves no unhandled rejection behind.
        next.catch(() => undefined);
        let onClaimed: (claims: SetClaims) => void = () => undefined;
        const claimed = new Promise<SetClaims>((resolve) => {
          onClaimed = resolve;
        });
        const prior: { claims: SetClaims | null; finished: Promise<number> } | null = previous;
        // At most two in flight: the chunk before the previous one has ended.
        if (inFlight.length >= 2) await inFlight[inFlight.length - 2];
        const finished: Promise<number> = processChunk(
          deps,
          { ...record, isResumed: record.attempts > 1 },
          current.value,
          {
            ...(prior?.claims ? { inFlight: { ...prior.claims, settled: prior.finished } } : {}),
            onClaimed,
            ...(prior ? { previous: prior.finished } : {}),
          },
        ).then(async (checkpoint) => {
          await input.afterChunk?.({ checkpoint });
          return checkpoint;
        });
        finished.catch(() => undefined);
        inFlight.push(finished);
        if (inFlight.length > 2) inFlight.shift();
        // Without claims (nothing to ingest, or the lookup failed) the next chunk waits for this one.
        const claims: SetClaims | null = await Promise.race([claimed, finished.then(() => null)]);
        if (!claims) await finished;
        previous = { claims, finished };
      }
      await previous?.finished;
    } finally {
      // Nothing is left running behind the run, whatever happened.
      await Promise.allSettled(inFlight);
      await chunks.return(undefined).catch(() => undefined);
    }
    if (isEmpty) return await finish("failed", "the file is empty");
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
