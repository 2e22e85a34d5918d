import type { FastifyReply } from "fastify";
import { csvCell } from "../contacts/export-contacts.ts";

/** Rows (header first) as CSV: UTF-8 with a BOM for spreadsheet apps, CRLF, formula-safe cells. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${rows.map((row) => row.map((cell) => csvCell(cell)).join(",")).join("\r\n")}\r\n`;
}

/** Sends `rows` as a CSV download named `fileName`. */
export function sendCsv(reply: FastifyReply, fileName: string, rows: readonly (readonly unknown[])[]) {
  return reply
    .type("text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="${fileName}"`)
    .send(toCsv(rows));
}
