import { z } from "zod";
import { optionalNumber as cents, optionalText } from "../../platform/lenient-schemas.ts";

/** A `kiwify` connection: the webhook's token, the key of its `?signature=` HMAC-SHA1. */
export const KiwifyConfigSchema = z
  .object({
    token: z.string().min(1).max(500),
  })
  .strict();

export type KiwifyConfig = z.output<typeof KiwifyConfigSchema>;

/**
 * Kiwify's `"YYYY-MM-DD HH:mm"` (seconds optional), read in Brasília time (UTC−03:00); full ISO strings
 * are taken as they are. Unreadable dates are dropped.
 */
const kiwifyDate = z
  .string()
  .nullish()
  .transform((value): Date | undefined => {
    if (value === null || value === undefined) return undefined;
    const text = value.trim();
    const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2})?$/.exec(text);
    const date = local ? new Date(`${local[1]}T${local[2]}${local[3] ?? ":00"}-03:00`) : new Date(text);
    return Number.isNaN(date.getTime()) ? undefined : date;
  })
  .catch(undefined);

const CustomerSchema = z
  .object({
    full_name: optionalText,
    first_name: optionalText,
    email: optionalText,
    mobile: optionalText,
    instagram: optionalText,
  })
  .nullish()
  .catch(undefined);

const TrackingSchema = z
  .object({
    src: optionalText,
    sck: optionalText,
    utm_source: optionalText,
    utm_medium: optionalText,
    utm_campaign: optionalText,
    utm_content: optionalText,
    utm_term: optionalText,
  })
  .nullish()
  .catch(undefined);

/**
 * A Kiwify sales webhook (WIRE-FORMATS §1.8): flat order fields with PascalCase sub-objects. Cart
 * abandonments come flat too (`name`, `email`, `phone`, `product_id`, `product_name`, `status`).
 */
export const KiwifyWebhookSchema = z.object({
  order_id: optionalText,
  order_ref: optionalText,
  order_status: optionalText,
  webhook_event_type: optionalText,
  payment_method: optionalText,
  created_at: kiwifyDate,
  updated_at: kiwifyDate,
  approved_date: kiwifyDate,
  refunded_at: kiwifyDate,
  Product: z.object({ product_id: optionalText, product_name: optionalText }).nullish().catch(undefined),
  Customer: CustomerSchema,
  Commissions: z
    .object({ charge_amount: cents, product_base_price: cents, currency: optionalText })
    .nullish()
    .catch(undefined),
  TrackingParameters: TrackingSchema,
  // Cart abandonment (flat).
  id: optionalText,
  name: optionalText,
  email: optionalText,
  phone: optionalText,
  product_id: optionalText,
  product_name: optionalText,
  status: optionalText,
});

export type KiwifyWebhook = z.output<typeof KiwifyWebhookSchema>;
