import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import type { ContactDetailView } from "../contacts/get-contact.ts";
import { recordConversationFacts } from "./record-conversation-facts.ts";
import type { InteractionView, TriageSenderView } from "./schemas.ts";

const APP_SECRET = "triage_app_secret";
let t: TestApp;
let meta: { id: string; webhookUrl: string };

beforeAll(async () => {
  t = await createTestApp();
  const response = await t.request("POST", "/api/v1/connections", {
    body: { type: "meta", name: "WhatsApp + Instagram", config: { appSecret: APP_SECRET, verifyToken: "v" } },
  });
  expect(response.statusCode).toBe(201);
  meta = response.json() as typeof meta;
});
afterAll(async () => {
  await t.close();
});

let sequence = 0;
/** A WhatsApp Cloud API delivery with one inbound text (WIRE-FORMATS §1.3 shape). */
function whatsApp(input: { phone: string; text: string; name?: string; seconds?: number }) {
  sequence++;
  const seconds = input.seconds ?? 1768226700 + sequence;
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "310457221896034",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "5511940028922", phone_number_id: "482913370561208" },
              contacts: input.name ? [{ profile: { name: input.name }, wa_id: input.phone }] : [],
              messages: [
                {
                  from: input.phone,
                  id: `wamid.TRIAGE${sequence}`,
                  timestamp: String(seconds),
                  type: "text",
                  text: { body: input.text },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

function instagram(input: { igsid: string; text: string }) {
  sequence++;
  return {
    object: "instagram",
    entry: [
      {
        id: "17841400000000000",
        time: 1768226700000 + sequence * 1000,
        messaging: [
          {
            sender: { id: input.igsid },
            recipient: { id: "17841400000000000" },
            timestamp: 1768226700000 + sequence * 1000,
            message: { mid: `aWdfMID${sequence}`, text: input.text },
          },
        ],
      },
    ],
  };
}

function statuses(
  list: { id: string; status: string; seconds: number; recipient: string; error?: string }[],
) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "310457221896034",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              statuses: list.map((item) => ({
                id: item.id,
                status: item.status,
                timestamp: String(item.seconds),
                recipient_id: item.recipient,
                ...(item.error ? { errors: [{ code: 131026, title: item.error }] } : {}),
              })),
            },
          },
        ],
      },
    ],
  };
}

async function deliver(body: unknown) {
  const raw = Buffer.from(JSON.stringify(body));
  const response = await t.request("POST", meta.webhookUrl, {
    token: null,
    rawBody: raw,
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": `sha256=${createHmac("sha256", APP_SECRET).update(raw).digest("hex")}`,
    },
  });
  expect([200, 202]).toContain(response.statusCode);
  await t.drain();
  return (response.json() as { eventId: string }).eventId;
}

async function triage(status = "pending", token?: string) {
  const response = await t.request("GET", `/api/v1/triage?status=${status}`, token ? { token } : {});
  expect(response.statusCode).toBe(200);
  return response.json() as {
    items: TriageSenderView[];
    counts: Record<string, number>;
    nextCursor: string | null;
  };
}

const senderWith = async (phoneOrIgsid: string, status = "pending") =>
  (await triage(status)).items.find(
    (item) => item.phone === phoneOrIgsid || item.instagramId === phoneOrIgsid,
  );

async function lead(id: string) {
  return (await t.request("GET", `/api/v1/leads/${id}`)).json() as ContactDetailView & {
    touches: { source: string }[];
  };
}

async function interactions(contactId: string) {
  const response = await t.request("GET", `/api/v1/leads/${contactId}/interactions`);
  expect(response.statusCode).toBe(200);
  return (response.json() as { items: InteractionView[] }).items;
}

