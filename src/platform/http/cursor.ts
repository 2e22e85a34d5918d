import { type RawBuilder, sql } from "kysely";
import { AppError } from "./errors.ts";

/** Opaque keyset cursors: base64url JSON of the last row's sort values. */
export function encodeCursor(values: (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): (string | number | null)[] | null {
  if (!cursor) return null;
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(values) && values.every((v) => v === null || ["string", "number"].includes(typeof v))) {
      return values as (string | number | null)[];
    }
  } catch {
    // fall through
  }
  throw new AppError("invalid_input", "The cursor is not valid", [
    { field: "cursor", message: "invalid cursor" },
  ]);
}

/** A `(time, id)` cursor's values, or null with no cursor (400 when it is not one). */
export function decodeTimeCursor(cursor: string | undefined): { at: Date; id: string } | null {
  const after = decodeCursor(cursor);
  if (!after) return null;
  const [at, id] = after;
  if (typeof at !== "string" || typeof id !== "string" || Number.isNaN(Date.parse(at))) {
    throw new AppError("invalid_input", "The cursor is not valid", [
      { field: "cursor", message: "invalid cursor" },
    ]);
  }
  return { at: new Date(at), id };
}

/**
 * For lists sorted by `(column desc, id desc)`: the condition "after the cursor's row", or null with no
 * cursor. A row comparison, so the planner can walk a `(column, id)` index. `idColumn` names the id
 * when the query joins several tables.
 */
export function olderThanCursor(
  cursor: string | undefined,
  column: string,
  idColumn = "id",
): RawBuilder<boolean> | null {
  const after = decodeTimeCursor(cursor);
  if (!after) return null;
  return sql<boolean>`(${sql.ref(column)}, ${sql.ref(idColumn)}) < (${after.at}, ${after.id}::uuid)`;
}

/** The first `limit` rows of `limit + 1` fetched, and the cursor to the next page (null on the last). */
export function pageOf<T extends { id: string }>(
  rows: T[],
  limit: number,
  timeOf: (row: T) => Date,
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    page,
    nextCursor: rows.length > limit && last ? encodeCursor([timeOf(last).toISOString(), last.id]) : null,
  };
}
