import { AdsArchiveError, type AdsArchiveOptions, fetchAdsArchive } from "../adapters/meta/ads-archive.ts";
import { type AdLibraryProvider, AdLibraryProviderError, type AdPage, type AdSearch } from "./providers.ts";

/** Pages read per search term at most (100 ads each). */
const MAX_PAGES_PER_TERM = 50;

/**
 * The official Meta Ad Library API (`GET /ads_archive`) with the workspace's Meta access token: one
 * search per term. Covers commercial ads delivered to the EU/UK only (political/issue ads everywhere).
 */
export function metaGraphProvider(input: {
  graphUrl: string;
  accessToken: string;
  options?: AdsArchiveOptions;
}): AdLibraryProvider {
  return {
    id: "meta_graph",
    async *search(query: AdSearch, options: { signal?: AbortSignal } = {}): AsyncIterable<AdPage> {
      for (const term of query.terms) {
        try {
          for await (const page of fetchAdsArchive(
            {
              graphUrl: input.graphUrl,
              accessToken: input.accessToken,
              searchTerms: term,
              countries: query.countries,
              since: query.since,
              until: query.until,
              publisherPlatforms: query.publisherPlatforms,
            },
            {
              maxPages: MAX_PAGES_PER_TERM,
              ...input.options,
              ...(options.signal ? { signal: options.signal } : {}),
            },
          )) {
            yield {
              term,
              ads: page.ads.map((ad) => ({
                libraryId: ad.id,
                pageId: ad.pageId,
                pageName: ad.pageName,
                snapshotUrl: ad.snapshotUrl,
                platforms: ad.platforms,
                deliveryStart: ad.deliveryStart,
                deliveryStop: ad.deliveryStop,
              })),
            };
          }
        } catch (error) {
          if (error instanceof AdsArchiveError) throw new AdLibraryProviderError(error.message);
          throw error;
        }
      }
    },
  };
}