describe("an unknown WhatsApp sender", () => {
  it("waits in triage (no lead), its messages counted once, the latest text shown", async () => {
    const first = whatsApp({ phone: "5531977001100", text: "Oi, quero saber do curso", name: "Bianca Reis" });
    const eventId = await deliver(first);
    await deliver(first); // Meta repeats deliveries
    await deliver(whatsApp({ phone: "5531977001100", text: "Qual o preço?" }));

    const event = (await t.request("GET", `/api/v1/events/${eventId}`)).json();
    expect(event).toMatchObject({ status: "processed", contactId: null, error: null });
    expect(((await t.request("GET", "/api/v1/leads?q=Bianca")).json() as { items: unknown[] }).items).toEqual(
      [],
    );

    const sender = await senderWith("+5531977001100");
    expect(sender).toMatchObject({
      channel: "whatsapp",
      connectionId: meta.id,
      name: "Bianca Reis",
      phone: "+5531977001100",
      instagramId: null,
      status: "pending",
      messageCount: 2,
      lastText: "Qual o preço?",
      optedOutAt: null,
      contactId: null,
      decidedBy: null,
    });
    const detail = (await t.request("GET", `/api/v1/triage/${sender?.id}`)).json() as {
      messages: InteractionView[];
    };
    expect(detail.messages.map((message) => [message.direction, message.text])).toEqual([
      ["inbound", "Oi, quero saber do curso"],
      ["inbound", "Qual o preço?"],
    ]);
  });

  it("accepted: becomes a lead with its messages in the conversation, audited, once", async () => {
    const sender = await senderWith("+5531977001100");
    const accepted = await t.request("POST", `/api/v1/triage/${sender?.id}/accept`);
    expect(accepted.statusCode).toBe(200);
    const { contactId, sender: after } = accepted.json() as { contactId: string; sender: TriageSenderView };
    expect(after).toMatchObject({ status: "accepted", contactId, decidedBy: { type: "user" } });

    const person = await lead(contactId);
    expect(person).toMatchObject({ name: "Bianca Reis", phone: "+5531977001100", sources: ["whatsapp"] });
    expect((await interactions(contactId)).map((message) => message.text)).toEqual([
      "Qual o preço?",
      "Oi, quero saber do curso",
    ]);
    const audit = (await t.request("GET", `/api/v1/triage/${sender?.id}/audit`)).json() as {
      items: { action: string; before: unknown; after: unknown; actor: { type: string } }[];
    };
    expect(audit.items).toMatchObject([
      {
        action: "accept",
        before: { status: "pending" },
        after: { status: "accepted", contactId },
        actor: { type: "user" },
      },
    ]);

    // Accepting again changes nothing; declining an accepted sender is refused.
    const again = await t.request("POST", `/api/v1/triage/${sender?.id}/accept`);
    expect(again.json()).toMatchObject({ contactId });
    const decline = await t.request("POST", `/api/v1/triage/${sender?.id}/decline`);
    expect(decline.statusCode).toBe(409);
    expect(decline.headers["content-type"]).toContain("application/problem+json");

    // Her next message is a touch of the lead, not a new triage entry.
    await deliver(whatsApp({ phone: "5531977001100", text: "Pode me mandar o link?" }));
    expect((await interactions(contactId))[0]?.text).toBe("Pode me mandar o link?");
    expect((await lead(contactId)).touches.length).toBe(2);
    expect(await senderWith("+5531977001100")).toBeUndefined();
  });

  it("declined: stays out of the leads with later messages, audited, and can be accepted later", async () => {
    await deliver(whatsApp({ phone: "5531966002200", text: "promoção imperdível!!!" }));
    const sender = await senderWith("+5531966002200");
    const declined = await t.request("POST", `/api/v1/triage/${sender?.id}/decline`);
    expect(declined.statusCode).toBe(200);
    expect(declined.json()).toMatchObject({ sender: { status: "declined" } });

    await deliver(whatsApp({ phone: "5531966002200", text: "última chance" }));
    expect(await senderWith("+5531966002200")).toBeUndefined();
    expect(await senderWith("+5531966002200", "declined")).toMatchObject({ messageCount: 2 });
    expect(
      ((await t.request("GET", "/api/v1/leads?q=5531966002200")).json() as { items: unknown[] }).items,
    ).toEqual([]);

    // Undo: a declined sender can still be accepted.
    const accepted = await t.request("POST", `/api/v1/triage/${sender?.id}/accept`);
    expect(accepted.statusCode).toBe(200);
    const audit = (await t.request("GET", `/api/v1/triage/${sender?.id}/audit`)).json() as {
      items: { action: string }[];
    };
    expect(audit.items.map((entry) => entry.action)).toEqual(["decline", "accept"]);
  });

  it("remembers a PARAR for when the sender is accepted", async () => {
    await deliver(whatsApp({ phone: "5531955003300", text: "Olá", name: "Caio" }));
    await deliver(whatsApp({ phone: "5531955003300", text: "PARAR" }));
    await deliver(whatsApp({ phone: "5531955003300", text: "ok obrigado" }));
    const sender = await senderWith("+5531955003300");
    expect(sender?.optedOutAt).not.toBeNull();
    const { contactId } = (await t.request("POST", `/api/v1/triage/${sender?.id}/accept`)).json() as {
      contactId: string;
    };
    expect((await lead(contactId)).custom).toMatchObject({ optOut: { channel: "whatsapp" } });
  });

  it("batch decisions report a result per sender; viewers and other workspaces cannot decide", async () => {
    await deliver(whatsApp({ phone: "5531944004400", text: "a" }));
    await deliver(whatsApp({ phone: "5531944004411", text: "b" }));
    const ids = [(await senderWith("+5531944004400"))?.id, (await senderWith("+5531944004411"))?.id];

    const workspaceId = t.app.bootstrap.workspaceId;
    const member = await t.request("POST", `/api/v1/workspaces/${workspaceId}/members`, {
      body: { email: "viewer@triage.test", password: "long-enough-password", role: "viewer" },
    });
    expect(member.statusCode).toBe(201);
    const viewer = await t.login("viewer@triage.test", "long-enough-password");
    expect((await triage("pending", viewer)).counts.pending).toBeGreaterThanOrEqual(2);
    const forbidden = await t.request("POST", `/api/v1/triage/${ids[0]}/accept`, { token: viewer });
    expect(forbidden.statusCode).toBe(403);

    const other = await t.request("POST", "/api/v1/workspaces", { body: { name: "Outra agência" } });
    const otherToken = await t.login(undefined, undefined, (other.json() as { id: string }).id);
    expect((await t.request("GET", `/api/v1/triage/${ids[0]}`, { token: otherToken })).statusCode).toBe(404);
    const foreign = await t.request("POST", `/api/v1/triage/${ids[0]}/decline`, { token: otherToken });
    expect(foreign.statusCode).toBe(404);
    expect((await triage("pending", otherToken)).items).toEqual([]);

    const batch = await t.request("POST", "/api/v1/triage/decide", {
      body: { ids: [...ids, "00000000-0000-4000-8000-000000000000"], decision: "accept" },
    });
    expect(batch.statusCode).toBe(200);
    const { results } = batch.json() as { results: { id: string; ok: boolean; contactId?: string }[] };
    expect(results.map((result) => result.ok)).toEqual([true, true, false]);
    expect(new Set(results.slice(0, 2).map((result) => result.contactId)).size).toBe(2);

    const invalid = await t.request("POST", "/api/v1/triage/decide", {
      body: { ids: [], decision: "maybe" },
    });
    expect(invalid.statusCode).toBe(400);
  });

  it("is settled by the system when the person becomes known another way", async () => {
    await deliver(whatsApp({ phone: "5531933005500", text: "Vi o post de vocês" }));
    const sender = await senderWith("+5531933005500");
    // She fills a form with the same phone; her next message finds her.
    const created = await t.request("POST", "/api/v1/leads", {
      body: { name: "Dora Lima", phone: "+55 31 93300-5500", source: "typeform" },
    });
    const { id: contactId } = created.json() as { id: string };
    await deliver(whatsApp({ phone: "5531933005500", text: "Consegui me inscrever" }));

    const settled = await senderWith("+5531933005500", "accepted");
    expect(settled).toMatchObject({ id: sender?.id, contactId, decidedBy: { type: "system" } });
    expect((await interactions(contactId)).map((message) => message.text)).toEqual([
      "Consegui me inscrever",
      "Vi o post de vocês",
    ]);
  });
});

