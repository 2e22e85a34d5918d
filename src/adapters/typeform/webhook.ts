import type { SourceAdapter, Verification } from "../../capture/sources.ts";
import { bodyDigestKey, hmacSha256, safeEqual } from "../../platform/crypto/hmac.ts";
import {
  type TypeformAnswer,
  type TypeformConfig,
  TypeformConfigSchema,
  type TypeformLeadField,
  TypeformWebhookSchema,
} from "./schemas.ts";

export const SIGNATURE_HEADER = "typeform-signature";

export const DEFAULT_PAID_MEDIUMS = [
  "cpc",
  "ppc",
  "paid",
  "paid_social",
  "paidsocial",
  "ads",
  "display",
  "cpm",
];
export const DEFAULT_PAID_CLICK_IDS = ["gclid", "fbclid", "ttclid", "msclkid"];
export const DEFAULT_COLD_TAGS = ["outbound", "cold", "prospeccao", "prospecção"];

export type AcquisitionClass = "Paid" | "Cold" | "Organic";

/** Longest `form_response.token` used as is for the idempotency key (longer ones are hashed). */
const MAX_TOKEN_KEY = 200;
/** Unmapped answers kept in `custom.answers` while they fit in this many characters of JSON. */
const ANSWERS_BUDGET = 8_000;

/** Lower case, accents removed: "Prospecção" and "prospeccao" compare equal. */
function fold(value: string): string {
  return value.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
}

/** The idempotency key of a delivery whose signature already checked out. */
function idempotencyKeyOf(rawBody: Uint8Array): string {
  const fallback = () => bodyDigestKey(rawBody);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString("utf8"));
  } catch {
    return fallback();
  }
  if (!body || typeof body !== "object" || !("form_response" in body)) return fallback();
  const response = body.form_response;
  if (!response || typeof response !== "object" || !("token" in response)) return fallback();
  const token = response.token;
  if (typeof token !== "string" || token === "" || token.length > MAX_TOKEN_KEY) return fallback();
  // A partial response shares its token with the final one, which must not be taken for a repeat.
  const eventType = "event_type" in body ? body.event_type : undefined;
  return eventType === "form_response_partial" ? `partial:${token}` : token;
}

/**
 * `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, raw body)>`, compared in constant time.
 * The body is parsed only after the signature checks out.
 */
export function verifyTypeform(input: {
  rawBody: Uint8Array;
  headers: Record<string, string | string[] | undefined>;
  config: Record<string, unknown>;
}): Verification {
  const secret = typeof input.config.secret === "string" ? input.config.secret : "";
  const header = input.headers[SIGNATURE_HEADER];
  if (secret === "" || typeof header !== "string" || !header.startsWith("sha256=")) return { ok: false };
  const expected = `sha256=${hmacSha256(secret, input.rawBody).toString("base64")}`;
  if (!safeEqual(header.trim(), expected)) return { ok: false };
  return { ok: true, idempotencyKey: idempotencyKeyOf(input.rawBody) };
}

/**
 * Paid when utm_medium is a paid medium or a click id is present; Cold when utm_campaign or the `tag`
 * hidden field contains a cold tag; otherwise Organic.
 */
export function classifyAcquisition(
  hidden: Record<string, string>,
  rules: TypeformConfig["acquisition"] = {},
): AcquisitionClass {
  const paidMediums = (rules.paidMediums ?? DEFAULT_PAID_MEDIUMS).map(fold);
  const clickIds = (rules.paidClickIds ?? DEFAULT_PAID_CLICK_IDS).map(fold);
  const coldTags = (rules.coldTags ?? DEFAULT_COLD_TAGS).map(fold).filter((tag) => tag !== "");
  const folded = new Map(Object.entries(hidden).map(([key, value]) => [fold(key), fold(value)]));
  const medium = folded.get("utm_medium");
  if (medium && paidMediums.includes(medium)) return "Paid";
  if (clickIds.some((clickId) => folded.get(clickId))) return "Paid";
  const coldText = [folded.get("utm_campaign"), folded.get("tag")].filter(
    (value): value is string => value !== undefined,
  );
  if (coldText.some((value) => coldTags.some((tag) => value.includes(tag)))) return "Cold";
  return "Organic";
}

/** An answer's value: text as is, a choice by its label, several choices joined. */
function answerValue(answer: TypeformAnswer): string | number | undefined {
  switch (answer.type) {
    case "text":
      return answer.text;
    case "email":
      return answer.email;
    case "phone_number":
      return answer.phone_number;
    case "number":
      return answer.number;
    case "boolean":
      return answer.boolean === undefined ? undefined : answer.boolean ? "true" : "false";
    case "date":
      return answer.date;
    case "url":
      return answer.url;
    case "file_url":
      return answer.file_url;
    case "choice":
      return answer.choice?.label ?? answer.choice?.other;
    case "choices": {
      const labels = [
        ...(answer.choices?.labels ?? []),
        ...(answer.choices?.other ? [answer.choices.other] : []),
      ];
      return labels.length > 0 ? labels.join(", ") : undefined;
    }
    case "payment":
      return answer.payment?.amount;
    default:
      return undefined;
  }
}

