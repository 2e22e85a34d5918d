import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import { type SqlBool, sql } from "kysely";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { filterConditions } from "./list-contacts.ts";
import type { ContactFilters } from "./schemas.ts";

const COLUMNS = [
  "id",
  "name",
  "email",
  "phone",
  "instagram",
  "city",
  "interest",
  "income",
  "score",
  "temperature",
  "tags",
  "first_source",
  "last_source",
  "created_at",
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
// A plain number or phone ("+5511987654321", "-12.5", "+55 (11) 98765-4321") cannot run anything.
const PLAIN_NUMBER = /^[+-]?[\d\s().-]+$/;

/**
 * One CSV cell, escaped against formula injection (OWASP): a value starting with = + - @ tab or CR
 * gets a leading apostrophe, except plain numbers and phones, so "+55…" round-trips unchanged.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = Array.isArray(value)
    ? value.join(";")
    : value instanceof Date
      ? value.toISOString()
      : String(value);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\n\r;]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

const BATCH = 1000;

type ExportRow = Record<(typeof COLUMNS)[number], unknown> & { created_at: Date; id: string };

/** The filtered contacts in keyset batches of 1,000 (never the whole base in memory). */
async function* exportBatches(
  deps: Deps,
  input: { workspaceId: string; filters: ContactFilters },
): AsyncGenerator<ExportRow[]> {
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const conditions = filterConditions(input.workspaceId, input.filters);
    if (after) conditions.push(sql<SqlBool>`(c.created_at, c.id) > (${after.createdAt}, ${after.id}::uuid)`);
    const { rows } = await sql<ExportRow>`
      select c.id, c.name, c.email, c.phone, c.instagram, c.city, c.interest, c.income,
             coalesce(s.score, 0) as score, coalesce(s.temperature, 'cold') as temperature, c.tags,
             c.first_source, c.last_source, c.created_at
      from contacts c left join contact_scores s on s.contact_id = c.id
      where ${sql.join(conditions, sql` and `)}
      order by c.created_at, c.id
      limit ${BATCH}
    `.execute(deps.db);
    if (rows.length === 0) return;
    yield rows;
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return;
    after = { createdAt: last.created_at, id: last.id };
  }
}

/** Streams the filtered contacts as CSV (UTF-8 with BOM for spreadsheet apps). */
export async function* exportContacts(
  deps: Deps,
  input: { workspaceId: string; filters: ContactFilters },
): AsyncGenerator<string> {
  yield `\uFEFF${COLUMNS.join(",")}\r\n`;
  for await (const rows of exportBatches(deps, input)) {
    yield rows.map((row) => `${COLUMNS.map((column) => csvCell(row[column])).join(",")}\r\n`).join("");
  }
}

/**
 * Streams the filtered contacts as an XLSX workbook. Cells are typed values, never formulas, so no
 * escaping is needed; phones stay text.
 */
export async function exportContactsXlsx(
  deps: Deps,
  input: { workspaceId: string; filters: ContactFilters },
  output: Writable,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet("Leads");
  sheet.columns = COLUMNS.map((column) => ({
    header: column,
    key: column,
    width: column === "id" ? 38 : 20,
  }));
  for await (const rows of exportBatches(deps, input)) {
    for (const row of rows) {
      sheet
        .addRow(
          Object.fromEntries(
            COLUMNS.map((column) => {
              const value = row[column];
              return [column, Array.isArray(value) ? value.join(";") : (value ?? null)];
            }),
          ),
        )
        .commit();
    }
  }
  sheet.commit();
  await workbook.commit();
}

/** An export leaves the building with people's data: who took which slice, and when, is audited. */
export async function auditExport(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; format: "csv" | "xlsx"; filters: ContactFilters },
): Promise<void> {
  await recordAudit(deps.db, {
    workspaceId: input.workspaceId,
    entityType: "workspace",
    entityId: input.workspaceId,
    action: "leads.exported",
    actor: input.actor,
    before: null,
    after: { format: input.format, filters: input.filters },
    at: deps.clock.now(),
  });
}
