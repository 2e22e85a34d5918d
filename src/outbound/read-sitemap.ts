import { load } from "cheerio";

/** A sitemap (sitemaps.org): the pages of a `<urlset>`, or the child sitemaps of a `<sitemapindex>`. */
export function readSitemap(xml: string, sitemapUrl: string): { pages: string[]; sitemaps: string[] } {
  const $ = load(xml, { xml: true });
  const locs = (selector: string) =>
    $(selector)
      .map((_, element) => $(element).text().trim())
      .get()
      .flatMap((loc) => {
        try {
          const url = new URL(loc, sitemapUrl);
          return url.protocol === "http:" || url.protocol === "https:" ? [url.toString()] : [];
        } catch {
          return [];
        }
      });
  return { sitemaps: locs("sitemapindex > sitemap > loc"), pages: locs("urlset > url > loc") };
}
