import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { createLeadFactory, type FakeLead } from "./fake-leads.ts";

/** The header of the generated file: a pt-BR spreadsheet export (`;`-separated). */
export const CSV_HEADER = [
  "nome",
  "email",
  "telefone",
  "cidade",
  "interesse",
  "renda",
  "origem",
  "utm_source",
  "turma",
];

export interface GeneratedCsv {
  rows: number;
  bytes: number;
  /** Rows that repeat an earlier person (by e-mail or by phone): they must merge. */
  duplicates: number;
  /** Distinct people in the file: they must be created. */
  people: number;
}

/** Every 20th row repeats the person just before it by e-mail (other case, another city). */
const isEmailRepeat = (n: number) => n > 1_000 && n % 20 === 0;
/** Every 33rd row repeats a person ~1000 rows earlier by phone only (other format, no e-mail). */
const isPhoneRepeat = (n: number) => n > 1_000 && n % 33 === 0 && !isEmailRepeat(n);
const isRepeat = (n: number) => isEmailRepeat(n) || isPhoneRepeat(n);

function cell(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** "(11) 96000-0001" → "+55 11 96000-0001" (the same number, another way of writing it). */
function otherPhoneFormat(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  return `+55 ${digits.slice(0, 2)} ${digits.slice(2, 7)}-${digits.slice(7)}`;
}

/**
 * Writes `rows` realistic pt-BR lead rows to `path`, streamed (never held in memory): unique people
 * with some rows repeating an earlier person by e-mail or by phone, so deduplication is exercised.
 * The same `rows` always gives the same file.
 */
export async function writeLeadsCsv(path: string, rows: number): Promise<GeneratedCsv> {
  const out = createWriteStream(path, { encoding: "utf8" });
  const nextLead = createLeadFactory("import");
  // The people rows repeat, by row number (only unique rows are kept; repeats look back ≤ 1000 rows).
  const recent = new Map<number, FakeLead>();
  let duplicates = 0;
  let bytes = 0;
  let buffer = `${CSV_HEADER.join(";")}\r\n`;
  const flush = async () => {
    bytes += Buffer.byteLength(buffer);
    if (!out.write(buffer)) await once(out, "drain");
    buffer = "";
  };
  for (let n = 1; n <= rows; n++) {
    let line: string[];
    if (isRepeat(n)) {
      duplicates++;
      let ref = isEmailRepeat(n) ? n - 1 : n - 997;
      while (isRepeat(ref)) ref--;
      const person = recent.get(ref);
      if (!person) throw new Error(`row ${ref} is not remembered`);
      line = isEmailRepeat(n)
        ? [person.name, person.email.toUpperCase(), "", "Campinas", person.interest, "", "indicacao", "", "B"]
        : [
            person.name.split(" ")[0] ?? "",
            "",
            otherPhoneFormat(person.phone),
            "",
            "",
            "",
            "whatsapp",
            "",
            "C",
          ];
    } else {
      const lead = nextLead();
      recent.set(n, lead);
      line = [
        lead.name,
        lead.email,
        lead.phone,
        lead.city,
        lead.interest,
        String(lead.income),
        lead.source,
        lead.utm_source,
        n % 3 === 0 ? "A" : "",
      ];
    }
    recent.delete(n - 1_100);
    buffer += `${line.map(cell).join(";")}\r\n`;
    if (buffer.length > 256 * 1024) await flush();
  }
  await flush();
  out.end();
  await once(out, "finish");
  return { rows, bytes, duplicates, people: rows - duplicates };
}
