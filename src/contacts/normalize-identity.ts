import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";

export type Normalized = { ok: true; value: string } | { ok: false; raw: string };

// Pragmatic address check (RFC 5322 is far looser than what reaches an inbox).
const EMAIL =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Trimmed, lowercased, NFC; invalid addresses come back raw so the caller can keep and flag them. */
export function normalizeEmail(raw: string): Normalized {
  const value = raw
    .normalize("NFC")
    .trim()
    .toLowerCase()
    .replace(/^mailto:/, "");
  if (value.length > 254 || !EMAIL.test(value) || value.includes("..")) return { ok: false, raw };
  return { ok: true, value };
}

/**
 * E.164 with libphonenumber-js (default country Brazil). Brazilian mobiles written without the
 * ninth digit (DDD + 8 digits starting 6–9) are rewritten with it, so both spellings are one number.
 */
export function normalizePhone(raw: string, defaultCountry = "BR"): Normalized {
  const trimmed = raw.normalize("NFKC").trim();
  if (!/\d/.test(trimmed) || trimmed.replace(/\D/g, "").length > 17) return { ok: false, raw };
  let parsed = parsePhoneNumberFromString(trimmed, defaultCountry as CountryCode);
  if (!parsed?.isValid() && !trimmed.startsWith("+")) {
    // "5511987654321": an international number typed without the plus sign.
    parsed = parsePhoneNumberFromString(`+${trimmed.replace(/^0+/, "")}`);
  }
  if (!parsed?.isValid()) return { ok: false, raw };
  let national = String(parsed.nationalNumber);
  if (parsed.countryCallingCode === "55" && national.length === 10 && /^[1-9][1-9][6-9]/.test(national)) {
    national = `${national.slice(0, 2)}9${national.slice(2)}`;
  }
  return { ok: true, value: `+${parsed.countryCallingCode}${national}` };
}

/** "@Fulana", "instagram.com/fulana/", "https://www.instagram.com/Fulana?igsh=…" → "fulana". */
export function normalizeInstagram(raw: string): Normalized {
  let value = raw.normalize("NFC").trim();
  const url = /^(?:https?:\/\/)?(?:www\.|m\.)?instagram\.com\/([^/?#\s]+)/i.exec(value);
  if (url?.[1]) value = url[1];
  value = value.replace(/^@+/, "").toLowerCase();
  if (!/^[a-z0-9._]{1,30}$/.test(value) || value.startsWith(".") || value.endsWith("."))
    return { ok: false, raw };
  return { ok: true, value };
}
