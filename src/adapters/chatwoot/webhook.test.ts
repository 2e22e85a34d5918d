import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LeadInputSchema } from "../../contacts/schemas.ts";
import { ChatwootConfigSchema } from "./schemas.ts";
import { chatwootConversationFacts, chatwootSource, decodeChatwoot, verifyChatwoot } from "./webhook.ts";

// The stored fixture is Biome-formatted; WIRE-FORMATS' file is its JSON.stringify(_, null, 2) + "\n",
// so the §2.0 vector is checked over those bytes, rebuilt here, and the stored bytes get their own.
const STORED = readFileSync(
  new URL("../../../fixtures/webhooks/chatwoot/conversation-updated-labels.json", import.meta.url),
);
const body = () => JSON.parse(STORED.toString("utf8")) as Record<string, unknown>;
const SHARED = Buffer.from(`${JSON.stringify(body(), null, 2)}\n`);
const SECRET = "cw_test_secret_71aa";
const TIMESTAMP = "1768227012";
const VECTOR = "sha256=95c181ad82048bc2157307d258367f8974e6c071128d41e12f25c8b33e6191e4";
const STORED_SIGNATURE = "sha256=a6f190e6d7557d2a1e45fa284c538bbb24a5a77e97b3c138da52229bea4e70a4";
const NOW = new Date(Number(TIMESTAMP) * 1000 + 30_000);
const config = {
  baseUrl: "https://chat.example.com",
  apiToken: "cw_api",
  accountId: 3,
  webhookSecret: SECRET,
};
const KEY = "conversation_updated:1287:1768227011.4821";

const sign = (raw: Uint8Array, timestamp = TIMESTAMP, secret = SECRET) =>
  `sha256=${createHmac("sha256", secret)
    .update(Buffer.concat([Buffer.from(`${timestamp}.`), raw]))
    .digest("hex")}`;
const verify = (
  rawBody: Uint8Array,
  headers: Record<string, string>,
  options: { now?: Date; config?: Record<string, unknown> } = {},
) => verifyChatwoot({ rawBody, headers, config: options.config ?? config, now: options.now ?? NOW });
const signed = (signature: string, timestamp = TIMESTAMP) => ({
  "x-chatwoot-signature": signature,
  "x-chatwoot-timestamp": timestamp,
});

