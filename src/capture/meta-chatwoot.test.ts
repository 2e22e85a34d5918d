import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { ContactDetailView } from "../contacts/get-contact.ts";
import type { EventView } from "./list-events.ts";

// The fixtures' exact bytes and their WIRE-FORMATS §2.0 signatures.
const fixture = (path: string) => readFileSync(new URL(`../../fixtures/webhooks/${path}`, import.meta.url));
const INBOUND = fixture("meta/whatsapp-inbound-text.json");
const STATUS = fixture("meta/whatsapp-status-delivered.json");
const LABELS = fixture("chatwoot/conversation-updated-labels.json");
const APP_SECRET = "test_app_secret_4b7e1d";
const INBOUND_SIGNATURE = "sha256=7e92cf126007fa9cd81add9f11cc5809efadf10e954fcb2809a91d80a786b723";
const STATUS_SIGNATURE = "sha256=bee9eb8079d85f34c777abd779d4f8ebd8222578a2298e6019da00c1af315094";
const VERIFY_TOKEN = "verify_me_local";
const CW_SECRET = "cw_test_secret_71aa";

let t: TestApp;
let meta: { id: string; webhookUrl: string };
let chatwoot: { id: string; webhookUrl: string };

async function connect(type: string, config: Record<string, unknown>) {
  const response = await t.request("POST", "/api/v1/connections", { body: { type, name: type, config } });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; webhookUrl: string };
}

beforeAll(async () => {
  t = await createTestApp();
  // Every sender becomes a lead at once here (triage has its own tests in src/conversations).
  meta = await connect("meta", { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, unknownSenders: "lead" });
  chatwoot = await connect("chatwoot", {
    baseUrl: "https://chat.example.com",
    apiToken: "cw_api_token",
    accountId: 3,
    webhookSecret: CW_SECRET,
  });
});
afterAll(async () => {
  await t.close();
});

const signMeta = (body: Buffer) => `sha256=${createHmac("sha256", APP_SECRET).update(body).digest("hex")}`;

function deliverMeta(body: Buffer, signature: string | null) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  return t.request("POST", meta.webhookUrl, { token: null, rawBody: body, headers });
}

async function events(connectionId: string) {
  return (
    (await t.request("GET", `/api/v1/events?connectionId=${connectionId}`)).json() as { items: EventView[] }
  ).items;
}

async function eventView(eventId: string) {
  return (await t.request("GET", `/api/v1/events/${eventId}`)).json() as EventView;
}

async function leadOf(eventId: string) {
  const event = await eventView(eventId);
  expect(event).toMatchObject({ status: "processed", error: null });
  return (await t.request("GET", `/api/v1/leads/${event.contactId}`)).json() as ContactDetailView;
}

describe("meta connections", () => {
  it("require an app secret and a verify token", async () => {
    const response = await t.request("POST", "/api/v1/connections", {
      body: { type: "meta", name: "Sem token", config: { appSecret: APP_SECRET } },
    });
    expect(response.statusCode).toBe(400);
  });

  it("answer Meta's GET handshake with the challenge, and 403 to a wrong token", async () => {
    const ok = await t.request(
      "GET",
      `${meta.webhookUrl}?hub.mode=subscribe&hub.challenge=1904381127&hub.verify_token=${VERIFY_TOKEN}`,
      { token: null },
    );
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe("1904381127");
    const wrong = await t.request(
      "GET",
      `${meta.webhookUrl}?hub.mode=subscribe&hub.challenge=1904381127&hub.verify_token=nope`,
      { token: null },
    );
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).not.toContain("1904381127");
  });
});

