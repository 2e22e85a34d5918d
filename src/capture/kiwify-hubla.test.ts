import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import type { ContactDetailView } from "../contacts/get-contact.ts";
import type { ProductView, PurchaseView } from "../students/schemas.ts";
import type { EventView } from "./list-events.ts";

const fixture = (vendor: string, name: string) =>
  readFileSync(new URL(`../../fixtures/webhooks/${vendor}/${name}.json`, import.meta.url));
const KIWIFY_APPROVED = fixture("kiwify", "order-approved");
const KIWIFY_REFUNDED = fixture("kiwify", "order-refunded");
const KIWIFY_PIX = fixture("kiwify", "pix-created");
const HUBLA_PAID = fixture("hubla", "invoice-payment-succeeded");
const HUBLA_REFUNDED = fixture("hubla", "invoice-refunded");
const HUBLA_MEMBER = fixture("hubla", "customer-member-added");
const KIWIFY_TOKEN = "test_kiwify_token_7q2m9x";
const HUBLA_TOKEN = "test_hubla_token_4k8p1z";
const KIWIFY_ORDER = "8a3f2c1e-5b7d-4e9a-b1c6-2d4f6a8e0c13";
const HUBLA_INVOICE = "inv_5e8b2d71-4c9a-4f3e-8a16-9b0d3c7e2f45";

type Connection = { id: string; webhookUrl: string };

let t: TestApp;
let kiwify: Connection;
let hubla: Connection;

async function connect(type: string, name: string, token: string): Promise<Connection> {
  const response = await t.request("POST", "/api/v1/connections", {
    body: { type, name, config: { token } },
  });
  expect(response.statusCode).toBe(201);
  expect(response.body).not.toContain(token);
  return response.json() as Connection;
}

beforeAll(async () => {
  t = await createTestApp();
  kiwify = await connect("kiwify", "Kiwify Lumina", KIWIFY_TOKEN);
  hubla = await connect("hubla", "Hubla Lumina", HUBLA_TOKEN);
});
afterAll(async () => {
  await t.close();
});

const kiwifySignature = (body: Buffer | string, token = KIWIFY_TOKEN) =>
  createHmac("sha1", token).update(body).digest("hex");

function deliverKiwify(body: Buffer | string, signature: string | null = kiwifySignature(body)) {
  const url = signature === null ? kiwify.webhookUrl : `${kiwify.webhookUrl}?signature=${signature}`;
  return t.request("POST", url, {
    token: null,
    rawBody: body,
    headers: { "content-type": "application/json" },
  });
}

function deliverHubla(body: Buffer | string, idempotency: string | null, token: string | null = HUBLA_TOKEN) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers["x-hubla-token"] = token;
  if (idempotency !== null) headers["x-hubla-idempotency"] = idempotency;
  return t.request("POST", hubla.webhookUrl, { token: null, rawBody: body, headers });
}

async function events(connectionId: string) {
  const response = await t.request("GET", `/api/v1/events?connectionId=${connectionId}&limit=200`);
  return (response.json() as { items: EventView[] }).items;
}

async function purchase(transaction: string) {
  const response = await t.request("GET", `/api/v1/purchases?transaction=${transaction}`);
  const { items } = response.json() as { items: PurchaseView[] };
  expect(items).toHaveLength(1);
  return items[0] as PurchaseView;
}

async function product(externalId: string) {
  const { items } = (await t.request("GET", "/api/v1/products")).json() as { items: ProductView[] };
  return items.find((item) => item.externalId === externalId);
}

async function lead(contactId: string) {
  return (await t.request("GET", `/api/v1/leads/${contactId}`)).json() as ContactDetailView;
}

