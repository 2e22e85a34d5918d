import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import { detectDelimiter, readRows, UnreadableFileError, unescapeCell } from "./read-rows.ts";
import type { ImportFormat } from "./schemas.ts";

/** Bytes looked at to tell UTF-8 from Windows-1252 (the run itself looks at the whole file). */
const ENCODING_PROBE_BYTES = 64 * 1024;
/** A longer record than this is not a table's row: the preview stops with "cannot be read". */
const MAX_RECORD_BYTES = 1024 * 1024;
/** Cells are cut to this length in a preview. */
const MAX_CELL_CHARS = 200;
/** Columns shown in a preview. */
const MAX_COLUMNS = 200;

export interface FilePreview {
  format: ImportFormat;
  delimiter: "," | ";" | null;
  encoding: "utf-8" | "windows-1252" | null;
  header: string[];
  rows: string[][];
}

type Encoding = "utf-8" | "windows-1252";

/** UTF-8 when the first bytes are valid UTF-8 (a sequence cut at the end of the probe is fine). */
async function probeEncoding(path: string): Promise<Encoding> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(ENCODING_PROBE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    new TextDecoder("utf-8", { fatal: true }).decode(buffer.subarray(0, bytesRead), { stream: true });
    return "utf-8";
  } catch (error) {
    if (error instanceof TypeError) return "windows-1252";
    throw error;
  } finally {
    await handle.close();
  }
}

function decodeStream(encoding: Encoding): Transform {
  const decoder = new TextDecoder(encoding);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
}

const isBlank = (cells: string[]) => cells.every((cell) => cell.trim() === "");

/** Reads rows until `limit` non-blank rows are found, then stops reading the file. */
async function firstCsvRows(path: string, encoding: Encoding, delimiter: string, limit: number) {
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  const source = createReadStream(path, { highWaterMark: 64 * 1024 });
  const piping = pipeline(source, decodeStream(encoding), parser).catch(() => undefined);
  const rows: string[][] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (isBlank(record)) continue;
      rows.push(record.map(unescapeCell));
      if (rows.length >= limit) break;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UnreadableFileError(`the CSV file cannot be read (${message.slice(0, 200)})`);
  } finally {
    source.destroy();
    parser.destroy();
    await piping;
  }
  return rows;
}

async function firstXlsxRows(path: string, limit: number) {
  const rows: string[][] = [];
  for await (const row of readRows(path, "xlsx")) {
    rows.push(row.cells);
    if (rows.length >= limit) break;
  }
  return rows;
}

const cut = (cells: string[], width: number) =>
  Array.from({ length: width }, (_, index) => (cells[index] ?? "").slice(0, MAX_CELL_CHARS));

/**
 * The header and the first `rows` data rows of an upload, read as the import will read it (first
 * worksheet of an XLSX; `,` or `;` CSV, BOM dropped, blank rows skipped), streaming and stopping
 * early. Throws UnreadableFileError when the file is not a table.
 */
export async function readFilePreview(
  path: string,
  format: ImportFormat,
  rows: number,
): Promise<FilePreview> {
  let delimiter: "," | ";" | null = null;
  let encoding: Encoding | null = null;
  let found: string[][];
  if (format === "csv") {
    encoding = await probeEncoding(path);
    delimiter = await detectDelimiter(path, encoding);
    found = await firstCsvRows(path, encoding, delimiter, rows + 1);
  } else {
    found = await firstXlsxRows(path, rows + 1);
  }
  const [first, ...data] = found;
  if (!first) throw new UnreadableFileError("the file has no header row");
  // Trailing empty header cells are dropped unless data sits under them.
  let width = first.length;
  while (width > 0 && (first[width - 1] ?? "").trim() === "") width--;
  for (const row of data) {
    let last = row.length;
    while (last > width && (row[last - 1] ?? "").trim() === "") last--;
    width = Math.max(width, last);
  }
  width = Math.min(width, MAX_COLUMNS);
  return {
    format,
    delimiter,
    encoding,
    header: cut(first, width).map((cell) => cell.trim()),
    rows: data.map((row) => cut(row, width)),
  };
}