const HINTS: { field: TypeformLeadField; words: string[]; types?: string[] }[] = [
  { field: "city", words: ["cidade", "city"] },
  { field: "interest", words: ["interesse", "interest"] },
  { field: "instagram", words: ["instagram"] },
  { field: "income", words: ["income", "renda"], types: ["number"] },
  { field: "name", words: ["name", "nome"], types: ["text"] },
];

/** The lead field an answer goes to when no fieldMap names it: by value type, then ref or title. */
function defaultField(answer: TypeformAnswer, title: string | undefined): TypeformLeadField | undefined {
  if (answer.type === "email") return "email";
  if (answer.type === "phone_number") return "phone";
  const hint = fold(`${answer.field.ref ?? ""} ${title ?? ""}`);
  return HINTS.find(
    (rule) =>
      (!rule.types || rule.types.includes(answer.type)) && rule.words.some((word) => hint.includes(word)),
  )?.field;
}

/** A Typeform `form_response` as lead fields (validated afterwards by LeadInputSchema). */
export function decodeTypeform(body: unknown, rawConfig: Record<string, unknown>): Record<string, unknown> {
  const config = TypeformConfigSchema.parse(rawConfig);
  const { form_response: response } = TypeformWebhookSchema.parse(body);
  const fieldMap = config.fieldMap ?? {};
  const titles = new Map<string, string>();
  for (const field of response.definition?.fields ?? []) {
    if (field.title === undefined) continue;
    if (field.ref) titles.set(`ref:${field.ref}`, field.title);
    if (field.id) titles.set(`id:${field.id}`, field.title);
  }
  const titleOf = (answer: TypeformAnswer) =>
    (answer.field.ref ? titles.get(`ref:${answer.field.ref}`) : undefined) ??
    (answer.field.id ? titles.get(`id:${answer.field.id}`) : undefined);

  const lead: Partial<Record<TypeformLeadField, string | number>> = {};
  const used = new Set<TypeformAnswer>();
  const assign = (field: TypeformLeadField, answer: TypeformAnswer, value: string | number) => {
    if (lead[field] !== undefined) return;
    lead[field] = field === "income" ? value : String(value);
    used.add(answer);
  };
  const answers = response.answers.flatMap((answer) => {
    const value = answerValue(answer);
    return value === undefined || value === "" ? [] : [{ answer, value }];
  });

  // 1. The connection's mapping by field ref wins.
  for (const { answer, value } of answers) {
    const ref = answer.field.ref;
    const mapped = ref !== undefined && Object.hasOwn(fieldMap, ref) ? fieldMap[ref] : undefined;
    if (mapped) assign(mapped, answer, value);
  }
  // 2. Defaults by answer type, ref and title, for what the mapping left.
  for (const { answer, value } of answers) {
    if (used.has(answer) || (answer.field.ref !== undefined && Object.hasOwn(fieldMap, answer.field.ref)))
      continue;
    const field = defaultField(answer, titleOf(answer));
    if (field) assign(field, answer, value);
  }
  // 3. No name yet: the first short text answer, else the first text answer.
  if (lead.name === undefined) {
    const free = answers.filter(
      ({ answer }) =>
        answer.type === "text" &&
        !used.has(answer) &&
        !(answer.field.ref !== undefined && Object.hasOwn(fieldMap, answer.field.ref)),
    );
    const first = free.find(({ answer }) => answer.field.type === "short_text") ?? free[0];
    if (first) assign("name", first.answer, first.value);
  }

  // Answers that became no lead field are kept by ref, as far as the budget allows.
  const rest: Record<string, string | number> = {};
  let size = 0;
  for (const { answer, value } of answers) {
    const key = answer.field.ref ?? answer.field.id;
    if (used.has(answer) || !key || Object.hasOwn(rest, key)) continue;
    const entrySize = JSON.stringify([key, value]).length;
    if (size + entrySize > ANSWERS_BUDGET) continue;
    size += entrySize;
    rest[key] = value;
  }

  const hidden = response.hidden ?? {};
  for (const key of ["utm_source", "utm_medium", "utm_campaign"] as const) {
    const value = hidden[key];
    if (lead[key] === undefined && value !== undefined) lead[key] = value;
  }
  const utm = (key: "utm_medium" | "utm_campaign") =>
    lead[key] === undefined ? {} : { [key]: String(lead[key]) };
  return {
    ...lead,
    source: "typeform",
    custom: {
      typeform: {
        form_id: response.form_id,
        token: response.token,
        submitted_at: response.submitted_at ?? null,
      },
      hidden,
      acquisition_class: classifyAcquisition(
        { ...hidden, ...utm("utm_medium"), ...utm("utm_campaign") },
        config.acquisition,
      ),
      ...(Object.keys(rest).length > 0 ? { answers: rest } : {}),
    },
  };
}

/** The Typeform door: `typeform` connections. */
export const typeformSource: SourceAdapter = {
  isConnectionType: true,
  configSchema: TypeformConfigSchema,
  verify: ({ rawBody, headers, config }) => verifyTypeform({ rawBody, headers, config }),
  defaultSource: "typeform",
  decode: decodeTypeform,
};
