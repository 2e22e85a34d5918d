import type { Interest, MatchReason, PropertyView } from "./schemas.ts";

/** Points each criterion of an interest can give; a score is the share of the possible ones earned. */
export const MATCH_WEIGHTS = { kind: 15, price: 40, bedrooms: 25, city: 10, neighborhood: 20 } as const;
/** How far over the maximum price a property is still shown (as a partial fit). */
export const PRICE_TOLERANCE = 0.1;

type Matchable = Pick<
  PropertyView,
  "kind" | "purpose" | "price" | "bedrooms" | "city" | "neighborhood" | "status"
>;

/** "São  Paulo " and "sao paulo" are one place. */
export function normalizePlace(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

const money = (value: number) => `R$ ${value.toLocaleString("en-US", { maximumFractionDigits: 2 })}`;

/**
 * How well an available property fits a lead's interest: null when it is out (not available, for the
 * other purpose, a kind not wanted, in a city not wanted, over the budget by more than
 * PRICE_TOLERANCE, two bedrooms or more short); otherwise a 0–100 score and one reason per criterion
 * the interest states.
 */
export function scorePropertyMatch(
  interest: Interest,
  property: Matchable,
): { score: number; reasons: MatchReason[] } | null {
  if (property.status !== "available") return null;
  if ((interest.purpose === "rent") !== (property.purpose === "rent")) return null;
  const reasons: MatchReason[] = [];
  let possible = 0;
  const add = (reason: MatchReason) => {
    possible += MATCH_WEIGHTS[reason.rule];
    reasons.push(reason);
  };

  if (interest.kinds.length > 0) {
    if (!interest.kinds.includes(property.kind)) return null;
    add({ rule: "kind", fit: "full", points: MATCH_WEIGHTS.kind, label: `a ${property.kind}, as wanted` });
  }

  if (interest.cities.length > 0) {
    const wanted = new Set(interest.cities.map(normalizePlace));
    if (!property.city || !wanted.has(normalizePlace(property.city))) return null;
    add({ rule: "city", fit: "full", points: MATCH_WEIGHTS.city, label: `in ${property.city}` });
  }

  const { priceMin, priceMax } = interest;
  if (priceMax !== null && property.price > priceMax * (1 + PRICE_TOLERANCE)) return null;
  if (priceMin !== null || priceMax !== null) {
    const price = money(property.price);
    if (priceMax !== null && property.price > priceMax) {
      const over = Math.round(((property.price - priceMax) / priceMax) * 100);
      add({
        rule: "price",
        fit: "partial",
        points: MATCH_WEIGHTS.price / 2,
        label: `${price} is ${over}% over the maximum of ${money(priceMax)}`,
      });
    } else if (priceMin !== null && property.price < priceMin) {
      add({
        rule: "price",
        fit: "partial",
        points: (MATCH_WEIGHTS.price * 3) / 4,
        label: `${price} is under the minimum of ${money(priceMin)}`,
      });
    } else {
      add({
        rule: "price",
        fit: "full",
        points: MATCH_WEIGHTS.price,
        label: `${price} is within the price range`,
      });
    }
  }

  const { bedroomsMin } = interest;
  if (bedroomsMin !== null) {
    if (property.bedrooms === null) {
      add({ rule: "bedrooms", fit: "none", points: 0, label: "bedrooms not given" });
    } else if (property.bedrooms >= bedroomsMin) {
      add({
        rule: "bedrooms",
        fit: "full",
        points: MATCH_WEIGHTS.bedrooms,
        label: `${property.bedrooms} bedroom(s), at least ${bedroomsMin} wanted`,
      });
    } else if (property.bedrooms === bedroomsMin - 1) {
      add({
        rule: "bedrooms",
        fit: "partial",
        points: 10,
        label: `${property.bedrooms} bedroom(s), one short of ${bedroomsMin}`,
      });
    } else {
      return null;
    }
  }

  if (interest.neighborhoods.length > 0) {
    const wanted = new Set(interest.neighborhoods.map(normalizePlace));
    const inside = property.neighborhood !== null && wanted.has(normalizePlace(property.neighborhood));
    add(
      inside
        ? {
            rule: "neighborhood",
            fit: "full",
            points: MATCH_WEIGHTS.neighborhood,
            label: `in ${property.neighborhood}`,
          }
        : {
            rule: "neighborhood",
            fit: "none",
            points: 0,
            label: property.neighborhood
              ? `in ${property.neighborhood}, not a preferred one`
              : "neighborhood not given",
          },
    );
  }

  const earned = reasons.reduce((sum, reason) => sum + reason.points, 0);
  return { score: possible === 0 ? 100 : Math.round((100 * earned) / possible), reasons };
}
