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