describe("meta deliveries", () => {
  it("refuse tampered bytes or a missing signature with 401 and store nothing", async () => {
    const tampered = Buffer.from(INBOUND);
    tampered[INBOUND.indexOf("Camila")] = "K".charCodeAt(0);
    expect((await deliverMeta(tampered, INBOUND_SIGNATURE)).statusCode).toBe(401);
    expect((await deliverMeta(INBOUND, null)).statusCode).toBe(401);
    expect((await deliverMeta(INBOUND, STATUS_SIGNATURE)).statusCode).toBe(401);
    expect(await events(meta.id)).toEqual([]);
  });

  it("store an inbound text once (202, then 200), then make a WhatsApp contact with +55 phone", async () => {
    const first = await deliverMeta(INBOUND, INBOUND_SIGNATURE);
    expect(first.statusCode).toBe(202);
    const { eventId } = first.json() as { eventId: string };
    const again = await deliverMeta(INBOUND, INBOUND_SIGNATURE);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: "duplicate", eventId });

    await t.drain();
    const lead = await leadOf(eventId);
    expect(lead).toMatchObject({
      name: "Camila Nogueira",
      phone: "+5531988776655",
      sources: ["whatsapp"],
      custom: {
        whatsapp: {
          waId: "5531988776655",
          lastMessageId: "wamid.HBgNNTUzMTk4ODc3NjY1NRUCABIYFjNFQjA5QzdBMjFGNEQ4RTZCMTcyAA==",
          lastText: "Oi! Vi o anúncio e quero saber mais sobre o Clube Lumina.",
        },
      },
    });
    expect(lead.custom).not.toHaveProperty("optOut");
    expect(lead.touches).toHaveLength(1);
    expect(lead.touches[0]).toMatchObject({ source: "whatsapp", eventId });
  });

  it("store a status-only delivery and process it with no contact", async () => {
    const response = await deliverMeta(STATUS, STATUS_SIGNATURE);
    expect(response.statusCode).toBe(202);
    const { eventId } = response.json() as { eventId: string };
    await t.drain();
    expect(await eventView(eventId)).toMatchObject({ status: "processed", error: null, contactId: null });
    const stored = await t.app.deps.db
      .selectFrom("inbox_events")
      .select(["idempotency_key"])
      .where("id", "=", eventId)
      .executeTakeFirstOrThrow();
    expect(stored.idempotency_key).toBe(
      "wamid.HBgNNTUzMTk4ODc3NjY1NRUCABEYEkE3RjIwQzk5QjE4RDZFNDFGMgA=:delivered",
    );
    // Replaying it stays processed with no contact.
    const replay = await t.request("POST", `/api/v1/events/${eventId}/replay`);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ status: "processed", contactId: null, outcome: "processed" });
  });

  it("record a PARAR reply as custom.optOut on the person", async () => {
    const body = Buffer.from(
      INBOUND.toString("utf8")
        .replace("Oi! Vi o anúncio e quero saber mais sobre o Clube Lumina.", "Parar")
        .replace("FjNFQjA5QzdBMjFGNEQ4RTZCMTcyAA==", "FjNFQjA5QzdBMjFGNEQ4RTZCMTcyAB==")
        .replace('"1768226731"', '"1768226800"'),
    );
    const response = await deliverMeta(body, signMeta(body));
    expect(response.statusCode).toBe(202);
    const { eventId } = response.json() as { eventId: string };
    await t.drain();
    const lead = await leadOf(eventId);
    expect(lead).toMatchObject({
      phone: "+5531988776655",
      custom: { optOut: { channel: "whatsapp", at: "2026-01-12T14:06:40.000Z" } },
    });
    // Merge policy: the first custom value stays; this message's whatsapp details go to secondary.
    expect(lead.custom).toMatchObject({
      whatsapp: { lastText: "Oi! Vi o anúncio e quero saber mais sobre o Clube Lumina." },
    });
  });
});

describe("chatwoot deliveries", () => {
  const timestamp = String(Math.floor(Date.parse(FIXED_NOW) / 1000));
  const sign = (body: Buffer, ts = timestamp) =>
    `sha256=${createHmac("sha256", CW_SECRET)
      .update(Buffer.concat([Buffer.from(`${ts}.`), body]))
      .digest("hex")}`;
  const deliver = (body: Buffer, signature: string, ts = timestamp) =>
    t.request("POST", chatwoot.webhookUrl, {
      token: null,
      rawBody: body,
      headers: {
        "content-type": "application/json",
        "x-chatwoot-signature": signature,
        "x-chatwoot-timestamp": ts,
      },
    });

  it("refuse a wrong signature or a stale timestamp with 401 and store nothing", async () => {
    expect((await deliver(LABELS, sign(LABELS, "1768227012"), "1768227012")).statusCode).toBe(401);
    const tampered = Buffer.from(LABELS);
    tampered[LABELS.indexOf("lead_quente")] = "L".charCodeAt(0);
    expect((await deliver(tampered, sign(LABELS))).statusCode).toBe(401);
    expect(await events(chatwoot.id)).toEqual([]);
  });

  it("turn the labels fixture into the contact with its labels in custom.chatwoot, once", async () => {
    const first = await deliver(LABELS, sign(LABELS));
    expect(first.statusCode).toBe(202);
    const { eventId } = first.json() as { eventId: string };
    expect((await deliver(LABELS, sign(LABELS))).statusCode).toBe(200);
    await t.drain();
    const lead = await leadOf(eventId);
    expect(lead).toMatchObject({
      name: "Camila Nogueira",
      phone: "+5531988776655",
      custom: {
        chatwoot: {
          conversationId: 1287,
          labels: ["lead_quente", "origem_instagram"],
          changedAttributes: { label_list: { current_value: ["lead_quente", "origem_instagram"] } },
        },
      },
    });
    expect(lead.sources).toContain("chatwoot");

    // The label change is a tag event of the conversation and the contact, recorded once.
    const tagEvents = (await t.request("GET", `/api/v1/tag-events?contactId=${lead.id}`)).json() as {
      items: unknown[];
    };
    expect(tagEvents.items).toEqual([
      {
        id: expect.any(String),
        label: "lead_quente",
        action: "added",
        at: "2026-01-12T14:10:11.482Z",
        conversationId: "1287",
        contactId: lead.id,
        connectionId: chatwoot.id,
      },
    ]);
    const replay = await t.request("POST", `/api/v1/events/${eventId}/replay`);
    expect(replay.statusCode).toBe(200);
    const summary = (await t.request("GET", "/api/v1/tag-events/summary")).json();
    expect(summary).toEqual({ items: [{ label: "lead_quente", added: 1, removed: 0, net: 1 }] });
  });
});
