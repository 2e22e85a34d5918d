import { useEffect, useState } from "react";
import type { DevelopmentDetail, PropertyView } from "../../../realestate/schemas.ts";
import { api } from "../../api/client.ts";
import { type CatalogPick, type DealLink, pickKey } from "./catalog-pick.ts";

type Loaded = CatalogPick | "unavailable";

/** What deals link, read once per property or development for every card that shows it. */
const cache = new Map<string, Promise<Loaded>>();

function keyOf(link: DealLink): string | null {
  if (link.propertyId) return `property:${link.propertyId}`;
  if (link.developmentId) return `development:${link.developmentId}`;
  return null;
}

function load(key: string): Promise<Loaded> {
  const [kind, id = ""] = key.split(":");
  // A deleted one still names what the deal was about.
  const query = { includeDeleted: true };
  const loaded: Promise<Loaded> = (
    kind === "property"
      ? api<PropertyView>(`/api/v1/properties/${encodeURIComponent(id)}`, { query }).then(
          (property): CatalogPick => ({ kind: "property", property }),
        )
      : api<DevelopmentDetail>(`/api/v1/developments/${encodeURIComponent(id)}`, { query }).then(
          ({ units: _units, ...development }): CatalogPick => ({ kind: "development", development }),
        )
  ).catch(() => {
    cache.delete(key);
    return "unavailable" as const;
  });
  cache.set(key, loaded);
  return loaded;
}

/** Keeps a pick just made (fresh from the picker) for the cards that show it. */
export function rememberPick(pick: CatalogPick) {
  cache.set(pickKey(pick), Promise.resolve(pick));
}

export interface LinkedCatalog {
  /** What the deal links (a property wins over its development), once read. */
  pick: CatalogPick | null;
  loading: boolean;
  /** Linked, but it could not be read (no permission, gone, offline). */
  unavailable: boolean;
}

/** The property or development a deal links; `fresh` reads it again (a detail form shows its status). */
export function useLinkedCatalog(link: DealLink, options: { fresh?: boolean } = {}): LinkedCatalog {
  const key = keyOf(link);
  const fresh = options.fresh ?? false;
  const [state, setState] = useState<{ key: string | null; loaded: Loaded | null }>({
    key: null,
    loaded: null,
  });

  useEffect(() => {
    if (key === null) return;
    let current = true;
    const cached = fresh ? undefined : cache.get(key);
    (cached ?? load(key)).then((loaded) => {
      if (current) setState({ key, loaded });
    });
    return () => {
      current = false;
    };
  }, [key, fresh]);

  if (key === null) return { pick: null, loading: false, unavailable: false };
  const loaded = state.key === key ? state.loaded : null;
  return {
    pick: loaded && loaded !== "unavailable" ? loaded : null,
    loading: loaded === null,
    unavailable: loaded === "unavailable",
  };
}
