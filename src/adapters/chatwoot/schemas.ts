import { z } from "zod";

/** A `chatwoot` connection: CONTRACT.md's config keys (the API ones are for the later label sync). */
export const ChatwootConfigSchema = z
  .object({
    baseUrl: z.url({ protocol: /^https?$/ }).max(500),
    apiToken: z.string().min(1).max(500),
    accountId: z.union([z.string().trim().min(1).max(64), z.number().int().positive()]),
    webhookSecret: z.string().min(1).max(500).optional(),
  })
  .strict();

export type ChatwootConfig = z.output<typeof ChatwootConfigSchema>;

/** A contact (`meta.sender`, or a message's `sender` when it is the contact). */
export const ChatwootContactSchema = z.object({
  id: z.number().optional(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  phone_number: z.string().nullish(),
  identifier: z.string().nullish(),
  type: z.string().optional(),
});

export type ChatwootContact = z.output<typeof ChatwootContactSchema>;

const ChatwootConversationSchema = z.object({
  id: z.number().optional(),
  inbox_id: z.number().optional(),
  channel: z.string().max(100).optional(),
  labels: z.array(z.string().max(255)).optional(),
  meta: z.object({ sender: ChatwootContactSchema.nullish() }).optional(),
});

export type ChatwootConversation = z.output<typeof ChatwootConversationSchema>;

/**
 * A Chatwoot webhook (WIRE-FORMATS §1.6): conversation events are the conversation's push data plus
 * `event` and `changed_attributes`; message events are the message with its `conversation` and `sender`.
 */
export const ChatwootWebhookSchema = ChatwootConversationSchema.extend({
  event: z.string().max(100),
  changed_attributes: z.array(z.record(z.string(), z.unknown())).nullish(),
  message_type: z.union([z.string(), z.number()]).optional(),
  content: z.string().nullish(),
  content_type: z.string().max(64).nullish(),
  private: z.boolean().nullish(),
  source_id: z.string().max(512).nullish(),
  created_at: z.union([z.number(), z.string().max(64)]).nullish(),
  updated_at: z.union([z.number(), z.string().max(64)]).nullish(),
  account: z.object({ id: z.number().optional() }).nullish(),
  sender: ChatwootContactSchema.nullish(),
  conversation: ChatwootConversationSchema.nullish(),
});

export type ChatwootWebhook = z.output<typeof ChatwootWebhookSchema>;
