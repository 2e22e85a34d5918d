/**
 * Where ads come from. The capture (run-capture.ts) only knows this interface: the official Meta Ad
 * Library API is one implementation (meta-graph-provider.ts); another source (a scraper vendor, an
 * export) is one new file implementing it, chosen in connect-provider.ts.
 */

/** One ad as any provider reports it; URLs never carry credentials. */
export interface AdSighting {
  /** The Library ID (unique per ad across the provider). */
  libraryId: string;
  pageId: string;
  pageName: string | null;
  snapshotUrl: string | null;
  /** Lowercase: `facebook`, `instagram`, … */
  platforms: string[];
  /** `YYYY-MM-DD`, when known. */
  deliveryStart: string | null;
  deliveryStop: string | null;
}

export interface AdSearch {
  terms: string[];
  /** ISO 3166-1 alpha-2 codes (or ALL). */
  countries: string[];
  /** Inclusive dates, `YYYY-MM-DD`: ads that ran on any day of the window. */
  since: string;
  until: string;
  /** Empty = every platform. */
  publisherPlatforms: string[];
}

/** One page of results of one term. */
export interface AdPage {
  term: string;
  ads: AdSighting[];
}

export interface AdLibraryProvider {
  /** Short stable name, e.g. `meta_graph`. */
  id: string;
  search(query: AdSearch, options?: { signal?: AbortSignal }): AsyncIterable<AdPage>;
}

/**
 * A failure of the provider itself (auth, quota, bad request, unreachable after retries): the run ends
 * as failed with this message, which is safe to store and show (no token, no personal data).
 */
export class AdLibraryProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdLibraryProviderError";
  }
}