describe("an Instagram sender, known only by IGSID", () => {
  it("waits in triage, becomes a lead with that id, and is known from then on", async () => {
    await deliver(instagram({ igsid: "6543210987000001", text: "Oi! Vocês têm turma em janeiro?" }));
    const sender = await senderWith("6543210987000001");
    expect(sender).toMatchObject({ channel: "instagram", instagramId: "6543210987000001", phone: null });
    const { contactId } = (await t.request("POST", `/api/v1/triage/${sender?.id}/accept`)).json() as {
      contactId: string;
    };
    expect(await lead(contactId)).toMatchObject({
      instagramIds: ["6543210987000001"],
      sources: ["instagram"],
    });

    await deliver(instagram({ igsid: "6543210987000001", text: "Obrigada!" }));
    expect(await senderWith("6543210987000001")).toBeUndefined();
    const messages = await interactions(contactId);
    expect(messages.map((message) => [message.channel, message.text])).toEqual([
      ["instagram", "Obrigada!"],
      ["instagram", "Oi! Vocês têm turma em janeiro?"],
    ]);
  });
});

describe("a known contact writing on WhatsApp", () => {
  it("skips triage: a touch and a message on the lead", async () => {
    const created = await t.request("POST", "/api/v1/leads", {
      body: { name: "Eva Prado", phone: "+5531922006600", email: "eva@example.com" },
    });
    const { id } = created.json() as { id: string };
    await deliver(whatsApp({ phone: "5531922006600", text: "Bom dia!" }));
    expect(await senderWith("+5531922006600")).toBeUndefined();
    expect((await lead(id)).touches.map((touch) => touch.source).sort()).toEqual(["api", "whatsapp"]);
    expect((await interactions(id)).map((message) => message.text)).toEqual(["Bom dia!"]);
  });
});

