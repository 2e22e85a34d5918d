import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LeadInputSchema } from "../../contacts/schemas.ts";
import { SourceFactsSchema } from "../../students/schemas.ts";
import { KiwifyConfigSchema } from "./schemas.ts";
import { decodeKiwify, kiwifyFacts, kiwifySource, verifyKiwify } from "./webhook.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/webhooks/kiwify/${name}.json`, import.meta.url));
const APPROVED = fixture("order-approved");
const REFUNDED = fixture("order-refunded");
const PIX = fixture("pix-created");
const TOKEN = "test_kiwify_token_7q2m9x";
const ORDER = "8a3f2c1e-5b7d-4e9a-b1c6-2d4f6a8e0c13";
const sign = (body: Uint8Array | string, token = TOKEN) =>
  createHmac("sha1", token).update(body).digest("hex");
const json = (bytes: Buffer) => JSON.parse(bytes.toString("utf8")) as unknown;
const verify = (rawBody: Uint8Array, query: Record<string, string>, token = TOKEN) =>
  verifyKiwify({ rawBody, query, config: { token } });

describe("kiwify config", () => {
  it("needs a token and nothing else", () => {
    expect(KiwifyConfigSchema.safeParse({ token: TOKEN }).success).toBe(true);
    expect(KiwifyConfigSchema.safeParse({}).success).toBe(false);
    expect(KiwifyConfigSchema.safeParse({ token: "" }).success).toBe(false);
    expect(KiwifyConfigSchema.safeParse({ token: TOKEN, extra: 1 }).success).toBe(false);
  });
});

