import { getLanguage, isMessageKey, type Translate } from "../../i18n.ts";

/** A closed code (status, reason, provider, field) in words; the code itself when unknown. */
export function enrichmentLabel(
  t: Translate,
  group: "status" | "reason" | "provider" | "field",
  code: string | null,
) {
  if (!code) return t("common.none");
  const key = `enrichment.${group}.${code}`;
  return isMessageKey(key) ? t(key) : code;
}

export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined) return "—";
  return `${(fraction * 100).toLocaleString(getLanguage(), { maximumFractionDigits: digits })}%`;
}
