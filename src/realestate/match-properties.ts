import type { Deps } from "../deps.ts";
import { propertiesQuery, propertyView } from "./list-properties.ts";
import { getInterest } from "./manage-interest.ts";
import type { InterestView, PropertyMatch } from "./schemas.ts";
import { PRICE_TOLERANCE, scorePropertyMatch } from "./score-property-match.ts";

/** Candidates read per request (newest first) before they are scored in memory. */
const CANDIDATES = 2_000;

/**
 * The available properties that fit a lead's interest, best first (score, then the most recently
 * changed), each with the reasons of its score. No interest yet: nothing to match.
 */
export async function matchProperties(
  deps: Deps,
  input: { workspaceId: string; contactId: string; limit: number },
): Promise<{ interest: InterestView | null; items: PropertyMatch[] }> {
  const interest = await getInterest(deps, input);
  if (!interest) return { interest: null, items: [] };
  let query = propertiesQuery(deps.db, input.workspaceId)
    .where("p.deleted_at", "is", null)
    .where("p.status", "=", "available")
    .where("p.purpose", "=", interest.purpose === "rent" ? "rent" : "sale");
  if (interest.kinds.length > 0) query = query.where("p.kind", "in", interest.kinds);
  if (interest.priceMax !== null)
    query = query.where("p.price", "<=", interest.priceMax * (1 + PRICE_TOLERANCE));
  if (interest.bedroomsMin !== null) {
    const fewest = interest.bedroomsMin - 1;
    query = query.where((eb) => eb.or([eb("p.bedrooms", "is", null), eb("p.bedrooms", ">=", fewest)]));
  }
  const rows = await query
    .orderBy("p.updated_at", "desc")
    .orderBy("p.id", "desc")
    .limit(CANDIDATES)
    .execute();
  const items = rows.flatMap((row): PropertyMatch[] => {
    const property = propertyView(row);
    const fit = scorePropertyMatch(interest, property);
    return fit ? [{ property, ...fit }] : [];
  });
  // Stable sort: equal scores keep the newest-first order of the query.
  items.sort((a, b) => b.score - a.score);
  return { interest, items: items.slice(0, input.limit) };
}
