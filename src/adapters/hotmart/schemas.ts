import { z } from "zod";
import { optionalText } from "../../platform/lenient-schemas.ts";

/** A `hotmart` connection: the account's hottok; documents and addresses are dropped unless asked for. */
export const HotmartConfigSchema = z
  .object({
    hottok: z.string().min(1).max(500),
    keepDocuments: z.boolean().optional(),
  })
  .strict();

export type HotmartConfig = z.output<typeof HotmartConfigSchema>;

/** Milliseconds since the epoch (2.0.0), tolerated as a numeric string. */
const epochMs = z
  .union([z.number(), z.string().regex(/^\d{1,15}$/)])
  .nullish()
  .transform((value) => (value === null || value === undefined ? undefined : new Date(Number(value))));

const PriceSchema = z
  .object({ value: z.union([z.number(), z.string()]).nullish(), currency_value: optionalText })
  .nullish();

/**
 * A phone as text; subscription payloads send an object (`{dddCell, cell, dddPhone, phone}`), read as
 * the cell phone, else the landline. Anything else is dropped rather than failing the event.
 */
const phoneValue = z.unknown().transform((value): string | undefined => {
  if (typeof value === "string" || typeof value === "number") return String(value).trim() || undefined;
  if (!value || typeof value !== "object") return undefined;
  const parts = value as Record<string, unknown>;
  const text = (key: string) => {
    const part = parts[key];
    return typeof part === "string" || typeof part === "number" ? String(part).trim() : "";
  };
  const cell = text("cell") || text("cellphone");
  const number = cell || text("phone");
  if (number === "") return undefined;
  const ddd = cell ? text("dddCell") || text("ddd_cell") : text("dddPhone") || text("ddd_phone");
  return `${ddd}${number}`;
});

/** `data.buyer` (purchases, cart abandonment), `data.user` (club), `data.subscriber` (subscriptions). */
const PersonSchema = z
  .object({
    name: optionalText,
    first_name: optionalText,
    last_name: optionalText,
    email: optionalText,
    phone: phoneValue.optional(),
    checkout_phone: optionalText,
    checkout_phone_code: optionalText,
    document: optionalText,
    document_type: optionalText,
    address: z.record(z.string(), z.unknown()).nullish().catch(undefined),
  })
  .nullish();

export const HotmartDataSchema = z.object({
  product: z.object({ id: z.union([z.number(), z.string()]).nullish(), name: optionalText }).nullish(),
  buyer: PersonSchema,
  user: PersonSchema,
  subscriber: PersonSchema,
  purchase: z
    .object({
      transaction: optionalText,
      status: optionalText,
      approved_date: epochMs,
      order_date: epochMs,
      price: PriceSchema,
      offer: z.object({ code: optionalText }).nullish(),
      payment: z.object({ type: optionalText }).nullish(),
    })
    .nullish(),
  offer: z.object({ code: optionalText }).nullish(),
  subscription: z.object({ status: optionalText }).nullish(),
  module: z.object({ id: optionalText, name: optionalText }).nullish(),
});

/** The 2.0.0 envelope. `creationDate` is Hotmart's own spelling in its CLUB_FIRST_ACCESS test payload. */
export const HotmartWebhookSchema = z.object({
  id: z.string().min(1).max(200),
  creation_date: epochMs,
  creationDate: epochMs,
  event: z.string().min(1).max(100),
  version: optionalText,
  data: HotmartDataSchema,
});

export type HotmartWebhook = z.output<typeof HotmartWebhookSchema>;
