import { z } from "zod";
import { optionalNumber as cents, optionalText } from "../../platform/lenient-schemas.ts";

/** A `hubla` connection: the account's static token, sent as `x-hubla-token`. */
export const HublaConfigSchema = z
  .object({
    token: z.string().min(1).max(500),
  })
  .strict();

export type HublaConfig = z.output<typeof HublaConfigSchema>;

/** An ISO date (or epoch milliseconds); unreadable dates are dropped. */
const isoDate = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value): Date | undefined => {
    if (value === null || value === undefined) return undefined;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  })
  .catch(undefined);

const ProductSchema = z.object({ id: optionalText, name: optionalText });

export const HublaEventSchema = z.object({
  user: z
    .object({
      id: optionalText,
      firstName: optionalText,
      lastName: optionalText,
      email: optionalText,
      phone: optionalText,
    })
    .nullish()
    .catch(undefined),
  product: ProductSchema.nullish().catch(undefined),
  products: z
    .array(
      ProductSchema.extend({
        offers: z
          .array(z.object({ id: optionalText }))
          .nullish()
          .catch(undefined),
      }),
    )
    .nullish()
    .catch(undefined),
  invoice: z
    .object({
      id: optionalText,
      subscriptionId: optionalText,
      paymentMethod: optionalText,
      currency: optionalText,
      status: optionalText,
      amount: z.object({ totalCents: cents, subtotalCents: cents }).nullish().catch(undefined),
      firstPaymentSession: z
        .object({
          utm: z
            .object({
              source: optionalText,
              medium: optionalText,
              campaign: optionalText,
              content: optionalText,
              term: optionalText,
            })
            .nullish()
            .catch(undefined),
        })
        .nullish()
        .catch(undefined),
      createdAt: isoDate,
      updatedAt: isoDate,
      paidAt: isoDate,
      refundedAt: isoDate,
    })
    .nullish()
    .catch(undefined),
});

/** The v2.0.0 envelope (WIRE-FORMATS §1.8). */
export const HublaWebhookSchema = z.object({
  type: z.string().min(1).max(100),
  event: HublaEventSchema,
  version: optionalText,
});

export type HublaWebhook = z.output<typeof HublaWebhookSchema>;
