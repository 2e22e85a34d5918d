import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LeadInputSchema } from "../../contacts/schemas.ts";
import { MetaConfigSchema } from "./schemas.ts";
import {
  decodeMeta,
  isOptOut,
  metaConversationFacts,
  metaHandshake,
  metaSource,
  verifyMeta,
} from "./webhook.ts";

// WIRE-FORMATS §2.0: the test vectors over the exact bytes of the fixture files.
const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/webhooks/meta/${name}.json`, import.meta.url));
const INBOUND = fixture("whatsapp-inbound-text");
const STATUS = fixture("whatsapp-status-delivered");
const APP_SECRET = "test_app_secret_4b7e1d";
const INBOUND_VECTOR = "sha256=7e92cf126007fa9cd81add9f11cc5809efadf10e954fcb2809a91d80a786b723";
const STATUS_VECTOR = "sha256=bee9eb8079d85f34c777abd779d4f8ebd8222578a2298e6019da00c1af315094";
const WAMID = "wamid.HBgNNTUzMTk4ODc3NjY1NRUCABIYFjNFQjA5QzdBMjFGNEQ4RTZCMTcyAA==";
const STATUS_WAMID = "wamid.HBgNNTUzMTk4ODc3NjY1NRUCABEYEkE3RjIwQzk5QjE4RDZFNDFGMgA=";
const config = { appSecret: APP_SECRET, verifyToken: "verify_me_local" };

const sign = (body: Uint8Array | string, secret = APP_SECRET) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
const verify = (rawBody: Uint8Array, headers: Record<string, string>, appSecret = APP_SECRET) =>
  verifyMeta({ rawBody, headers, config: { ...config, appSecret } });

type Inbound = { entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[] };
function inboundWith(message: Record<string, unknown>): Inbound {
  const body = JSON.parse(INBOUND.toString("utf8")) as Inbound;
  const value = body.entry[0]?.changes[0]?.value;
  if (!value) throw new Error("fixture shape");
  value.messages = [{ ...value.messages[0], ...message }];
  return body;
}

describe("meta handshake", () => {
  const query = {
    "hub.mode": "subscribe",
    "hub.challenge": "1904381127",
    "hub.verify_token": "verify_me_local",
  };

  it("echoes hub.challenge for subscribe with the configured verify token", () => {
    expect(metaHandshake(query, config)).toBe("1904381127");
  });

  it("refuses a wrong or missing token, another mode, a config without token, an odd challenge", () => {
    expect(metaHandshake({ ...query, "hub.verify_token": "verify_me_locaX" }, config)).toBeNull();
    expect(metaHandshake({ "hub.mode": "subscribe", "hub.challenge": "1" }, config)).toBeNull();
    expect(metaHandshake({ ...query, "hub.mode": "unsubscribe" }, config)).toBeNull();
    expect(metaHandshake(query, { appSecret: APP_SECRET })).toBeNull();
    expect(metaHandshake(query, { ...config, verifyToken: "" })).toBeNull();
    expect(metaHandshake({ ...query, "hub.challenge": "<script>" }, config)).toBeNull();
  });
});

describe("meta verify", () => {
  it("accepts the §2.0 vectors: keyed by the message wamid, or by status id and status", () => {
    expect(sign(INBOUND)).toBe(INBOUND_VECTOR);
    expect(sign(STATUS)).toBe(STATUS_VECTOR);
    expect(verify(INBOUND, { "x-hub-signature-256": INBOUND_VECTOR })).toEqual({
      ok: true,
      idempotencyKey: WAMID,
    });
    expect(verify(STATUS, { "x-hub-signature-256": STATUS_VECTOR })).toEqual({
      ok: true,
      idempotencyKey: `${STATUS_WAMID}:delivered`,
    });
  });

  it("refuses a flipped byte, another body's signature, a bad header, another secret", () => {
    const flipped = Buffer.from(INBOUND);
    flipped[120] = (flipped[120] as number) ^ 0x01;
    expect(verify(flipped, { "x-hub-signature-256": INBOUND_VECTOR })).toEqual({ ok: false });
    expect(verify(INBOUND, { "x-hub-signature-256": STATUS_VECTOR })).toEqual({ ok: false });
    expect(verify(INBOUND, {})).toEqual({ ok: false });
    expect(verify(INBOUND, { "x-hub-signature-256": INBOUND_VECTOR.slice(7) })).toEqual({ ok: false });
    expect(verify(INBOUND, { "x-hub-signature-256": "sha256=" })).toEqual({ ok: false });
    expect(verify(INBOUND, { "x-hub-signature-256": INBOUND_VECTOR }, "other")).toEqual({ ok: false });
    expect(verify(INBOUND, { "x-hub-signature-256": INBOUND_VECTOR }, "")).toEqual({ ok: false });
    expect(
      metaSource.verify({
        rawBody: INBOUND,
        headers: { "x-hub-signature-256": [INBOUND_VECTOR, INBOUND_VECTOR] },
        query: {},
        config,
        now: new Date(),
      }),
    ).toEqual({ ok: false });
  });

  it("keys a signed body without ids, or not JSON, by its sha256", () => {
    for (const body of [
      Buffer.from("not json"),
      Buffer.from(JSON.stringify({ object: "page", entry: [] })),
    ]) {
      expect(verify(body, { "x-hub-signature-256": sign(body) })).toMatchObject({
        ok: true,
        idempotencyKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      });
    }
  });
});

describe("meta config", () => {
  it("requires appSecret and verifyToken, the rest optional, no unknown keys", () => {
    expect(MetaConfigSchema.safeParse({ appSecret: APP_SECRET }).success).toBe(false);
    expect(MetaConfigSchema.safeParse({ ...config, extra: 1 }).success).toBe(false);
    expect(MetaConfigSchema.safeParse(config).success).toBe(true);
    expect(
      MetaConfigSchema.safeParse({
        ...config,
        accessToken: "EAAG",
        phoneNumberId: "482913370561208",
        igUserId: "17841400000000000",
      }).success,
    ).toBe(true);
  });
});

describe("meta decode", () => {
  it("turns an inbound WhatsApp text into a lead with +E.164 phone and custom.whatsapp", () => {
    const lead = decodeMeta(JSON.parse(INBOUND.toString("utf8")), config);
    expect(lead).toEqual({
      name: "Camila Nogueira",
      phone: "+5531988776655",
      source: "whatsapp",
      custom: {
        whatsapp: {
          waId: "5531988776655",
          phoneNumberId: "482913370561208",
          lastMessageId: WAMID,
          lastMessageAt: "2026-01-12T14:05:31.000Z",
          lastType: "text",
          lastText: "Oi! Vi o anúncio e quero saber mais sobre o Clube Lumina.",
        },
      },
    });
    expect(LeadInputSchema.safeParse(lead).success).toBe(true);
  });

  it("returns null for a status-only delivery: no person", () => {
    expect(decodeMeta(JSON.parse(STATUS.toString("utf8")), config)).toBeNull();
  });

  it("truncates long texts to 500 characters", () => {
    const lead = decodeMeta(inboundWith({ text: { body: "a".repeat(2000) } }), config) as {
      custom: { whatsapp: { lastText: string } };
    };
    expect(lead.custom.whatsapp.lastText).toHaveLength(500);
  });

  it("marks PARAR, STOP, SAIR, CANCELAR (any case, accents, punctuation) as an opt-out", () => {
    for (const word of ["PARAR", "stop", " Sair ", "Cancelar!", "párar"]) expect(isOptOut(word)).toBe(true);
    for (const word of ["não parar", "quero parar de receber", "stopped", ""])
      expect(isOptOut(word)).toBe(false);
    const lead = decodeMeta(inboundWith({ text: { body: "PARAR" } }), config);
    expect(lead).toMatchObject({
      custom: { optOut: { channel: "whatsapp", at: "2026-01-12T14:05:31.000Z" } },
    });
    const button = decodeMeta(
      inboundWith({ type: "button", text: undefined, button: { text: "Sair" } }),
      config,
    );
    expect(button).toMatchObject({ custom: { optOut: { channel: "whatsapp" } } });
    expect(decodeMeta(JSON.parse(INBOUND.toString("utf8")), config)?.custom).not.toHaveProperty("optOut");
  });

  it("turns an Instagram message into an IGSID identity and custom.instagram, without inventing a handle", () => {
    const body = {
      object: "instagram",
      entry: [
        {
          id: "17841400000000000",
          time: 1768226731000,
          messaging: [
            {
              sender: { id: "17841400000000000" },
              recipient: { id: "6543210987654321" },
              timestamp: 1768226730000,
              message: { mid: "aWdfZAG1echo", text: "Olá!", is_echo: true },
            },
            {
              sender: { id: "6543210987654321" },
              recipient: { id: "17841400000000000" },
              timestamp: 1768226731000,
              message: { mid: "aWdfZAG1mid", text: "Stop" },
            },
          ],
        },
      ],
    };
    const lead = decodeMeta(body, config);
    expect(lead).toEqual({
      source: "instagram",
      instagram_id: "6543210987654321",
      custom: {
        instagram: {
          igsid: "6543210987654321",
          lastMessageId: "aWdfZAG1mid",
          lastMessageAt: "2026-01-12T14:05:31.000Z",
          lastText: "Stop",
        },
        optOut: { channel: "instagram", at: "2026-01-12T14:05:31.000Z" },
      },
    });
    expect(lead).not.toHaveProperty("instagram");
    const raw = Buffer.from(JSON.stringify(body));
    expect(verify(raw, { "x-hub-signature-256": sign(raw) })).toEqual({
      ok: true,
      idempotencyKey: "aWdfZAG1echo",
    });
    // Only our own echo: no person.
    const echoOnly = { ...body, entry: [{ ...body.entry[0], messaging: [body.entry[0]?.messaging[0]] }] };
    expect(decodeMeta(echoOnly, config)).toBeNull();

    // The conversation: our echo is an outbound message to the IGSID, theirs an inbound opt-out.
    expect(metaConversationFacts(body, "2026-11-23T12:00:00.000Z")).toEqual([
      {
        kind: "message",
        channel: "instagram",
        direction: "outbound",
        externalKey: "ig:aWdfZAG1echo",
        party: { kind: "instagram_id", value: "6543210987654321" },
        messageType: "text",
        text: "Olá!",
        at: "2026-01-12T14:05:30.000Z",
        isOptOut: false,
      },
      {
        kind: "message",
        channel: "instagram",
        direction: "inbound",
        externalKey: "ig:aWdfZAG1mid",
        party: { kind: "instagram_id", value: "6543210987654321" },
        messageType: "text",
        text: "Stop",
        at: "2026-01-12T14:05:31.000Z",
        isOptOut: true,
      },
    ]);
  });

  it("lists WhatsApp messages and every delivery status, a failure with its error", () => {
    const inbound = metaConversationFacts(JSON.parse(INBOUND.toString("utf8")), "2026-11-23T12:00:00.000Z");
    expect(inbound).toEqual([
      {
        kind: "message",
        channel: "whatsapp",
        direction: "inbound",
        externalKey: "wa:wamid.HBgNNTUzMTk4ODc3NjY1NRUCABIYFjNFQjA5QzdBMjFGNEQ4RTZCMTcyAA==",
        party: { kind: "phone", value: "+5531988776655" },
        messageType: "text",
        text: "Oi! Vi o anúncio e quero saber mais sobre o Clube Lumina.",
        at: "2026-01-12T14:05:31.000Z",
        isOptOut: false,
      },
    ]);
    const statuses = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: "1",
          changes: [
            {
              field: "messages",
              value: {
                statuses: [
                  { id: "wamid.A", status: "read", timestamp: "1768226905", recipient_id: "5531988776655" },
                  {
                    id: "wamid.B",
                    status: "failed",
                    timestamp: "1768226906",
                    recipient_id: "5531988776655",
                    errors: [{ code: 131047, title: "Re-engagement message" }],
                  },
                  { id: "wamid.C", status: "deleted", timestamp: "1768226907" },
                ],
              },
            },
          ],
        },
      ],
    };
    expect(metaConversationFacts(statuses, "2026-11-23T12:00:00.000Z")).toEqual([
      {
        kind: "status",
        channel: "whatsapp",
        externalKey: "wa:wamid.A",
        status: "read",
        party: { kind: "phone", value: "+5531988776655" },
        at: "2026-01-12T14:08:25.000Z",
        error: null,
      },
      {
        kind: "status",
        channel: "whatsapp",
        externalKey: "wa:wamid.B",
        status: "failed",
        party: { kind: "phone", value: "+5531988776655" },
        at: "2026-01-12T14:08:26.000Z",
        error: "131047 Re-engagement message",
      },
    ]);
  });

  it("refuses a payload of another shape", () => {
    expect(() => decodeMeta({ object: "page", entry: [] }, config)).toThrow();
    expect(() => decodeMeta({ object: "instagram" }, config)).toThrow();
  });
});
