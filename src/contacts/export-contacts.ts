import { type SqlBool, sql } from "kysely";
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

/** Streams the filtered contacts as CSV (UTF-8 with BOM for spreadsheet apps), in keyset batches. */
export async function* exportContacts(
  deps: Deps,
  input: { workspaceId: string; filters: ContactFilters },
): AsyncGenerator<string> {
  yield `\uFEFF${COLUMNS.join(",")}\r\n`;
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const conditions = filterConditions(input.workspaceId, input.filters);
    if (after) conditions.push(sql<SqlBool>`(c.created_at, c.id) > (${after.createdAt}, ${after.id}::uuid)`);
    const { rows } = await sql<Record<(typeof COLUMNS)[number], unknown> & { created_at: Date; id: string }>`
      select c.id, c.name, c.email, c.phone, c.instagram, c.city, c.interest, c.income,
             coalesce(s.score, 0) as score, coalesce(s.temperature, 'cold') as temperature, c.tags,
             c.first_source, c.last_source, c.created_at
      from contacts c left join contact_scores s on s.contact_id = c.id
      where ${sql.join(conditions, sql` and `)}
      order by c.created_at, c.id
      limit ${BATCH}
    `.execute(deps.db);
    if (rows.length === 0) return;
    yield rows.map((row) => `${COLUMNS.map((column) => csvCell(row[column])).join(",")}\r\n`).join("");
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return;
    after = { createdAt: last.created_at, id: last.id };
  }
}
