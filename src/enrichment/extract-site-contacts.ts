import type { CheerioAPI } from "cheerio";
import { normalizeEmail, normalizePhone } from "../contacts/normalize-identity.ts";
import { parseProfileUrl } from "../outbound/extract-profiles.ts";
import { extractBioContacts } from "./extract-bio-contacts.ts";

/** What a contact's own website says about them: their profiles, e-mails and phones. */
export interface SiteContacts {
  title: string | null;
  /** The first of each kind, the site's own chrome (header, footer) first. */
  instagram: string | null;
  youtube: string | null;
  tiktok: string | null;
  /** Every profile link found, as `kind:value`, in order. */
  profiles: string[];
  emails: string[];
  /** E.164. */
  phones: string[];
}

/** Where a site keeps its own links: on the contact's own site, these ARE theirs (unlike a listing). */
const CHROME = "header, nav, footer, [role=navigation], [role=banner], [role=contentinfo]";
/** Blocks whose text is read for phone numbers (a whole page has too many digit runs). */
const CONTACT_BLOCKS =
  "header, footer, address, [class*=contat], [class*=contact], [id*=contat], [id*=contact]";
const SHARE = "[class*=share], [class*=compartilh]";
const MAX_EACH = 10;

const unique = (values: string[]) => [...new Set(values)].slice(0, MAX_EACH);

/**
 * Profiles (instagram.com/<handle>, youtube.com/@handle or /channel/<id>, tiktok.com/@handle), e-mails
 * (mailto and the visible text) and phones (tel:, wa.me / api.whatsapp.com links, and numbers written
 * in the header, footer, address or contact blocks) on one page of the contact's own site. Share
 * buttons are skipped. Pure: no database, no network.
 */
export function extractSiteContacts($: CheerioAPI, pageUrl: string, defaultCountry = "BR"): SiteContacts {
  const chromeFirst: { kind: "instagram" | "youtube" | "tiktok"; value: string }[] = [];
  const rest: typeof chromeFirst = [];
  const emails: string[] = [];
  const phones: string[] = [];

  $("a[href]").each((_, element) => {
    const link = $(element);
    if (link.closest(SHARE).length > 0) return;
    const href = link.attr("href")?.trim() ?? "";
    if (/^mailto:/i.test(href)) {
      let address = "";
      try {
        address = decodeURIComponent(href.slice(7).split("?")[0] ?? "");
      } catch {
        address = "";
      }
      const email = normalizeEmail(address);
      if (email.ok) emails.push(email.value);
      return;
    }
    if (/^tel:/i.test(href)) {
      const phone = normalizePhone(href.slice(4), defaultCountry);
      if (phone.ok) phones.push(phone.value);
      return;
    }
    let absolute: string;
    try {
      absolute = new URL(href, pageUrl).toString();
    } catch {
      return;
    }
    const whatsapp = /(?:wa\.me\/|api\.whatsapp\.com\/send\?(?:.*&)?phone=)\+?(\d{10,15})/i.exec(absolute);
    if (whatsapp?.[1]) {
      const phone = normalizePhone(`+${whatsapp[1]}`, defaultCountry);
      if (phone.ok) phones.push(phone.value);
      return;
    }
    const profile = parseProfileUrl(absolute);
    if (profile) (link.closest(CHROME).length > 0 ? chromeFirst : rest).push(profile);
  });

  const body = $("body").clone();
  body.find("script, style, noscript, template").remove();
  emails.push(...extractBioContacts(body.text(), defaultCountry).emails);
  $(CONTACT_BLOCKS).each((_, element) => {
    phones.push(...extractBioContacts($(element).text(), defaultCountry).phones);
  });

  const profiles = [...chromeFirst, ...rest];
  const first = (kind: "instagram" | "youtube" | "tiktok") =>
    profiles.find((profile) => profile.kind === kind)?.value ?? null;
  const title = $("title").first().text().replace(/\s+/g, " ").trim();
  return {
    title: title ? title.slice(0, 200) : null,
    instagram: first("instagram"),
    youtube: first("youtube"),
    tiktok: first("tiktok"),
    profiles: unique(profiles.map((profile) => `${profile.kind}:${profile.value}`)),
    emails: unique(emails),
    phones: unique(phones),
  };
}
