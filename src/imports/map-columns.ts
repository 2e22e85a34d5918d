import type { ColumnChoice, ColumnMapping, ImportOptions, LeadField } from "./schemas.ts";

/** Header names (lower case, no accents, `_` for spaces and dashes), pt-BR and English. */
const KNOWN_HEADERS: Record<string, LeadField> = {
  nome: "name",
  nome_completo: "name",
  name: "name",
  full_name: "name",
  email: "email",
  e_mail: "email",
  mail: "email",
  telefone: "phone",
  celular: "phone",
  whatsapp: "phone",
  whats: "phone",
  fone: "phone",
  tel: "phone",
  phone: "phone",
  mobile: "phone",
  cidade: "city",
  city: "city",
  interesse: "interest",
  interest: "interest",
  renda: "income",
  renda_mensal: "income",
  income: "income",
  origem: "source",
  fonte: "source",
  source: "source",
  instagram: "instagram",
  insta: "instagram",
  utm_source: "utm_source",
  utm_medium: "utm_medium",
  utm_campaign: "utm_campaign",
};

export function headerKey(header: string): string {
  return header
    .normalize("NFD")
    .replace(/\p{Mn}/gu, "")
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

/**
 * The mapping of a header row: the person's choices first (by header name, accents and case
 * ignored), then known headers feed lead fields (the first column wins), the rest go to `custom`.
 */
export function mapColumns(header: string[], choices: ImportOptions["columns"] = {}): ColumnMapping[] {
  const chosen = new Map(Object.entries(choices).map(([column, field]) => [headerKey(column), field]));
  const taken = new Set<ColumnChoice>(
    [...chosen.values()].filter((field) => field !== "custom" && field !== "ignore"),
  );
  return header.map((column) => {
    const choice = chosen.get(headerKey(column));
    if (choice) return { column: column.trim(), field: choice };
    const field = KNOWN_HEADERS[headerKey(column)];
    if (!field || taken.has(field)) return { column: column.trim(), field: "custom" };
    taken.add(field);
    return { column: column.trim(), field };
  });
}

// "12,500.00" (English thousands): the shared money parser reads a comma as the decimal mark.
const ENGLISH_THOUSANDS = /^(R\$\s*)?\d{1,3}(,\d{3})+(\.\d+)?$/;

/** One row as lead fields (what LeadInputSchema validates); empty cells are left out. */
export function toLeadFields(cells: string[], mapping: ColumnMapping[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const custom: Record<string, string> = {};
  mapping.forEach(({ column, field }, index) => {
    let value = (cells[index] ?? "").trim();
    if (value === "" || field === "ignore") return;
    if (field === "custom") {
      if (column !== "") custom[column.slice(0, 64)] = value;
      return;
    }
    if (field === "income" && ENGLISH_THOUSANDS.test(value)) value = value.replaceAll(",", "");
    fields[field] = value;
  });
  if (Object.keys(custom).length > 0) fields.custom = custom;
  return fields;
}