describe("chatwoot verify", () => {
  it("accepts the §2.0 vector and the stored bytes' signature, keyed by event, id and updated_at", () => {
    expect(sign(SHARED)).toBe(VECTOR);
    expect(sign(STORED)).toBe(STORED_SIGNATURE);
    expect(verify(SHARED, signed(VECTOR))).toEqual({ ok: true, idempotencyKey: KEY });
    expect(verify(STORED, signed(STORED_SIGNATURE))).toEqual({ ok: true, idempotencyKey: KEY });
  });

  it("refuses tampered bytes, a missing or stale timestamp, another secret, a missing signature", () => {
    const flipped = Buffer.from(SHARED);
    flipped[200] = (flipped[200] as number) ^ 0x01;
    expect(verify(flipped, signed(VECTOR))).toEqual({ ok: false });
    expect(verify(SHARED, signed(VECTOR, "1768227013"))).toEqual({ ok: false });
    expect(verify(SHARED, { "x-chatwoot-signature": VECTOR })).toEqual({ ok: false });
    expect(verify(SHARED, { "x-chatwoot-timestamp": TIMESTAMP })).toEqual({ ok: false });
    expect(verify(SHARED, signed(VECTOR), { now: new Date(NOW.getTime() + 600_000) })).toEqual({ ok: false });
    expect(verify(SHARED, signed(VECTOR), { config: { ...config, webhookSecret: "other" } })).toEqual({
      ok: false,
    });
    expect(
      chatwootSource.verify({
        rawBody: SHARED,
        headers: { "x-chatwoot-signature": [VECTOR, VECTOR], "x-chatwoot-timestamp": TIMESTAMP },
        query: {},
        config,
        now: NOW,
      }),
    ).toEqual({ ok: false });
  });

  it("accepts unsigned deliveries when no webhookSecret is configured (older Chatwoot signs nothing)", () => {
    const { webhookSecret: _, ...unsigned } = config;
    expect(verify(STORED, {}, { config: unsigned })).toEqual({ ok: true, idempotencyKey: KEY });
    expect(verify(Buffer.from("not json"), {}, { config: unsigned })).toMatchObject({
      ok: true,
      idempotencyKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
  });
});

describe("chatwoot config", () => {
  it("requires baseUrl, apiToken and accountId; webhookSecret optional; no unknown keys", () => {
    const { webhookSecret: _, ...required } = config;
    expect(ChatwootConfigSchema.safeParse(required).success).toBe(true);
    expect(ChatwootConfigSchema.safeParse(config).success).toBe(true);
    expect(ChatwootConfigSchema.safeParse({ ...config, accountId: "3" }).success).toBe(true);
    expect(ChatwootConfigSchema.safeParse({ ...config, baseUrl: "ftp://x" }).success).toBe(false);
    expect(ChatwootConfigSchema.safeParse({ apiToken: "x", accountId: 3 }).success).toBe(false);
    expect(ChatwootConfigSchema.safeParse({ ...config, extra: 1 }).success).toBe(false);
  });
});

describe("chatwoot decode", () => {
  it("turns conversation_updated into the contact with labels and changed attributes in custom", () => {
    const lead = decodeChatwoot(body(), config);
    expect(lead).toEqual({
      name: "Camila Nogueira",
      phone: "+5531988776655",
      source: "chatwoot",
      custom: {
        chatwoot: {
          event: "conversation_updated",
          contactId: 5540,
          conversationId: 1287,
          inboxId: 7,
          channel: "Channel::Whatsapp",
          labels: ["lead_quente", "origem_instagram"],
          changedAttributes: {
            label_list: {
              previous_value: ["origem_instagram"],
              current_value: ["lead_quente", "origem_instagram"],
            },
            cached_label_list: {
              previous_value: "origem_instagram",
              current_value: "lead_quente,origem_instagram",
            },
            updated_at: {
              previous_value: "2026-01-12T13:47:03.402Z",
              current_value: "2026-01-12T13:50:11.482Z",
            },
          },
        },
      },
    });
    expect(LeadInputSchema.safeParse(lead).success).toBe(true);
  });

  it("keeps only label_list when the changes are too large", () => {
    const big = {
      ...body(),
      changed_attributes: [
        { custom_attributes: { notes: "x".repeat(5000) } },
        { label_list: { current_value: ["a"] } },
      ],
    };
    expect(decodeChatwoot(big, config)).toMatchObject({
      custom: { chatwoot: { changedAttributes: { label_list: { current_value: ["a"] } } } },
    });
  });

  it("turns message_created into the conversation's contact, with an e-mail when known", () => {
    const conversation = body();
    const message = {
      event: "message_created",
      id: 402118,
      content: "Quero saber o preço",
      message_type: "incoming",
      created_at: "2026-01-12T13:52:00.000Z",
      sender: {
        id: 5540,
        name: "Camila Nogueira",
        email: "camila@example.com",
        phone_number: null,
        type: "contact",
      },
      conversation: { ...conversation, meta: undefined },
      account: { id: 3, name: "Lumina" },
    };
    expect(decodeChatwoot(message, config)).toMatchObject({
      name: "Camila Nogueira",
      email: "camila@example.com",
      source: "chatwoot",
      custom: {
        chatwoot: {
          event: "message_created",
          conversationId: 1287,
          labels: ["lead_quente", "origem_instagram"],
        },
      },
    });
    // An agent's message without the conversation's contact names nobody.
    const outgoing = {
      ...message,
      sender: { id: 1, name: "Agente", type: "user" },
      conversation: { id: 1287 },
    };
    expect(decodeChatwoot(outgoing, config)).toBeNull();
  });

  it("returns null for other events and contacts without details; refuses other shapes", () => {
    expect(decodeChatwoot({ event: "conversation_typing_on", id: 1 }, config)).toBeNull();
    expect(
      decodeChatwoot(
        { ...body(), meta: { sender: { id: 1, name: " ", email: null, phone_number: null } } },
        config,
      ),
    ).toBeNull();
    expect(() => decodeChatwoot({ id: 1 }, config)).toThrow();
  });

  it("reads label changes as added/removed from label_list, and every label of a new conversation", () => {
    const received = "2026-11-23T12:00:00.000Z";
    expect(chatwootConversationFacts(body(), config, received)).toEqual([
      {
        kind: "labels",
        conversationId: "1287",
        added: ["lead_quente"],
        removed: [],
        at: "2026-01-12T14:10:11.482Z",
      },
    ]);
    const removed = {
      ...body(),
      changed_attributes: [
        { label_list: { previous_value: ["lead_quente", "vip"], current_value: ["cliente"] } },
      ],
    };
    expect(chatwootConversationFacts(removed, config, received)).toMatchObject([
      { added: ["cliente"], removed: ["lead_quente", "vip"] },
    ]);
    const created = { ...body(), event: "conversation_created", changed_attributes: null };
    expect(chatwootConversationFacts(created, config, received)).toMatchObject([
      { added: ["lead_quente", "origem_instagram"], removed: [] },
    ]);
    const statusOnly = {
      ...body(),
      changed_attributes: [{ status: { previous_value: "open", current_value: "resolved" } }],
    };
    expect(chatwootConversationFacts(statusOnly, config, received)).toEqual([]);
  });

  it("reads public messages in and out; a relayed WhatsApp message keeps its wamid key", () => {
    const received = "2026-11-23T12:00:00.000Z";
    const message = {
      event: "message_created",
      id: 402118,
      content: "Quero saber o preço",
      message_type: "incoming",
      content_type: "text",
      private: false,
      source_id: "wamid.XYZ",
      created_at: 1768226800,
      conversation: body(),
      account: { id: 3 },
    };
    expect(chatwootConversationFacts(message, config, received)).toEqual([
      {
        kind: "message",
        channel: "chatwoot",
        direction: "inbound",
        externalKey: "wa:wamid.XYZ",
        party: { kind: "phone", value: "+5531988776655" },
        messageType: "text",
        text: "Quero saber o preço",
        at: "2026-01-12T14:06:40.000Z",
        isOptOut: false,
      },
    ]);
    const reply = { ...message, id: 402119, message_type: "outgoing", source_id: null };
    expect(chatwootConversationFacts(reply, config, received)).toMatchObject([
      { direction: "outbound", externalKey: "cw:3:402119" },
    ]);
    expect(chatwootConversationFacts({ ...message, private: true }, config, received)).toEqual([]);
    expect(chatwootConversationFacts({ ...message, message_type: "activity" }, config, received)).toEqual([]);
  });
});