describe("kiwify verify", () => {
  it("accepts the hex HMAC-SHA1 of the raw body, keyed by order and event", () => {
    expect(verify(APPROVED, { signature: sign(APPROVED) })).toEqual({
      ok: true,
      idempotencyKey: `${ORDER}:order_approved`,
    });
    expect(verify(REFUNDED, { signature: sign(REFUNDED).toUpperCase() })).toEqual({
      ok: true,
      idempotencyKey: `${ORDER}:order_refunded`,
    });
  });

  it("refuses a tampered body, a wrong token, a missing signature or an empty token", () => {
    const tampered = Buffer.from(APPROVED.toString("utf8").replace("49700", "4970"));
    expect(verify(tampered, { signature: sign(APPROVED) })).toEqual({ ok: false });
    expect(verify(APPROVED, { signature: sign(APPROVED, "another_token") })).toEqual({ ok: false });
    expect(verify(APPROVED, {})).toEqual({ ok: false });
    expect(verify(APPROVED, { signature: "" })).toEqual({ ok: false });
    expect(verify(APPROVED, { signature: sign(APPROVED, "") }, "")).toEqual({ ok: false });
    expect(
      kiwifySource.verify({
        rawBody: APPROVED,
        headers: {},
        query: { signature: sign(APPROVED) },
        config: {},
        now: new Date(),
      }),
    ).toEqual({ ok: false });
  });

  it("keys a body without an order by its hash", () => {
    const cart = Buffer.from(JSON.stringify({ id: "cart-1", email: "a@example.com", status: "abandoned" }));
    const result = verify(cart, { signature: sign(cart) });
    expect(result).toMatchObject({
      ok: true,
      idempotencyKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
  });
});

describe("kiwify decode", () => {
  it("reads name, e-mail, phone, Instagram and UTMs, never the CPF or address", () => {
    const lead = decodeKiwify(json(APPROVED));
    expect(LeadInputSchema.parse(lead)).toEqual({
      name: "Juliana Prado Ramos",
      email: "juliana.prado@example.com",
      phone: "+5521987651234",
      instagram: "@ju.prado.foto",
      utm_source: "instagram",
      utm_medium: "stories",
      utm_campaign: "retratos-janeiro",
      source: "kiwify",
      custom: {
        kiwify: {
          event: "order_approved",
          product: "Curso Luz Natural para Retratos",
          utm_content: "video-depoimento",
          src: "bio",
        },
      },
    });
    const text = JSON.stringify(lead);
    for (const secret of ["39053344705", "22240003", "Laranjeiras", "177.92.14.203"])
      expect(text).not.toContain(secret);
  });

  it("reads a pix order without tracking", () => {
    expect(LeadInputSchema.parse(decodeKiwify(json(PIX)))).toEqual({
      name: "Rafael Nunes Teixeira",
      email: "rafael.teixeira@example.com",
      phone: "+5531991234567",
      source: "kiwify",
      custom: { kiwify: { event: "pix_created", product: "Curso Luz Natural para Retratos" } },
    });
  });

  it("reads a flat cart abandonment", () => {
    const cart = {
      id: "c1",
      name: "Ana",
      email: "ana@example.com",
      phone: "21999990000",
      product_id: "p1",
      product_name: "Curso",
      status: "abandoned",
      created_at: "2026-01-10 09:00",
    };
    expect(LeadInputSchema.parse(decodeKiwify(cart))).toMatchObject({
      name: "Ana",
      email: "ana@example.com",
      phone: "21999990000",
      source: "kiwify",
    });
    expect(kiwifyFacts(cart)).toMatchObject({
      kind: "purchase",
      transaction: null,
      status: "abandoned",
      event: "carrinho_abandonado",
      occurredAt: new Date("2026-01-10T12:00:00.000Z"),
      product: { externalId: "p1", name: "Curso" },
    });
  });
});

describe("kiwify facts", () => {
  const product = {
    externalId: "c4e1a7b2-9d3f-4a68-8e5b-1f2a3c4d5e6f",
    name: "Curso Luz Natural para Retratos",
  };

  it("maps an approval, with cents as value and Brasília dates", () => {
    const facts = kiwifyFacts(json(APPROVED));
    expect(SourceFactsSchema.parse(facts)).toEqual({
      kind: "purchase",
      transaction: ORDER,
      status: "approved",
      event: "order_approved",
      occurredAt: new Date("2026-01-14T13:23:00.000Z"),
      product,
      offerCode: null,
      price: { value: 497, currency: "BRL" },
      paymentType: "credit_card",
      approvedAt: new Date("2026-01-14T13:23:00.000Z"),
      vendorStatus: "paid",
    });
  });

  it("maps a refund at its refund date, and a pix charge as billet_printed", () => {
    expect(kiwifyFacts(json(REFUNDED))).toMatchObject({
      transaction: ORDER,
      status: "refunded",
      occurredAt: new Date("2026-01-20T19:41:00.000Z"),
      vendorStatus: "refunded",
    });
    expect(kiwifyFacts(json(PIX))).toMatchObject({
      transaction: "1d9e4b7a-3c2f-4e81-a6d5-8b0c2e4f6a79",
      status: "billet_printed",
      approvedAt: null,
      paymentType: "pix",
    });
  });

  it("maps the other events and statuses", () => {
    const base = json(APPROVED) as Record<string, unknown>;
    const statusOf = (changes: Record<string, unknown>) => {
      const facts = kiwifyFacts({ ...base, ...changes });
      return facts?.kind === "purchase" ? facts.status : undefined;
    };
    expect(statusOf({ webhook_event_type: "chargeback", order_status: "chargedback" })).toBe("chargeback");
    expect(statusOf({ webhook_event_type: "billet_created", order_status: "waiting_payment" })).toBe(
      "billet_printed",
    );
    expect(statusOf({ webhook_event_type: "order_rejected", order_status: "refused" })).toBe("canceled");
    expect(statusOf({ webhook_event_type: "something_new", order_status: "refused" })).toBe("canceled");
    expect(statusOf({ webhook_event_type: "something_new", order_status: "paid" })).toBe("approved");
    expect(statusOf({ webhook_event_type: "subscription_renewed", order_status: "mystery" })).toBeNull();
    expect(kiwifyFacts({ ...base, Product: null })).toBeNull();
  });
});
