import type { CheerioAPI } from "cheerio";
import { normalizeEmail, normalizeInstagram } from "../contacts/normalize-identity.ts";
import type { Candidate } from "./schemas.ts";

/**
 * The generic parser: creator profiles in any HTML page. Profile links (instagram.com/<handle>,
 * youtube.com/@handle or /channel/<id>, tiktok.com/@handle), mailto links and e-mails in the text,
 * grouped by the card, list item or row they sit in, with a name from that block's heading (or the
 * link's own text). Site chrome is skipped: header, nav and footer links, share buttons, and the
 * site's own e-mail addresses.
 */

type ProfileKind = "instagram" | "youtube" | "tiktok";

const INSTAGRAM_RESERVED = new Set([
  "p",
  "reel",
  "reels",
  "explore",
  "accounts",
  "stories",
  "tv",
  "direct",
  "about",
  "developer",
  "legal",
  "share",
  "privacy",
  "web",
  "sharer",
  "intent",
]);
const YOUTUBE_PAGES =
  /^\/(?:@[\w.-]{1,100}|channel\/UC[\w-]{10,40}|c\/[\w.-]{1,100}|user\/[\w.-]{1,100})(?:\/|$)/;
const TIKTOK_HANDLE = /^\/@([\w.]{2,24})(?:\/|$)/;
/** Where a site keeps its own links, and share buttons: never a creator. */
const CHROME = "header, nav, footer, [role=navigation], [role=banner], [role=contentinfo], [class*=share]";
/** The block a profile link belongs to: one creator per card, item or row. */
const BLOCK =
  "li, article, tr, dd, figure, [class*=card], [class*=creator], [class*=profile], [class*=author], [class*=item]";
const NAME = "h1, h2, h3, h4, h5, h6, [itemprop=name], [class*=name], strong, b";
const EMAIL_IN_TEXT = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/gi;
const NOT_EMAIL = /\.(?:png|jpe?g|gif|webp|svg|css|js)$/i;
const NAME_WORDS = /^[\p{L}][\p{L}\p{M}'’. -]{1,118}[\p{L}.]$/u;
/** Link labels, not names: "Instagram", "Canal no YouTube", "Siga no TikTok", "Saiba mais"… */
const GENERIC_LABELS =
  /\b(?:instagram|youtube|tiktok|tik tok|e-?mail|contato|contact|site|website|link|perfil|profile|canal|channel|seguir|siga|follow|ver mais|saiba mais|clique|aqui)\b/i;

/** A profile link's kind and normalised value, or null (posts, videos, share links, other sites). */
export function parseProfileUrl(href: string): { kind: ProfileKind; value: string } | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  const host = url.hostname.toLowerCase().replace(/^(?:www\.|m\.)/, "");
  const path = url.pathname;
  if (host === "instagram.com") {
    const first = path.split("/")[1] ?? "";
    if (!first || INSTAGRAM_RESERVED.has(first.toLowerCase())) return null;
    const handle = normalizeInstagram(first);
    return handle.ok ? { kind: "instagram", value: handle.value } : null;
  }
  if (host === "youtube.com") {
    const match = YOUTUBE_PAGES.exec(path);
    if (!match) return null;
    const [kind = "", name = ""] = match[0].replace(/\/$/, "").slice(1).split("/");
    const value = kind.startsWith("@")
      ? kind.toLowerCase()
      : kind === "channel"
        ? `channel/${name}`
        : `c/${name}`;
    return { kind: "youtube", value };
  }
  if (host === "tiktok.com") {
    const match = TIKTOK_HANDLE.exec(path);
    return match?.[1] ? { kind: "tiktok", value: match[1].toLowerCase() } : null;
  }
  return null;
}

function cleanText(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** A person's name, or undefined for labels, handles, URLs and sentences. */
export function asName(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const value = cleanText(text);
  if (value.length < 3 || value.length > 120 || GENERIC_LABELS.test(value)) return undefined;
  if (!NAME_WORDS.test(value) || value.split(" ").length > 8) return undefined;
  return value;
}

/** The registrable-ish domain of a host ("www.lista.com.br" → "lista.com.br"), to spot a site's own e-mails. */
function siteDomain(host: string): string {
  return host.toLowerCase().replace(/^www\./, "");
}

/** The site's own domains: the page's host, and its canonical / og:url host (sites behind proxies). */
function ownDomainsOf($: CheerioAPI, base: URL): string[] {
  const domains = new Set([siteDomain(base.hostname)]);
  for (const href of [
    $('link[rel="canonical"]').attr("href"),
    $('meta[property="og:url"]').attr("content"),
  ]) {
    if (!href) continue;
    try {
      domains.add(siteDomain(new URL(href, base).hostname));
    } catch {
      // not a URL
    }
  }
  return [...domains];
}

function emailsIn(text: string, ownDomains: readonly string[]): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(EMAIL_IN_TEXT)) {
    if (NOT_EMAIL.test(match[0])) continue;
    const email = normalizeEmail(match[0]);
    if (!email.ok) continue;
    const domain = email.value.split("@")[1] ?? "";
    if (ownDomains.some((own) => domain === own || domain.endsWith(`.${own}`))) continue;
    found.push(email.value);
  }
  return found;
}

