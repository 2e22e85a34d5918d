import { z } from "zod";

const id = z.string().trim().min(1).max(255);

/** A `meta` connection (WhatsApp Cloud API and Instagram messaging): CONTRACT.md's config keys. */
export const MetaConfigSchema = z
  .object({
    appSecret: z.string().min(1).max(500),
    verifyToken: z.string().min(1).max(500),
    accessToken: z.string().min(1).max(2000).optional(),
    phoneNumberId: id.optional(),
    igUserId: id.optional(),
    /**
     * A message from someone we do not know: `triage` (default) waits in the triage inbox for a person
     * to accept or decline it; `lead` creates the lead at once.
     */
    unknownSenders: z.enum(["triage", "lead"]).optional(),
  })
  .strict();

export type MetaConfig = z.output<typeof MetaConfigSchema>;

/** Text of a message, wherever its type keeps it (kept lenient: unknown types pass without text). */
const WhatsAppMessageSchema = z.object({
  from: z.string().max(64),
  id: z.string().max(512),
  timestamp: z.string().max(32).optional(),
  type: z.string().max(64).optional(),
  text: z.object({ body: z.string() }).optional(),
  button: z.object({ text: z.string().optional() }).optional(),
  interactive: z
    .object({
      button_reply: z.object({ title: z.string().optional() }).optional(),
      list_reply: z.object({ title: z.string().optional() }).optional(),
    })
    .optional(),
});

export type WhatsAppMessage = z.output<typeof WhatsAppMessageSchema>;

const WhatsAppValueSchema = z.object({
  metadata: z.object({ phone_number_id: z.string().max(255).optional() }).optional(),
  contacts: z
    .array(
      z.object({ wa_id: z.string().max(64).optional(), profile: z.object({ name: z.string() }).optional() }),
    )
    .default([]),
  messages: z.array(WhatsAppMessageSchema).default([]),
  statuses: z
    .array(
      z.object({
        id: z.string().max(512),
        status: z.string().max(64),
        timestamp: z.string().max(32).optional(),
        recipient_id: z.string().max(64).optional(),
        /** What we set on send (`dispatch:<id>`): comes back on every status of that message. */
        biz_opaque_callback_data: z.string().max(512).optional(),
        errors: z
          .array(
            z.object({
              code: z.number().optional(),
              title: z.string().max(500).optional(),
              message: z.string().max(500).optional(),
            }),
          )
          .optional(),
      }),
    )
    .default([]),
});

export type WhatsAppValue = z.output<typeof WhatsAppValueSchema>;

/** A WhatsApp Cloud API delivery (WIRE-FORMATS §1.3): messages and/or statuses. */
export const WhatsAppWebhookSchema = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(
    z.object({
      id: z.string().max(255).optional(),
      changes: z
        .array(z.object({ field: z.string().max(100).optional(), value: WhatsAppValueSchema }))
        .default([]),
    }),
  ),
});

/** One Instagram messaging event (Messenger Platform shape: sender/recipient IGSIDs, ms timestamp). */
const InstagramMessagingSchema = z.object({
  sender: z.object({ id: z.string().max(255) }),
  recipient: z.object({ id: z.string().max(255) }).optional(),
  timestamp: z.number().optional(),
  message: z
    .object({
      mid: z.string().max(512).optional(),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
    })
    .optional(),
});

export type InstagramMessaging = z.output<typeof InstagramMessagingSchema>;

/** An Instagram messaging delivery (`object: "instagram"`). */
export const InstagramWebhookSchema = z.object({
  object: z.literal("instagram"),
  entry: z.array(
    z.object({
      id: z.string().max(255).optional(),
      messaging: z.array(InstagramMessagingSchema).default([]),
    }),
  ),
});
