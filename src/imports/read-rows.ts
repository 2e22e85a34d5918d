import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import ExcelJS from "exceljs";
import type { ImportFormat, ImportRow } from "./schemas.ts";

export type TextEncoding = "utf-8" | "windows-1252";

/** A file that cannot be read as a table: the import fails for good (no retry helps). */
export class UnreadableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnreadableFileError";
  }
}

// Our export (contacts/export-contacts.ts#csvCell) prefixes formula-looking cells with an apostrophe.
const ESCAPED_FORMULA = /^'[=+\-@\t\r]/;

/** Undoes the export's formula escaping: `'=1+1` → `=1+1`, `'+5511…` → `+5511…`. */
export function unescapeCell(value: string): string {
  return ESCAPED_FORMULA.test(value) ? value.slice(1) : value;
}

/**
 * UTF-8 when every byte sequence is valid UTF-8, otherwise Windows-1252 (what Excel in pt-BR writes;
 * a superset of Latin-1). Scans the file without holding it; stops at the first invalid sequence.
 */
export async function detectEncoding(path: string): Promise<TextEncoding> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for await (const chunk of createReadStream(path)) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return "utf-8";
  } catch (error) {
    if (error instanceof TypeError) return "windows-1252";
    throw error;
  }
}

/** `;` when the header line has more semicolons than commas outside quotes (pt-BR Excel), else `,`. */
export async function detectDelimiter(path: string, encoding: TextEncoding): Promise<"," | ";"> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = new TextDecoder(encoding).decode(buffer.subarray(0, bytesRead));
    let commas = 0;
    let semicolons = 0;
    let isQuoted = false;
    for (const char of text) {
      if (char === '"') isQuoted = !isQuoted;
      else if (!isQuoted && (char === "\n" || char === "\r")) break;
      else if (!isQuoted && char === ",") commas++;
      else if (!isQuoted && char === ";") semicolons++;
    }
    return semicolons > commas ? ";" : ",";
  } finally {
    await handle.close();
  }
}

function decodeStream(encoding: TextEncoding): Transform {
  // TextDecoder drops a UTF-8 byte-order mark itself.
  const decoder = new TextDecoder(encoding);
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
}

const isBlank = (cells: string[]) => cells.every((cell) => cell.trim() === "");

async function* readCsv(path: string): AsyncGenerator<ImportRow> {
  const encoding = await detectEncoding(path);
  const delimiter = await detectDelimiter(path, encoding);
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  });
  const piping = pipeline(createReadStream(path), decodeStream(encoding), parser).catch(() => undefined);
  let rowNumber = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      rowNumber++;
      if (isBlank(record)) continue;
      yield { rowNumber, cells: record.map(unescapeCell) };
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UnreadableFileError(`the CSV file cannot be read (${message.slice(0, 200)})`);
  } finally {
    parser.destroy();
    await piping;
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    if ("richText" in value && Array.isArray(value.richText)) {
      return value.richText.map((part: { text?: unknown }) => cellText(part.text)).join("");
    }
    if ("result" in value) return cellText(value.result);
    if ("text" in value) return cellText(value.text);
  }
  return "";
}

async function* readXlsx(path: string): AsyncGenerator<ImportRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: "emit",
    sharedStrings: "cache",
    hyperlinks: "ignore",
    styles: "cache",
    entries: "ignore",
  });
  let isReading = true;
  try {
    // Only the first worksheet is imported.
    for await (const worksheet of workbook) {
      if (!isReading) continue;
      isReading = false;
      for await (const row of worksheet) {
        const values = Array.isArray(row.values) ? row.values : [];
        const cells: string[] = [];
        for (let column = 1; column < values.length; column++) {
          cells.push(unescapeCell(cellText(values[column]).trim()));
        }
        if (isBlank(cells)) continue;
        yield { rowNumber: row.number, cells };
      }
    }
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new UnreadableFileError(`the XLSX file cannot be read (${message.slice(0, 200)})`);
  }
}

/**
 * Streams a CSV (`,` or `;`, UTF-8 or Windows-1252, BOM dropped) or the first worksheet of an XLSX:
 * the header first (the first non-blank row), then the data rows, blank rows skipped. Never holds the file in memory.
 */
export function readRows(path: string, format: ImportFormat): AsyncGenerator<ImportRow> {
  return format === "xlsx" ? readXlsx(path) : readCsv(path);
}

/**
 * Non-blank lines of a CSV file without quotes, by scanning its bytes (no parsing): a line is blank
 * when it holds only the delimiter and spaces (as readRows skips it; a line with other bytes above
 * 0x7f is decoded and trimmed). Null when the file has a quote, so only the parser can tell records.
 */
async function countUnquotedLines(
  path: string,
  delimiter: number,
  encoding: TextEncoding,
): Promise<number | null> {
  let count = 0;
  let line: number[] | null = null;
  let isBlank = true;
  const decoder = new TextDecoder(encoding);
  const endLine = () => {
    if (!isBlank) count++;
    else if (
      line &&
      decoder
        .decode(new Uint8Array(line))
        .split(String.fromCharCode(delimiter))
        .some((cell) => cell.trim() !== "")
    )
      count++;
    isBlank = true;
    line = null;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const bytes = chunk as Buffer;
    for (let index = 0; index < bytes.length; index++) {
      const byte = bytes[index] as number;
      if (byte === 0x0a || byte === 0x0d) {
        endLine();
        continue;
      }
      if (byte === 0x22) return null;
      if (!isBlank) continue;
      if (byte === delimiter || byte === 0x20 || byte === 0x09 || byte === 0x0b || byte === 0x0c) {
        line?.push(byte);
      } else if (byte >= 0x80) {
        line ??= [];
        line.push(byte);
      } else {
        isBlank = false;
        line = null;
      }
    }
  }
  endLine();
  return count;
}

/** Data rows in the file (the header, its first non-blank row, excluded), for progress. */
export async function countRows(path: string, format: ImportFormat): Promise<number> {
  if (format === "csv") {
    const encoding = await detectEncoding(path);
    const delimiter = await detectDelimiter(path, encoding);
    const lines = await countUnquotedLines(path, delimiter.charCodeAt(0), encoding);
    if (lines !== null) return Math.max(0, lines - 1);
  }
  let count = 0;
  for await (const _row of readRows(path, format)) count++;
  return Math.max(0, count - 1);
}
