// CSV of the charts' data (pure: tested in csv.test.ts against the server's contacts/export-contacts.ts).

const FORMULA_START = /^[=+\-@\t\r]/;
// A plain number or phone ("+5511987654321", "-12.5") cannot run anything.
const PLAIN_NUMBER = /^[+-]?[\d\s().-]+$/;

/**
 * One CSV cell, escaped against formula injection as the server's exports are
 * (contacts/export-contacts.ts#csvCell, which the bundle cannot import): a value starting with = + - @
 * tab or CR gets a leading apostrophe, except plain numbers.
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

/** Rows (header first) as a CSV file: UTF-8 with a BOM for spreadsheet apps, CRLF line ends. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${rows.map((row) => row.map((cell) => csvCell(cell)).join(",")).join("\r\n")}\r\n`;
}

/** A file name from a title: lower case, no accents, words joined by dashes. */
export function fileNameOf(title: string, extension: string): string {
  const slug = title
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${slug || "grafico"}.${extension}`;
}
