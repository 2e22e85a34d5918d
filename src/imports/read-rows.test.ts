import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapColumns, toLeadFields } from "./map-columns.ts";
import { countRows, detectDelimiter, detectEncoding, readRows, unescapeCell } from "./read-rows.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "funil-read-rows-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rowsOf(name: string, bytes: Buffer) {
  const path = join(dir, name);
  await writeFile(path, bytes);
  const rows = [];
  for await (const row of readRows(path, "csv")) rows.push(row);
  return { path, rows };
}

describe("unescapeCell", () => {
  it("undoes the export's formula escaping only", () => {
    expect(unescapeCell("'=1+1")).toBe("=1+1");
    expect(unescapeCell("'+5511987654321")).toBe("+5511987654321");
    expect(unescapeCell("'@handle")).toBe("@handle");
    expect(unescapeCell("'-3")).toBe("-3");
    expect(unescapeCell("'quoted'")).toBe("'quoted'");
    expect(unescapeCell("O'Brien")).toBe("O'Brien");
  });
});

describe("readRows (CSV)", () => {
  it("reads a pt-BR Excel export: `;`, Windows-1252, comma decimals", async () => {
    const text = 'Nome;Cidade;Renda\r\nJoão Araújo;São Paulo;12.500,00\r\n;;\r\nMaria;Brasília;"1,5"\r\n';
    const { path, rows } = await rowsOf("ptbr.csv", Buffer.from(text, "latin1"));
    expect(await detectEncoding(path)).toBe("windows-1252");
    expect(await detectDelimiter(path, "windows-1252")).toBe(";");
    expect(rows).toEqual([
      { rowNumber: 1, cells: ["Nome", "Cidade", "Renda"] },
      { rowNumber: 2, cells: ["João Araújo", "São Paulo", "12.500,00"] },
      { rowNumber: 4, cells: ["Maria", "Brasília", "1,5"] },
    ]);
    expect(await countRows(path, "csv")).toBe(2);
  });

  it("reads UTF-8 with a BOM, commas and quoted newlines", async () => {
    const text = '\uFEFFname,email,notes\nAna,ana@example.com,"line 1\nline 2"\n';
    const { path, rows } = await rowsOf("utf8.csv", Buffer.from(text, "utf8"));
    expect(await detectEncoding(path)).toBe("utf-8");
    expect(rows[0]?.cells).toEqual(["name", "email", "notes"]);
    expect(rows[1]?.cells).toEqual(["Ana", "ana@example.com", "line 1\nline 2"]);
  });
});

describe("mapColumns", () => {
  it("maps pt-BR and English headers; unknown columns go to custom", () => {
    const mapping = mapColumns(["Nome", "E-mail", "WhatsApp", "Celular", "Cidade", "UTM Source", "Turma"]);
    expect(mapping.map((item) => item.field)).toEqual([
      "name",
      "email",
      "phone",
      "custom",
      "city",
      "utm_source",
      "custom",
    ]);
    expect(toLeadFields(["Ana", "", "+5511987654321", "11 5555-0000", "Rio", "ig", "T1"], mapping)).toEqual({
      name: "Ana",
      phone: "+5511987654321",
      city: "Rio",
      utm_source: "ig",
      custom: { Celular: "11 5555-0000", Turma: "T1" },
    });
    expect(toLeadFields(["12,500.00"], [{ column: "income", field: "income" }])).toEqual({
      income: "12500.00",
    });
  });
});
