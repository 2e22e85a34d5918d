import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "cheerio";
import { describe, expect, it } from "vitest";
import { extractLinks, extractProfiles, parseProfileUrl } from "./extract-profiles.ts";
import { extractStorePage } from "./extract-store-page.ts";
import { readSitemap } from "./read-sitemap.ts";

const ORIGIN = "https://bloglista.example.com";
const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, "../../fixtures/outbound", name), "utf8").replaceAll(
    "{{origin}}",
    ORIGIN,
  );

describe("the generic parser", () => {
  it("finds the creators of a listicle, one per card, with their names, and skips site chrome", () => {
    const url = `${ORIGIN}/melhores-criadores-financas/`;
    const found = extractProfiles(load(fixture("listing.html")), url);
    expect(found).toEqual([
      {
        foundOn: url,
        instagram: "anapaula.investe",
        youtube: "@anapaulainveste",
        email: "parcerias@anapaula.example.com",
        name: "Ana Paula Moreira",
      },
      { foundOn: url, instagram: "brunotavares_fin", tiktok: "brunotavares.fin", name: "Bruno Tavares" },
      {
        foundOn: url,
        youtube: "channel/UC1a2b3c4d5e6f7g8h9i0jKL",
        name: "Carla Nunes",
        email: "carla.nunes@example.org",
      },
      { foundOn: url, instagram: "diegoramos.invest", name: "Diego Ramos" },
      { foundOn: url, instagram: "elisa.financas", name: "Elisa Prado" },
      { foundOn: url, instagram: "fabio.bolsa", name: "Fábio Lins" },
    ]);
    // The blog's own profiles and addresses (header, footer, share buttons, its domain) are not creators.
    const values = JSON.stringify(found.map(({ foundOn: _foundOn, ...rest }) => rest));
    expect(values).not.toContain("bloglista");
    expect(values).not.toContain("sharer");
  });

  it("takes e-mails written outside any profile block as candidates of their own", () => {
    const $ = load(
      `<html><body><p>Fale com joana@example.org ou com logo@2x.png.</p><footer>rodape@example.org</footer></body></html>`,
    );
    expect(extractProfiles($, "https://site.example.com/")).toEqual([
      { email: "joana@example.org", foundOn: "https://site.example.com/" },
    ]);
  });

  it("reads profile URLs and ignores posts, videos and share links", () => {
    expect(parseProfileUrl("https://www.instagram.com/Fulana.Oficial/?hl=pt")).toEqual({
      kind: "instagram",
      value: "fulana.oficial",
    });
    expect(parseProfileUrl("https://m.youtube.com/@Canal/videos")).toEqual({
      kind: "youtube",
      value: "@canal",
    });
    expect(parseProfileUrl("https://www.tiktok.com/@perfil/video/123")).toEqual({
      kind: "tiktok",
      value: "perfil",
    });
    for (const ignored of [
      "https://www.instagram.com/p/Cabc/",
      "https://www.instagram.com/explore/tags/dinheiro/",
      "https://www.youtube.com/watch?v=abc",
      "https://www.youtube.com/shorts/abc",
      "https://www.tiktok.com/tag/financas",
      "https://instagram.com.evil.example/fulana",
      "javascript:alert(1)",
    ]) {
      expect(parseProfileUrl(ignored), ignored).toBeNull();
    }
  });

  it("lists the content links to follow, not the navigation", () => {
    const links = extractLinks(load(fixture("listing.html")), `${ORIGIN}/melhores-criadores-financas/`);
    expect(links).toContain(`${ORIGIN}/melhores-criadores-financas/pagina-2/`);
    expect(links).not.toContain(`${ORIGIN}/sobre/`);
    expect(links).not.toContain(`${ORIGIN}/privado/painel/`);
  });
});

describe("Kiwify and Hubla public pages", () => {
  it("reads the producer of a Kiwify product page from its embedded data", () => {
    const url = "https://pay.kiwify.com.br/Xy7Qa2B";
    const found = extractStorePage(load(fixture("kiwify-product.html")), url, "kiwify");
    expect(found).toEqual([
      {
        foundOn: url,
        name: "Marina Lopes",
        email: "suporte@marinalopes.example.com",
        instagram: "marinalopes.oficial",
      },
    ]);
  });

  it("reads the seller of a Hubla product page, socials included", () => {
    const url = "https://hub.la/comunidade-renda-extra";
    const found = extractStorePage(load(fixture("hubla-product.html")), url, "hubla");
    expect(found[0]).toEqual({
      foundOn: url,
      name: "Rafael Dias",
      email: "contato@rafaeldias.example.com",
      instagram: "rafaeldias.renda",
      youtube: "@rafaeldiasrenda",
      tiktok: "rafaeldias.renda",
    });
    // The visible seller block is the same person (merged by the run through the TikTok handle).
    expect(found.slice(1)).toEqual([{ foundOn: url, tiktok: "rafaeldias.renda", name: "Rafael Dias" }]);
  });

  it("survives broken or hostile embedded data", () => {
    let deep = '{"a":';
    for (let i = 0; i < 50; i++) deep += '{"a":';
    const html = `<script id="__NEXT_DATA__" type="application/json">${deep}</script><script type="application/ld+json">[1,2,null]</script>`;
    expect(extractStorePage(load(html), "https://hub.la/x", "hubla")).toEqual([]);
  });
});

describe("sitemaps", () => {
  it("reads an index and a urlset", () => {
    expect(readSitemap(fixture("sitemap_index.xml"), `${ORIGIN}/sitemap_index.xml`)).toEqual({
      sitemaps: [`${ORIGIN}/post-sitemap.xml`, "https://cdn.outro-host.example.com/sitemap.xml"],
      pages: [],
    });
    const urlset = readSitemap(fixture("post-sitemap.xml"), `${ORIGIN}/post-sitemap.xml`);
    expect(urlset.sitemaps).toEqual([]);
    expect(urlset.pages).toHaveLength(5);
    expect(urlset.pages[0]).toBe(`${ORIGIN}/melhores-criadores-financas/`);
  });
});