/** Creator profiles on one page (already normalised, deduplicated within the page). */
export function extractProfiles($: CheerioAPI, pageUrl: string): Candidate[] {
  const base = new URL(pageUrl);
  const ownDomains = ownDomainsOf($, base);
  /** Per block: its candidates, its text and its headings (read lazily). */
  const groups = new Map<object, { list: Candidate[]; text: () => string; headings: () => string[] }>();
  const order: Candidate[] = [];
  /** A name read from a profile link's own text: used when the block has no heading for it. */
  const linkNames = new Map<Candidate, string>();

  $("a[href]").each((_, element) => {
    const link = $(element);
    if (link.closest(CHROME).length > 0) return;
    const href = link.attr("href")?.trim() ?? "";
    let found: { kind: ProfileKind | "email"; value: string } | null = null;
    if (/^mailto:/i.test(href)) {
      let address = "";
      try {
        address = decodeURIComponent(href.slice(7).split("?")[0] ?? "");
      } catch {
        address = "";
      }
      const email = emailsIn(address, ownDomains)[0];
      if (email) found = { kind: "email", value: email };
    } else {
      try {
        found = parseProfileUrl(new URL(href, base).toString());
      } catch {
        found = null;
      }
    }
    if (!found) return;
    const closest = link.closest(BLOCK);
    const block = closest.length > 0 ? closest : link.parent();
    const key = block.get(0) ?? element;
    let group = groups.get(key);
    if (!group) {
      group = {
        list: [],
        text: () => block.text(),
        headings: () =>
          block
            .find(NAME)
            .map((_index, heading) => $(heading).text())
            .get(),
      };
      groups.set(key, group);
    }
    const current = group.list.at(-1);
    if (current && current[found.kind] === found.value) return;
    // One creator per block; a second profile of the same kind in a block is another creator.
    let target = current;
    if (!target || target[found.kind] !== undefined) {
      target = { foundOn: pageUrl };
      group.list.push(target);
      order.push(target);
    }
    target[found.kind] = found.value;
    const name = asName(link.attr("title") ?? link.text());
    if (name && !linkNames.has(target)) linkNames.set(target, name);
  });

  // The block's heading names its creator; e-mails written in the block belong to it too.
  for (const group of groups.values()) {
    const [only, ...others] = group.list;
    if (!only || others.length > 0) {
      for (const candidate of group.list) {
        const name = linkNames.get(candidate);
        if (name) candidate.name = name;
      }
      continue;
    }
    const name =
      group
        .headings()
        .map(asName)
        .find((value) => value !== undefined) ?? linkNames.get(only);
    if (name) only.name = name;
    if (!only.email) {
      const email = emailsIn(group.text(), ownDomains)[0];
      if (email) only.email = email;
    }
  }

  // E-mails written in the page outside any profile block: one candidate each.
  const known = new Set(order.flatMap((candidate) => (candidate.email ? [candidate.email] : [])));
  const body = $("body").clone();
  body.find(`${CHROME}, script, style, noscript, template`).remove();
  for (const email of emailsIn(body.text(), ownDomains)) {
    if (known.has(email)) continue;
    known.add(email);
    order.push({ email, foundOn: pageUrl });
  }
  return order;
}

/**
 * The page's content links to follow (absolute, http/https, without fragment), in order, once each.
 * Header, nav and footer links (the rest of the site) are not followed.
 */
export function extractLinks($: CheerioAPI, pageUrl: string): string[] {
  const links = new Set<string>();
  $("a[href]").each((_, element) => {
    if ($(element).closest(CHROME).length > 0) return;
    const href = $(element).attr("href")?.trim();
    if (!href || href.startsWith("#") || /^(?:mailto|tel|javascript|data):/i.test(href)) return;
    try {
      const url = new URL(href, pageUrl);
      if (url.protocol !== "http:" && url.protocol !== "https:") return;
      url.hash = "";
      links.add(url.toString());
    } catch {
      // not a URL
    }
  });
  return [...links];
}
