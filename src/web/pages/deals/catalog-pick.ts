import type { DevelopmentView, PropertyView } from "../../../realestate/schemas.ts";

// Pure helpers of the deal form's property picker (no React, no i18n state: tested in catalog-pick.test.ts).

/** What a deal links from the catalog: a property (a unit, when it has a development) or a development. */
export type CatalogPick =
  | { kind: "property"; property: PropertyView }
  | { kind: "development"; development: DevelopmentView };

/** The ids a deal stores for a pick: a unit names its development too; nothing picked clears both. */
export interface DealLink {
  propertyId: string | null;
  developmentId: string | null;
}

export const NO_LINK: DealLink = { propertyId: null, developmentId: null };

export function linkOf(pick: CatalogPick | null): DealLink {
  if (!pick) return NO_LINK;
  if (pick.kind === "development") return { propertyId: null, developmentId: pick.development.id };
  return { propertyId: pick.property.id, developmentId: pick.property.development?.id ?? null };
}

export function sameLink(a: DealLink, b: DealLink): boolean {
  return a.propertyId === b.propertyId && a.developmentId === b.developmentId;
}

/** The link as the PATCH body sends it: only when it changed (an untouched link is not checked again). */
export function linkChanges(before: DealLink, after: DealLink): Partial<DealLink> {
  return sameLink(before, after) ? {} : { ...after };
}

/** A stable key per option (ids of properties and developments may not collide, but kinds keep them apart). */
export function pickKey(pick: CatalogPick): string {
  return pick.kind === "property" ? `property:${pick.property.id}` : `development:${pick.development.id}`;
}

export function pickTitle(pick: CatalogPick): string {
  return pick.kind === "property" ? pick.property.title : pick.development.name;
}

/** "Pinheiros, São Paulo" from the parts it has ("" when none). */
export function placeOf(item: { neighborhood: string | null; city: string | null }): string {
  return [item.neighborhood, item.city].filter(Boolean).join(", ");
}

/** Available properties first (what can be offered), the API's order kept otherwise. */
export function availableFirst(properties: PropertyView[]): PropertyView[] {
  return [...properties].sort((a, b) => Number(b.status === "available") - Number(a.status === "available"));
}

/** The options in the order they are listed: the properties, then the developments. */
export function pickOptions(properties: PropertyView[], developments: DevelopmentView[]): CatalogPick[] {
  return [
    ...availableFirst(properties).map((property) => ({ kind: "property" as const, property })),
    ...developments.map((development) => ({ kind: "development" as const, development })),
  ];
}

/**
 * The option a key moves to in a list of `count` (-1: none active): the arrows wrap around, Home and
 * End go to the ends; null for a key that does not move.
 */
export function moveActive(active: number, key: string, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case "ArrowDown":
      return active < 0 ? 0 : (active + 1) % count;
    case "ArrowUp":
      return active < 0 ? count - 1 : (active - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}
