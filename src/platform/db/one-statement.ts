import { type Kysely, type OperationNodeSource, type RawBuilder, sql, type Transaction } from "kysely";
import type { DB } from "./schema.ts";

/**
 * Runs several data-modifying queries as one statement (`with q0 as (…), q1 as (…) select 1`):
 * one round trip, atomic without BEGIN/COMMIT. The queries must not read each other's writes.
 */
export async function executeAsOneStatement(
  db: Kysely<DB> | Transaction<DB>,
  queries: OperationNodeSource[],
): Promise<void> {
  if (queries.length === 0) return;
  const parts = queries.map((query, index) => sql`${sql.raw(`q${index}`)} as (${query})`);
  await sql`with ${sql.join(parts)} select 1 as done`.execute(db);
}

/**
 * How a column travels in a JSON row: as its SQL type, or `jsonb-text` (a JSON text, stored as
 * jsonb), `bytea-hex` (bytes as a hex string) or `bytea-text` (bytes that are UTF-8 text, as that text).
 */
export type JsonColumnType =
  | "uuid"
  | "text"
  | "integer"
  | "double precision"
  | "timestamptz"
  | "jsonb"
  | "text[]"
  | "jsonb-text"
  | "bytea-hex"
  | "bytea-text";

/**
 * `INSERT INTO table (…) SELECT … FROM jsonb_to_recordset($1)`: many rows as ONE parameter, so a
 * big multi-row insert costs one bind value instead of rows × columns (less to build, send, parse and
 * plan). `columns` names the table's columns (code, never input) and how each travels.
 */
export function insertJsonRows(
  table: string,
  columns: Record<string, JsonColumnType>,
  rows: readonly object[],
): RawBuilder<unknown> {
  const names = Object.keys(columns);
  const definitions = names.map((name) => {
    const type = columns[name];
    return `"${name}" ${type === "jsonb-text" || type === "bytea-hex" || type === "bytea-text" ? "text" : type}`;
  });
  const values = names.map((name) => {
    const type = columns[name];
    if (type === "jsonb-text") return sql`(${sql.ref(`x.${name}`)})::jsonb`;
    if (type === "bytea-hex") return sql`decode(${sql.ref(`x.${name}`)}, 'hex')`;
    if (type === "bytea-text") return sql`convert_to(${sql.ref(`x.${name}`)}, 'UTF8')`;
    return sql.ref(`x.${name}`);
  });
  // Keys a row does not name read as null; keys that are not columns are ignored.
  return sql`insert into ${sql.table(table)} (${sql.join(names.map((name) => sql.ref(name)))})
    select ${sql.join(values)}
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${sql.raw(definitions.join(", "))})`;
}

/**
 * `UPDATE table SET … FROM jsonb_to_recordset($1) WHERE table.key = x.key`: many rows, each with its
 * own values, as ONE parameter. `columns` names the key and the columns to set (code, never input).
 */
export function updateJsonRows(
  table: string,
  key: string,
  columns: Record<string, JsonColumnType>,
  rows: readonly object[],
): RawBuilder<unknown> {
  const names = Object.keys(columns);
  const definitions = names.map((name) => {
    const type = columns[name];
    return `"${name}" ${type === "jsonb-text" || type === "bytea-hex" || type === "bytea-text" ? "text" : type}`;
  });
  const assignments = names
    .filter((name) => name !== key)
    .map((name) => {
      const type = columns[name];
      const value =
        type === "jsonb-text"
          ? sql`(${sql.ref(`x.${name}`)})::jsonb`
          : type === "bytea-hex"
            ? sql`decode(${sql.ref(`x.${name}`)}, 'hex')`
            : type === "bytea-text"
              ? sql`convert_to(${sql.ref(`x.${name}`)}, 'UTF8')`
              : sql.ref(`x.${name}`);
      return sql`${sql.ref(name)} = ${value}`;
    });
  // The keys again as an array, so the rows are found through the key's index, never by a scan.
  const keys = rows.map((row) => (row as Record<string, unknown>)[key]);
  return sql`update ${sql.table(table)} set ${sql.join(assignments)}
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${sql.raw(definitions.join(", "))})
    where ${sql.ref(`${table}.${key}`)} = ${sql.ref(`x.${key}`)}
      and ${sql.ref(`${table}.${key}`)} = any(${keys}::${sql.raw(columns[key] ?? "text")}[])`;
}
