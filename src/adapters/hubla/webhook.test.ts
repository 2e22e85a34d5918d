import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LeadInputSchema } from "../../contacts/schemas.ts";
import { SourceFactsSchema } from "../../students/schemas.ts";
import { HublaConfigSchema } from "./schemas.ts";
import { decodeHubla, hublaFacts, hublaSource, verifyHubla } from "./webhook.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/webhooks/hubla/${name}.json`, import.meta.url));
const PAID = fixture("invoice-payment-succeeded");
const REFUNDED = fixture("invoice-refunded");
const MEMBER = fixture("customer-member-added");
const TOKEN = "test_hubla_token_4k8p1z";
const INVOICE = "inv_5e8b2d71-4c9a-4f3e-8a16-9b0d3c7e2f45";
const json = (bytes: Buffer) => JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
const verify = (rawBody: Uint8Array, headers: Record<string, string | string[]>, token = TOKEN) =>
  verifyHubla({ rawBody, headers, config: { token } });

describe("hubla config", () => {
  it("needs a token and nothing else", () => {
    expect(HublaConfigSchema.safeParse({ token: TOKEN }).success).toBe(true);
    expect(HublaConfigSchema.safeParse({}).success).toBe(false);
    expect(HublaConfigSchema.safeParse({ token: TOKEN, hottok: "x" }).success).toBe(false);
  });
});

describe("hubla verify", () => {
  it("accepts the x-hubla-token header, keyed by x-hubla-idempotency", () => {
    expect(verify(PAID, { "x-hubla-token": TOKEN, "x-hubla-idempotency": "idem-paid-1" })).toEqual({
      ok: true,
      idempotencyKey: "idem-paid-1",
    });
  });

  it("keys a delivery without the idempotency header by the body's sha256", () => {
    expect(verify(PAID, { "x-hubla-token": TOKEN })).toEqual({
      ok: true,
      idempotencyKey: `sha256:${createHash("sha256").update(PAID).digest("hex")}`,
    });
  });

  it("accepts any body with the right token (no body signature), refuses a wrong, missing or empty token", () => {
    const tampered = Buffer.from(PAID.toString("utf8").replace("119700", "1"));
    expect(verify(tampered, { "x-hubla-token": TOKEN })).toMatchObject({ ok: true });
    expect(verify(PAID, { "x-hubla-token": "test_hubla_token_4k8p1y" })).toEqual({ ok: false });
    expect(verify(PAID, { "x-hubla-token": "" })).toEqual({ ok: false });
    expect(verify(PAID, {})).toEqual({ ok: false });
    expect(verify(PAID, { "x-hubla-token": [TOKEN, TOKEN] })).toEqual({ ok: false });
    expect(verify(PAID, { "x-hubla-token": "" }, "")).toEqual({ ok: false });
    expect(
      hublaSource.verify({
        rawBody: PAID,
        headers: { "x-hubla-token": TOKEN },
        query: {},
        config: {},
        now: new Date(),
      }),
    ).toEqual({ ok: false });
  });
});

describe("hubla decode", () => {
  it("reads name, e-mail, phone and UTMs, never the document or address", () => {
    const lead = decodeHubla(json(PAID));
    expect(LeadInputSchema.parse(lead)).toEqual({
      name: "Beatriz Moreira Campos",
      email: "beatriz.campos@example.com",
      phone: "+5531988112233",
      utm_source: "facebook",
      utm_medium: "cpc",
      utm_campaign: "mentoria-casamento-2026",
      source: "hubla",
      custom: {
        hubla: {
          event: "invoice.payment_succeeded",
          product: "Mentoria Fotografia de Casamento",
          utm_content: "carrossel-antes-depois",
        },
      },
    });
    const text = JSON.stringify(lead);
    for (const secret of ["84617359020", "30130005", "Afonso Pena", "189.40.77.12"])
      expect(text).not.toContain(secret);
  });

  it("reads the person of a member_added event", () => {
    expect(LeadInputSchema.parse(decodeHubla(json(MEMBER)))).toEqual({
      name: "Beatriz Moreira Campos",
      email: "beatriz.campos@example.com",
      phone: "+5531988112233",
      source: "hubla",
      custom: { hubla: { event: "customer.member_added", product: "Mentoria Fotografia de Casamento" } },
    });
  });
});

describe("hubla facts", () => {
  const product = { externalId: "7Hn2QpR4sT6vW8xY0zA1", name: "Mentoria Fotografia de Casamento" };

  it("maps a paid invoice, cents as value", () => {
    expect(SourceFactsSchema.parse(hublaFacts(json(PAID)))).toEqual({
      kind: "purchase",
      transaction: INVOICE,
      status: "approved",
      event: "invoice.payment_succeeded",
      occurredAt: new Date("2026-01-16T13:07:48.915Z"),
      product,
      offerCode: "of_3Kd9Lm2Np5Qr",
      price: { value: 1197, currency: "BRL" },
      paymentType: "pix",
      approvedAt: new Date("2026-01-16T13:07:48.915Z"),
      vendorStatus: "paid",
    });
  });

  it("maps a refund at its refund date", () => {
    expect(hublaFacts(json(REFUNDED))).toMatchObject({
      transaction: INVOICE,
      status: "refunded",
      event: "invoice.refunded",
      occurredAt: new Date("2026-01-22T18:30:02.117Z"),
      vendorStatus: "refunded",
    });
  });

  it("maps the other invoice events, and gives no purchase for member_added", () => {
    const base = json(PAID);
    const statusOf = (type: string, status?: string) => {
      const event = base.event as { invoice: Record<string, unknown> };
      const body = { ...base, type, event: { ...event, invoice: { ...event.invoice, status } } };
      const facts = hublaFacts(body);
      return facts?.kind === "purchase" ? facts.status : undefined;
    };
    expect(statusOf("invoice.payment_failed", "unpaid")).toBe("canceled");
    expect(statusOf("invoice.expired", "expired")).toBe("expired");
    expect(statusOf("invoice.created", "unpaid")).toBe("billet_printed");
    expect(statusOf("invoice.status_updated", "paid")).toBe("approved");
    expect(statusOf("invoice.status_updated", "draft")).toBeNull();
    expect(hublaFacts(json(MEMBER))).toBeNull();
    expect(hublaFacts({ ...base, type: "subscription.activated" })).toBeNull();
  });
});