describe("kiwify and hubla connections", () => {
  it("require a token", async () => {
    for (const type of ["kiwify", "hubla"]) {
      const response = await t.request("POST", "/api/v1/connections", {
        body: { type, name: "Sem token", config: {} },
      });
      expect(response.statusCode).toBe(400);
      expect((response.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("body.config.token");
    }
  });
});

describe("kiwify deliveries", () => {
  it("refuses a wrong, tampered or missing signature with 401 and stores nothing", async () => {
    expect((await deliverKiwify(KIWIFY_APPROVED, kiwifySignature(KIWIFY_APPROVED, "wrong"))).statusCode).toBe(
      401,
    );
    const tampered = KIWIFY_APPROVED.toString("utf8").replace("49700", "100");
    expect((await deliverKiwify(tampered, kiwifySignature(KIWIFY_APPROVED))).statusCode).toBe(401);
    expect((await deliverKiwify(KIWIFY_APPROVED, null)).statusCode).toBe(401);
    expect(await events(kiwify.id)).toEqual([]);
  });

  it("stores the approval (202), answers a repeat once with 200, then records the buyer and the purchase", async () => {
    const first = await deliverKiwify(KIWIFY_APPROVED);
    expect(first.statusCode).toBe(202);
    const { eventId } = first.json() as { eventId: string };
    const again = await deliverKiwify(KIWIFY_APPROVED);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: "duplicate", eventId });
    const stored = await t.app.deps.db
      .selectFrom("inbox_events")
      .select(["idempotency_key", "source"])
      .where("id", "=", eventId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ idempotency_key: `${KIWIFY_ORDER}:order_approved`, source: "kiwify" });

    await t.drain();
    const [event] = await events(kiwify.id);
    expect(event).toMatchObject({ status: "processed", error: null, source: "kiwify" });
    const contactId = event?.contactId as string;
    const juliana = await lead(contactId);
    expect(juliana).toMatchObject({
      name: "Juliana Prado Ramos",
      email: "juliana.prado@example.com",
      sources: ["kiwify"],
    });
    expect(juliana.phone).toContain("21987651234");
    const text = JSON.stringify(juliana);
    expect(text).not.toContain("39053344705");
    expect(text).not.toContain("22240003");

    const course = await product("c4e1a7b2-9d3f-4a68-8e5b-1f2a3c4d5e6f");
    expect(course).toMatchObject({ name: "Curso Luz Natural para Retratos" });
    expect(await purchase(KIWIFY_ORDER)).toEqual({
      id: expect.any(String),
      transaction: KIWIFY_ORDER,
      status: "approved",
      productId: course?.id,
      contactId,
    });

    expect((await deliverKiwify(KIWIFY_REFUNDED)).statusCode).toBe(202);
    expect((await deliverKiwify(KIWIFY_PIX)).statusCode).toBe(202);
    await t.drain();
    expect((await purchase(KIWIFY_ORDER)).status).toBe("refunded");
    expect((await purchase("1d9e4b7a-3c2f-4e81-a6d5-8b0c2e4f6a79")).status).toBe("billet_printed");
  });

  it("ends refunded when the refund arrives before the approval", async () => {
    const as = (base: Buffer, orderId: string) => base.toString("utf8").replaceAll(KIWIFY_ORDER, orderId);
    expect((await deliverKiwify(as(KIWIFY_REFUNDED, "kiwify-late-approval"))).statusCode).toBe(202);
    await t.drain();
    expect((await purchase("kiwify-late-approval")).status).toBe("refunded");
    expect((await deliverKiwify(as(KIWIFY_APPROVED, "kiwify-late-approval"))).statusCode).toBe(202);
    await t.drain();
    expect((await purchase("kiwify-late-approval")).status).toBe("refunded");
    for (const event of await events(kiwify.id))
      expect(event).toMatchObject({ status: "processed", error: null });
  });
});

describe("hubla deliveries", () => {
  it("refuses a wrong or missing token with 401 and stores nothing", async () => {
    expect((await deliverHubla(HUBLA_PAID, "h-1", "test_hubla_token_wrong0")).statusCode).toBe(401);
    expect((await deliverHubla(HUBLA_PAID, "h-1", null)).statusCode).toBe(401);
    expect(await events(hubla.id)).toEqual([]);
  });

  it("stores the payment (202), answers a repeat once with 200, then records the buyer and the purchase", async () => {
    const first = await deliverHubla(HUBLA_PAID, "h-paid-1");
    expect(first.statusCode).toBe(202);
    const { eventId } = first.json() as { eventId: string };
    const again = await deliverHubla(HUBLA_PAID, "h-paid-1");
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: "duplicate", eventId });

    await t.drain();
    const [event] = await events(hubla.id);
    expect(event).toMatchObject({ status: "processed", error: null, source: "hubla" });
    const contactId = event?.contactId as string;
    const beatriz = await lead(contactId);
    expect(beatriz).toMatchObject({
      name: "Beatriz Moreira Campos",
      email: "beatriz.campos@example.com",
      sources: ["hubla"],
    });
    expect(beatriz.phone).toContain("31988112233");
    const text = JSON.stringify(beatriz);
    expect(text).not.toContain("84617359020");
    expect(text).not.toContain("30130005");

    const mentoria = await product("7Hn2QpR4sT6vW8xY0zA1");
    expect(mentoria).toMatchObject({ name: "Mentoria Fotografia de Casamento" });
    expect(await purchase(HUBLA_INVOICE)).toEqual({
      id: expect.any(String),
      transaction: HUBLA_INVOICE,
      status: "approved",
      productId: mentoria?.id,
      contactId,
    });

    // Access granted: the same person, no new purchase.
    expect((await deliverHubla(HUBLA_MEMBER, "h-member-1")).statusCode).toBe(202);
    await t.drain();
    const listed = await events(hubla.id);
    expect(listed).toHaveLength(2);
    for (const item of listed) expect(item).toMatchObject({ status: "processed", error: null, contactId });
    const { items } = (await t.request("GET", `/api/v1/purchases?contactId=${contactId}`)).json() as {
      items: PurchaseView[];
    };
    expect(items.map((item) => item.transaction)).toEqual([HUBLA_INVOICE]);
  });

  it("ends refunded when the refund arrives before the payment", async () => {
    const as = (base: Buffer) => base.toString("utf8").replaceAll(HUBLA_INVOICE, "inv_out_of_order");
    expect((await deliverHubla(as(HUBLA_REFUNDED), "h-refund-2")).statusCode).toBe(202);
    await t.drain();
    expect((await deliverHubla(as(HUBLA_PAID), "h-paid-2")).statusCode).toBe(202);
    await t.drain();
    expect((await purchase("inv_out_of_order")).status).toBe("refunded");
    // Without the idempotency header, the same body is still stored once.
    expect((await deliverHubla(as(HUBLA_PAID), null)).statusCode).toBe(202);
    expect((await deliverHubla(as(HUBLA_PAID), null)).statusCode).toBe(200);
    await t.drain();
    expect((await purchase("inv_out_of_order")).status).toBe("refunded");
  });
});
