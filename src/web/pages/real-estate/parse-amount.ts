/**
 * A number typed the Brazilian way or not: "480.000,50", "480000.5", "72,5", "R$ 1.200" → the number;
 * "" → null; anything else → NaN.
 */
export function parseAmount(text: string): number | null {
  const trimmed = text.replace(/\s|R\$/g, "");
  if (trimmed === "") return null;
  let normal = trimmed;
  if (trimmed.includes(",")) normal = trimmed.replace(/\./g, "").replace(",", ".");
  else if (/^\d{1,3}(\.\d{3})+$/.test(trimmed)) normal = trimmed.replace(/\./g, "");
  return /^\d+(\.\d+)?$/.test(normal) ? Number(normal) : Number.NaN;
}

/** The typed text back from a number (empty for null), as the forms show it. */
export function amountText(value: number | null | undefined): string {
  return value === null || value === undefined ? "" : String(value);
}
