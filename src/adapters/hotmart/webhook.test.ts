import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LeadInputSchema } from "../../contacts/schemas.ts";
import { SourceFactsSchema } from "../../students/schemas.ts";
import { HotmartConfigSchema } from "./schemas.ts";
import { buyerPhone, decodeHotmart, hotmartFacts, hotmartSource, verifyHotmart } from "./webhook.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/webhooks/hotmart/${name}.json`, import.meta.url));
const APPROVED = fixture("purchase-approved");
const REFUNDED = fixture("purchase-refunded");
const MODULE = fixture("club-module-completed");
// WIRE-FORMATS §2.0: a static token, no body signature.
const HOTTOK = "test_hottok_ab12cd34";
const config = { hottok: HOTTOK };
const json = (bytes: Buffer) => JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
const verify = (rawBody: Uint8Array, headers: Record<string, string | string[]>, hottok = HOTTOK) =>
  verifyHotmart({ rawBody, headers, config: { hottok } });

describe("hotmart verify", () => {
  it("accepts the §2.0 hottok header, keyed by the envelope id", () => {
    expect(verify(APPROVED, { "x-hotmart-hottok": HOTTOK })).toEqual({
      ok: true,
      idempotencyKey: "3f6c2a9e-8b1d-4c7e-9a52-71d0e4b6c913",
    });
    expect(verify(REFUNDED, { "x-hotmart-hottok": HOTTOK })).toEqual({
      ok: true,
      idempotencyKey: "b81e07d4-5c2a-4f39-a6e8-0d93c1f7e254",
    });
  });

  it("refuses a wrong, missing, repeated or empty token", () => {
    expect(verify(APPROVED, { "x-hotmart-hottok": "test_hottok_ab12cd35" })).toEqual({ ok: false });
    expect(verify(APPROVED, { "x-hotmart-hottok": "" })).toEqual({ ok: false });
    expect(verify(APPROVED, {})).toEqual({ ok: false });
    expect(verify(APPROVED, { "x-hotmart-hottok": [HOTTOK, HOTTOK] })).toEqual({ ok: false });
    expect(verify(APPROVED, { "x-hotmart-hottok": HOTTOK }, "")).toEqual({ ok: false });
    expect(
      hotmartSource.verify({ rawBody: APPROVED, headers: {}, query: {}, config: {}, now: new Date() }),
    ).toEqual({
      ok: false,
    });
  });

  it("falls back to body.hottok only when the header is absent", () => {
    const withToken = (hottok: string) => Buffer.from(JSON.stringify({ ...json(MODULE), hottok }));
    expect(verify(withToken(HOTTOK), {})).toEqual({
      ok: true,
      idempotencyKey: "e4a19c57-2d3f-4b86-91c0-5f7a8e2b6d31",
    });
    expect(verify(withToken("nope"), {})).toEqual({ ok: false });
    // A header that is present but wrong is not rescued by the body.
    expect(verify(withToken(HOTTOK), { "x-hotmart-hottok": "nope" })).toEqual({ ok: false });
    expect(verify(Buffer.from("not json"), {})).toEqual({ ok: false });
  });

  it("keys an event without id by event and transaction, else by the body's hash", () => {
    const { id: _id, ...rest } = json(APPROVED);
    expect(verify(Buffer.from(JSON.stringify(rest)), { "x-hotmart-hottok": HOTTOK })).toEqual({
      ok: true,
      idempotencyKey: "PURCHASE_APPROVED:HP2604115839217",
    });
    expect(verify(Buffer.from("not json"), { "x-hotmart-hottok": HOTTOK })).toMatchObject({
      ok: true,
      idempotencyKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
  });
});

describe("hotmart config", () => {
  it("requires a hottok and refuses unknown keys", () => {
    expect(HotmartConfigSchema.safeParse({}).success).toBe(false);
    expect(HotmartConfigSchema.safeParse({ hottok: HOTTOK, secret: "x" }).success).toBe(false);
    expect(HotmartConfigSchema.safeParse({ hottok: HOTTOK, keepDocuments: true }).success).toBe(true);
  });
});

describe("hotmart decode", () => {
  it("turns each fixture into lead fields, without document or address", () => {
    const approved = decodeHotmart(json(APPROVED), config);
    expect(approved).toEqual({
      name: "Marina Tavares Lopes",
      email: "marina.tavares@example.com",
      phone: "11987654321",
      source: "hotmart",
      custom: { hotmart: { event: "PURCHASE_APPROVED", product: "Clube Lumina de Fotografia" } },
    });
    expect(JSON.stringify(approved)).not.toContain("52998224725");
    expect(JSON.stringify(approved)).not.toContain("Acácias");
    expect(LeadInputSchema.safeParse(approved).success).toBe(true);

    const refunded = decodeHotmart(json(REFUNDED), config);
    expect(refunded).toMatchObject({ name: "João Pedro Pereira", phone: "21991234567", source: "hotmart" });
    expect(JSON.stringify(refunded)).not.toContain("39053344705");
    expect(LeadInputSchema.safeParse(refunded).success).toBe(true);

    const club = decodeHotmart(json(MODULE), config);
    expect(club).toEqual({
      name: "Marina Tavares Lopes",
      email: "marina.tavares@example.com",
      source: "hotmart",
      custom: { hotmart: { event: "CLUB_MODULE_COMPLETED", product: "Clube Lumina de Fotografia" } },
    });
  });

  it("keeps the document and the address when the connection asks for them", () => {
    const lead = decodeHotmart(json(APPROVED), { hottok: HOTTOK, keepDocuments: true });
    expect(lead).toMatchObject({
      city: "Campinas",
      custom: { document: { type: "CPF", number: "52998224725" }, address: { zipcode: "13025000" } },
    });
    expect(LeadInputSchema.safeParse(lead).success).toBe(true);
  });

  it("reads the cart-abandonment phone and the club's camelCase creationDate", () => {
    const cart = {
      id: "c1",
      creation_date: 1768000000000,
      event: "PURCHASE_OUT_OF_SHOPPING_CART",
      data: {
        buyer: { name: "Ana", email: "ana@example.com", phone: "+55 (31) 98877-6655" },
        product: { id: 9 },
      },
    };
    expect(decodeHotmart(cart, config)).toMatchObject({ phone: "+5531988776655" });
    const cancellation = {
      id: "s1",
      creation_date: 1768000000000,
      event: "SUBSCRIPTION_CANCELLATION",
      data: {
        subscriber: { name: "Ana", email: "ana@example.com", phone: { dddCell: "31", cell: "988776655" } },
        product: { id: 9, name: "Curso" },
      },
    };
    expect(decodeHotmart(cancellation, config)).toMatchObject({ name: "Ana", phone: "31988776655" });
    expect(hotmartFacts(cancellation)).toMatchObject({ kind: "purchase", status: null, transaction: null });
    const firstAccess = {
      id: "f1",
      creationDate: 1768000000000,
      event: "CLUB_FIRST_ACCESS",
      version: "2.0.0",
      data: {
        product: { id: "00000", name: "Produto test" },
        user: { name: "Ana", email: "ana@example.com" },
      },
    };
    expect(hotmartFacts(firstAccess)).toEqual({
      kind: "club",
      event: "first_access",
      occurredAt: new Date(1768000000000),
      product: { externalId: "00000", name: "Produto test" },
      module: null,
      origin: "hotmart_email",
    });
  });

  it("joins checkout_phone_code when it looks like a DDD or country code", () => {
    expect(buyerPhone("11987654321", "11")).toBe("11987654321");
    expect(buyerPhone("987654321", "11")).toBe("11987654321");
    expect(buyerPhone("11987654321", "55")).toBe("+5511987654321");
    expect(buyerPhone("99999999900", "999999999")).toBe("99999999900");
    expect(buyerPhone("4155550100", "1")).toBe("+14155550100");
    expect(buyerPhone(undefined, "11")).toBeUndefined();
  });

  it("refuses a payload without the envelope", () => {
    expect(() => decodeHotmart({ data: {} }, config)).toThrow();
  });
});

describe("hotmart facts", () => {
  it("reads the purchase facts of the fixtures", () => {
    expect(hotmartFacts(json(APPROVED))).toEqual({
      kind: "purchase",
      transaction: "HP2604115839217",
      status: "approved",
      event: "PURCHASE_APPROVED",
      occurredAt: new Date(1767789123456),
      product: { externalId: "5123487", name: "Clube Lumina de Fotografia" },
      offerCode: "k3x9p2qa",
      price: { value: 497, currency: "BRL" },
      paymentType: "CREDIT_CARD",
      approvedAt: new Date(1767789120000),
      vendorStatus: "APPROVED",
    });
    expect(hotmartFacts(json(REFUNDED))).toMatchObject({
      transaction: "HP2604119904455",
      status: "refunded",
      paymentType: "PIX",
      offerCode: "m8v1t6rc",
    });
    const module = hotmartFacts(json(MODULE));
    expect(module).toMatchObject({
      kind: "club",
      event: "module_completed",
      product: { externalId: "5123487" },
      module: { id: "Rk2vP9wQ", name: "Módulo 3 - Luz natural e contraluz" },
    });
    for (const facts of [hotmartFacts(json(APPROVED)), module]) {
      expect(SourceFactsSchema.safeParse(facts).success).toBe(true);
    }
  });

  it("maps both CANCELED spellings, DISPUTE, subscriptions and cart abandonment", () => {
    const event = (name: string, status?: string) => {
      const body = json(APPROVED) as { event: string; data: { purchase: { status?: string } } };
      body.event = name;
      if (status) body.data.purchase.status = status;
      return hotmartFacts(body);
    };
    expect(event("PURCHASE_CANCELED", "CANCELED")).toMatchObject({ status: "canceled" });
    expect(event("PURCHASE_SOMETHING_NEW", "CANCELLED")).toMatchObject({ status: "canceled" });
    expect(event("PURCHASE_PROTEST", "DISPUTE")).toMatchObject({
      status: "protest",
      vendorStatus: "DISPUTE",
    });
    expect(event("PURCHASE_BILLET_PRINTED")).toMatchObject({ status: "billet_printed" });
    expect(event("PURCHASE_OUT_OF_SHOPPING_CART")).toMatchObject({ status: "abandoned" });
    expect(event("SUBSCRIPTION_CANCELLATION")).toMatchObject({ kind: "purchase", status: null });
    expect(event("ORDER_FULFILLMENT")).toBeNull();
  });
});
