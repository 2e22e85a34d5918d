import { normalizeEmail, normalizePhone } from "../contacts/normalize-identity.ts";

export interface BioContacts {
  emails: string[];
  /** E.164. */
  phones: string[];
  links: string[];
}

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi;
const URL_LIKE =
  /\b(?:https?:\/\/[^\s<>"'()]+|www\.[^\s<>"'()]+|(?:[a-z0-9-]+\.)+(?:com|br|me|ee|io|net|org|link|bio|app|page|co|site|store|shop|ly)(?:\.[a-z]{2})?\/[^\s<>"'()]*)/gi;
// Digits with the usual separators: (11) 98765-4321, +55 11 98765 4321, 11987654321.
const PHONE = /(?:\+\d{1,3}[\s.-]?)?(?:\(?\d{2,3}\)?[\s.-]?)?\d{4,5}[\s.-]?\d{4}\b/g;

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** E-mails, phones (E.164) and links written in a bio (or any short public text). */
export function extractBioContacts(text: string | null | undefined, defaultCountry = "BR"): BioContacts {
  if (!text) return { emails: [], phones: [], links: [] };
  const emails = unique(
    (text.match(EMAIL) ?? []).flatMap((raw) => {
      const normalized = normalizeEmail(raw.replace(/[.]+$/, ""));
      return normalized.ok ? [normalized.value] : [];
    }),
  );
  const withoutEmails = text.replace(EMAIL, " ");
  const links = unique(
    (withoutEmails.match(URL_LIKE) ?? []).map((raw) => {
      const trimmed = raw.replace(/[.,;:!?]+$/, "");
      return /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
    }),
  );
  const phoneCandidates = [...(withoutEmails.replace(URL_LIKE, " ").match(PHONE) ?? [])];
  // wa.me/5511987654321 and api.whatsapp.com/send?phone=… carry a number too.
  for (const link of links) {
    const wa = /(?:wa\.me\/|[?&]phone=)\+?(\d{10,15})/i.exec(link);
    if (wa?.[1]) phoneCandidates.push(`+${wa[1]}`);
  }
  const phones = unique(
    phoneCandidates.flatMap((raw) => {
      const normalized = normalizePhone(raw, defaultCountry);
      return normalized.ok ? [normalized.value] : [];
    }),
  );
  return { emails, phones, links };
}
