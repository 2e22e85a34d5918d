import type { CheerioAPI } from "cheerio";
import { normalizeEmail, normalizeInstagram } from "../contacts/normalize-identity.ts";
import { asName, extractProfiles, parseProfileUrl } from "./extract-profiles.ts";
import type { Candidate } from "./schemas.ts";

/**
 * Kiwify and Hubla public store and product pages. Both are server-rendered Next.js pages: the data the
 * page shows (product, and the producer/seller with their public contact: support e-mail, Instagram)
 * sits in `<script id="__NEXT_DATA__">`, and often a schema.org JSON-LD block too. We read those, then
 * the visible page through the generic parser (creator links in the description). No private API is
 * called: only the public page a buyer sees. Pure: no database, no network.
 */

export type StoreVendor = "kiwify" | "hubla";

/** The vendors' own hosts (and their subdomains: pay.kiwify.com.br, app.hub.la…). */
const VENDOR_DOMAINS: Record<StoreVendor, readonly string[]> = {
  kiwify: ["kiwify.com.br", "kiwify.com", "kiwify.app"],
  hubla: ["hub.la", "hubla.com", "hubla.com.br", "hubla.app"],
};

/** The store vendor whose host serves `url`, or null. */
export function storeVendorOfUrl(url: string): StoreVendor | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return null;
  }
  for (const vendor of ["kiwify", "hubla"] as const) {
    if (VENDOR_DOMAINS[vendor].some((domain) => host === domain || host.endsWith(`.${domain}`)))
      return vendor;
  }
  return null;
}

/**
 * Whether a fetched page is a Kiwify or Hubla store/product page: by its host, or (a producer's own
 * domain pointed at the vendor) by what the page says it is: a Next.js page whose title or
 * `og:site_name` names the vendor.
 */
export function storeVendorOf($: CheerioAPI, pageUrl: string): StoreVendor | null {
  const byHost = storeVendorOfUrl(pageUrl);
  if (byHost) return byHost;
  if ($("script#__NEXT_DATA__").length === 0) return null;
  const said = `${$("meta[property='og:site_name']").attr("content") ?? ""} ${$("title").first().text()}`;
  if (/(?:^|[\s|–—-])kiwify\s*$/i.test(said.trim()) || /^\s*kiwify\b/i.test(said)) return "kiwify";
  if (/(?:^|[\s|–—-])hubla\s*$/i.test(said.trim()) || /^\s*hubla\b/i.test(said)) return "hubla";
  return null;
}

/** Keys that name the producer (never the product): `name` only counts on an object with a contact. */
const PERSON_NAME_KEYS = [
  "producer_name",
  "producerName",
  "seller_name",
  "sellerName",
  "creator_name",
  "creatorName",
  "author_name",
  "full_name",
  "fullName",
  "display_name",
  "displayName",
  "store_name",
  "storeName",
  "name",
];
const EMAIL_KEY = /^(?:e-?mail|support_?e-?mail|supportEmail|contact_?e-?mail|contactEmail|email_support)$/i;
const INSTAGRAM_KEY = /^instagram(?:_?url|_?handle|Url|Handle)?$/i;
const YOUTUBE_KEY = /^youtube(?:_?url|Url)?$/i;
const TIKTOK_KEY = /^tiktok(?:_?url|Url)?$/i;
const SOCIALS_KEY = /^(?:socials?|social_?links|socialLinks|links|sameAs)$/i;
/** JSON nesting followed at most (pages are small; this bounds hostile ones). */
const MAX_DEPTH = 12;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function readJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function applyLink(candidate: Candidate, href: string) {
  const profile = parseProfileUrl(href);
  if (profile && candidate[profile.kind] === undefined) candidate[profile.kind] = profile.value;
}

/** A producer/seller/store object: one with a contact of its own, and its name. */
function personOf(node: { [key: string]: Json }, foundOn: string): Candidate | null {
  const candidate: Candidate = { foundOn };
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === "string") {
      if (EMAIL_KEY.test(key)) {
        const email = normalizeEmail(value);
        if (email.ok) candidate.email = email.value;
      } else if (INSTAGRAM_KEY.test(key)) {
        const handle = normalizeInstagram(value);
        if (handle.ok) candidate.instagram = handle.value;
      } else if (YOUTUBE_KEY.test(key) || TIKTOK_KEY.test(key)) {
        applyLink(candidate, value);
      }
    } else if (SOCIALS_KEY.test(key)) {
      const links = Array.isArray(value)
        ? value
        : value && typeof value === "object"
          ? Object.values(value)
          : [];
      for (const link of links) if (typeof link === "string") applyLink(candidate, link);
    }
  }
  if (!candidate.email && !candidate.instagram && !candidate.youtube && !candidate.tiktok) return null;
  for (const key of PERSON_NAME_KEYS) {
    const value = node[key];
    const name = typeof value === "string" ? asName(value) : undefined;
    if (name) {
      candidate.name = name;
      break;
    }
  }
  return candidate;
}

function walk(node: Json, foundOn: string, found: Candidate[], depth: number) {
  if (depth > MAX_DEPTH || node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, foundOn, found, depth + 1);
    return;
  }
  const person = personOf(node, foundOn);
  if (person) found.push(person);
  for (const [key, value] of Object.entries(node)) {
    // A person's social links were read with them.
    if (person && SOCIALS_KEY.test(key)) continue;
    walk(value, foundOn, found, depth + 1);
  }
}

/** The producers on a Kiwify or Hubla page: embedded data first, then the visible page. */
export function extractStorePage($: CheerioAPI, pageUrl: string, _vendor: StoreVendor): Candidate[] {
  const found: Candidate[] = [];
  $('script#__NEXT_DATA__, script[type="application/json"], script[type="application/ld+json"]').each(
    (_, element) => {
      const data = readJson($(element).text());
      if (data !== undefined) walk(data, pageUrl, found, 0);
    },
  );
  return [...found, ...extractProfiles($, pageUrl)];
}