describe("delivery statuses of our messages", () => {
  it("move forward only (sent → delivered → read), keep each time, and record failures", async () => {
    const created = await t.request("POST", "/api/v1/leads", {
      body: { name: "Fábio", phone: "+5531911007700" },
    });
    const { id: contactId } = created.json() as { id: string };
    const workspaceId = t.app.bootstrap.workspaceId;
    // What the sender (automation) records when WhatsApp accepts a message.
    const outgoing = (key: string, text: string) =>
      recordConversationFacts(t.app.deps, {
        workspaceId,
        connectionId: meta.id,
        eventId: "00000000-0000-4000-8000-00000000000a",
        contactId,
        facts: [
          {
            kind: "message",
            channel: "whatsapp",
            direction: "outbound",
            externalKey: `wa:${key}`,
            party: { kind: "phone", value: "+5531911007700" },
            messageType: "template",
            text,
            at: "2026-01-12T14:00:00.000Z",
            isOptOut: false,
          },
        ],
      });
    await outgoing("wamid.OUT1", "Bem-vindo ao Clube!");

    await deliver(
      statuses([{ id: "wamid.OUT1", status: "delivered", seconds: 1768226460, recipient: "5531911007700" }]),
    );
    await deliver(
      statuses([{ id: "wamid.OUT1", status: "read", seconds: 1768226520, recipient: "5531911007700" }]),
    );
    // "sent" arrives last (Meta does not promise order): the message stays read.
    await deliver(
      statuses([{ id: "wamid.OUT1", status: "sent", seconds: 1768226405, recipient: "5531911007700" }]),
    );
    // A status for a message not recorded yet (the send's answer is still on its way), then the record.
    await deliver(
      statuses([
        {
          id: "wamid.OUT2",
          status: "failed",
          seconds: 1768226600,
          recipient: "5531911007700",
          error: "Message undeliverable",
        },
      ]),
    );
    await outgoing("wamid.OUT2", "Seu acesso está pronto");

    const messages = await interactions(contactId);
    expect(
      messages.map(({ text, direction, status, statusAt, error, kind }) => ({
        text,
        direction,
        status,
        statusAt,
        error,
        kind,
      })),
    ).toEqual([
      {
        text: "Seu acesso está pronto",
        direction: "outbound",
        status: "failed",
        statusAt: "2026-01-12T14:03:20.000Z",
        error: "131026 Message undeliverable",
        kind: "template",
      },
      {
        text: "Bem-vindo ao Clube!",
        direction: "outbound",
        status: "read",
        statusAt: "2026-01-12T14:02:00.000Z",
        error: null,
        kind: "template",
      },
    ]);
    const row = await t.app.deps.db
      .withTables<import("./schemas.ts").ConversationTables>()
      .selectFrom("interactions")
      .select(["sent_at", "delivered_at", "read_at"])
      .where("external_key", "=", "wa:wamid.OUT1")
      .executeTakeFirstOrThrow();
    expect([row.sent_at, row.delivered_at, row.read_at].map((at) => at?.toISOString())).toEqual([
      "2026-01-12T14:00:05.000Z",
      "2026-01-12T14:01:00.000Z",
      "2026-01-12T14:02:00.000Z",
    ]);
  });
});
