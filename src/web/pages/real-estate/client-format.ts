import type { InterestView } from "../../../realestate/schemas.ts";
import type { Translate } from "../../i18n.ts";

// Pure helpers of the Clientes page (tested in client-format.test.ts); words come through `t`.

/** "até R$ 500.000,00", "a partir de …", "… a …", or "" when no price was said. */
export function priceRangeText(
  min: number | null,
  max: number | null,
  t: Translate,
  money: (value: number) => string,
): string {
  if (min !== null && max !== null) {
    return t("realEstate.clients.priceBetween", { min: money(min), max: money(max) });
  }
  if (max !== null) return t("realEstate.clients.priceUpTo", { max: money(max) });
  if (min !== null) return t("realEstate.clients.priceFrom", { min: money(min) });
  return "";
}

/** An interest in short lines: what (purpose, kinds), the budget (price, bedrooms), where, the preferred neighbourhoods. */
export function interestSummary(
  interest: InterestView,
  t: Translate,
  money: (value: number) => string,
): { what: string; budget: string; where: string; prefers: string } {
  const kinds =
    interest.kinds.length === 0
      ? t("realEstate.clients.anyKind")
      : interest.kinds.map((kind) => t(`realEstate.kind.${kind}`)).join(", ");
  const budget = [
    priceRangeText(interest.priceMin, interest.priceMax, t, money),
    interest.bedroomsMin === null ? "" : t("realEstate.clients.bedrooms", { count: interest.bedroomsMin }),
  ].filter(Boolean);
  return {
    what: `${t(`interest.purpose.${interest.purpose}`)} · ${kinds}`,
    budget: budget.join(" · "),
    where: interest.cities.join(", "),
    prefers:
      interest.neighborhoods.length === 0
        ? ""
        : t("realEstate.clients.prefers", { names: interest.neighborhoods.join(", ") }),
  };
}

export interface ClientFilters {
  q: string;
  origin: string;
  kind: string;
  purpose: string;
  priceMin: string;
  priceMax: string;
  city: string;
}

export const NO_CLIENT_FILTERS: ClientFilters = {
  q: "",
  origin: "",
  kind: "",
  purpose: "",
  priceMin: "",
  priceMax: "",
  city: "",
};

export function hasClientFilters(filters: ClientFilters): boolean {
  return Object.values(filters).some((value) => value.trim() !== "");
}
