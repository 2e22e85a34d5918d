import { describe, expect, it } from "vitest";
import { csvCell as serverCsvCell } from "../../../contacts/export-contacts.ts";
import { csvCell, fileNameOf, toCsv } from "./csv.ts";

describe("chart CSV", () => {
  it("escapes cells exactly as the server's exports do", () => {
    const samples = [
      null,
      undefined,
      "",
      "instagram",
      42,
      0.5,
      '=HYPERLINK("x")',
      "+5511987654321",
      "-12.5",
      "@mention",
      "a,b",
      'ele disse "oi"',
      "linha\nnova",
      " espaço ",
      "São Paulo; Rio",
      ["a", "b"],
      new Date("2026-11-23T12:00:00Z"),
    ];
    for (const sample of samples) expect(csvCell(sample), String(sample)).toBe(serverCsvCell(sample));
  });

  it("writes a BOM, a header and CRLF lines", () => {
    expect(
      toCsv([
        ["dia", "origem", "leads"],
        ["2026-11-21", "instagram", 3],
      ]),
    ).toBe("\uFEFFdia,origem,leads\r\n2026-11-21,instagram,3\r\n");
  });

  it("names files after their titles", () => {
    expect(fileNameOf("Leads por origem e dia", "csv")).toBe("leads-por-origem-e-dia.csv");
    expect(fileNameOf("Conversão — Funil!", "png")).toBe("conversao-funil.png");
    expect(fileNameOf("", "csv")).toBe("grafico.csv");
  });
});
