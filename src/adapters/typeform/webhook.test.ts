import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LeadInputSchema } from "../../contacts/schemas.ts";
import { TypeformConfigSchema } from "./schemas.ts";
import { classifyAcquisition, decodeTypeform, typeformSource, verifyTypeform } from "./webhook.ts";

// WIRE-FORMATS §2.0: the test vector over the exact bytes of the fixture file.
const FIXTURE = readFileSync(
  new URL("../../../fixtures/webhooks/typeform/form-response.json", import.meta.url),
);
const SECRET = "tf_test_secret_9f2c";
const VECTOR = "sha256=bW+cVTJj14XlfN+Ub5+zeiULpZILEu3Xla+bz96pUHQ=";
const TOKEN = "7c1e9b2f0a4d8e63c5b7a9d1f2e4c6a8";
const config = { secret: SECRET };

const sign = (body: Uint8Array | string, secret = SECRET) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("base64")}`;
const verify = (rawBody: Uint8Array, headers: Record<string, string>, secret = SECRET) =>
  verifyTypeform({ rawBody, headers, config: { secret } });
const fixtureBody = () => JSON.parse(FIXTURE.toString("utf8")) as { form_response: Record<string, unknown> };

/** The fixture with other hidden fields (and optionally other answers). */
function withHidden(hidden: Record<string, string>, answers?: unknown[]) {
  const body = fixtureBody();
  body.form_response.hidden = hidden;
  if (answers) body.form_response.answers = answers;
  return body;
}

describe("typeform verify", () => {
  it("accepts the §2.0 test vector for the fixture, keyed by form_response.token", () => {
    expect(sign(FIXTURE)).toBe(VECTOR);
    expect(verify(FIXTURE, { "typeform-signature": VECTOR })).toEqual({ ok: true, idempotencyKey: TOKEN });
  });

  it("refuses a flipped byte, a missing or malformed header, another secret", () => {
    const flipped = Buffer.from(FIXTURE);
    flipped[100] = (flipped[100] as number) ^ 0x01;
    expect(verify(flipped, { "typeform-signature": VECTOR })).toEqual({ ok: false });
    expect(verify(FIXTURE, {})).toEqual({ ok: false });
    expect(verify(FIXTURE, { "typeform-signature": VECTOR.slice("sha256=".length) })).toEqual({ ok: false });
    expect(verify(FIXTURE, { "typeform-signature": "sha256=" })).toEqual({ ok: false });
    expect(verify(FIXTURE, { "typeform-signature": VECTOR }, "another_secret")).toEqual({ ok: false });
    expect(verify(FIXTURE, { "typeform-signature": VECTOR }, "")).toEqual({ ok: false });
    expect(
      typeformSource.verify({
        rawBody: FIXTURE,
        headers: { "typeform-signature": [VECTOR, VECTOR] },
        query: {},
        config,
        now: new Date(),
      }),
    ).toEqual({ ok: false });
  });

  it("still accepts a validly signed body that is not JSON or has no token, keyed by its sha256", () => {
    const notJson = Buffer.from("not json \u0000");
    const result = verify(notJson, { "typeform-signature": sign(notJson) });
    expect(result).toMatchObject({
      ok: true,
      idempotencyKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    const noToken = Buffer.from(JSON.stringify({ event_type: "form_response", form_response: {} }));
    expect(verify(noToken, { "typeform-signature": sign(noToken) })).toMatchObject({
      ok: true,
      idempotencyKey: expect.stringMatching(/^sha256:/),
    });
  });

  it("keys a partial response apart from the final one with the same token", () => {
    const partial = Buffer.from(JSON.stringify({ ...fixtureBody(), event_type: "form_response_partial" }));
    expect(verify(partial, { "typeform-signature": sign(partial) })).toEqual({
      ok: true,
      idempotencyKey: `partial:${TOKEN}`,
    });
  });
});

describe("typeform config", () => {
  it("requires a secret and refuses unknown keys or lead fields", () => {
    expect(TypeformConfigSchema.safeParse({}).success).toBe(false);
    expect(TypeformConfigSchema.safeParse({ secret: SECRET, extra: 1 }).success).toBe(false);
    expect(TypeformConfigSchema.safeParse({ secret: SECRET, fieldMap: { a: "custom" } }).success).toBe(false);
    expect(
      TypeformConfigSchema.safeParse({
        secret: SECRET,
        fieldMap: { orcamento_mensal: "income" },
        acquisition: { paidMediums: ["cpc"], paidClickIds: [], coldTags: ["frio"] },
      }).success,
    ).toBe(true);
  });
});

describe("typeform decode", () => {
  it("turns the fixture into lead fields", () => {
    const lead = decodeTypeform(fixtureBody(), config);
    expect(lead).toEqual({
      name: "Camila Duarte Nogueira",
      email: "camila.nogueira@example.com",
      phone: "+5531988776655",
      utm_source: "instagram",
      utm_medium: "stories",
      source: "typeform",
      custom: {
        typeform: { form_id: "Qm4xT8vR", token: TOKEN, submitted_at: "2026-01-12T13:44:52Z" },
        hidden: { utm_source: "instagram", utm_medium: "stories" },
        acquisition_class: "Organic",
        answers: { nivel_experiencia: "Intermediário", orcamento_mensal: 350 },
      },
    });
    expect(LeadInputSchema.safeParse(lead).success).toBe(true);
  });

  it("maps answers by field ref through fieldMap, ahead of the defaults", () => {
    const lead = decodeTypeform(fixtureBody(), {
      secret: SECRET,
      fieldMap: { orcamento_mensal: "income", nivel_experiencia: "interest", whatsapp: "instagram" },
    });
    expect(lead).toMatchObject({
      name: "Camila Duarte Nogueira",
      email: "camila.nogueira@example.com",
      income: 350,
      interest: "Intermediário",
      instagram: "+5531988776655",
    });
    expect(lead).not.toHaveProperty("phone");
    expect(lead.custom).not.toHaveProperty("answers");
    expect(LeadInputSchema.parse(lead).income).toBe(350);
  });

  it("finds city, interest, income and name by ref or title when no map names them", () => {
    const answers = [
      { type: "text", text: "Um curso de retrato", field: { id: "f1", type: "long_text", ref: "objetivo" } },
      { type: "text", text: "Recife", field: { id: "f2", type: "short_text", ref: "q_city" } },
      {
        type: "choice",
        choice: { label: "Retrato" },
        field: { id: "f3", type: "dropdown", ref: "area_interesse" },
      },
      { type: "number", number: 5000, field: { id: "f4", type: "number", ref: "renda_mensal" } },
      { type: "text", text: "Ana Souza", field: { id: "f5", type: "short_text", ref: "q5" } },
      { type: "email", email: "ana@example.com", field: { id: "f6", type: "email", ref: "q6" } },
    ];
    const body = withHidden({}, answers);
    (body.form_response.definition as { fields: unknown[] }).fields = [
      { id: "f5", ref: "q5", type: "short_text", title: "Como podemos te chamar? Seu nome" },
    ];
    expect(decodeTypeform(body, config)).toMatchObject({
      name: "Ana Souza",
      city: "Recife",
      interest: "Retrato",
      income: 5000,
      email: "ana@example.com",
      custom: { answers: { objetivo: "Um curso de retrato" } },
    });
    // Without a name hint, the first short text answer becomes the name.
    const unnamed = withHidden({}, [answers[0], answers[4], answers[5]]);
    expect(decodeTypeform(unnamed, config)).toMatchObject({ name: "Ana Souza" });
  });

  it("classifies acquisition: Paid by medium or click id, Cold by campaign or tag, else Organic", () => {
    const classOf = (hidden: Record<string, string>, extra: Record<string, unknown> = {}) =>
      (decodeTypeform(withHidden(hidden), { secret: SECRET, ...extra }).custom as Record<string, unknown>)
        .acquisition_class;
    expect(classOf({ utm_source: "google", utm_medium: "cpc" })).toBe("Paid");
    expect(classOf({ utm_medium: "Paid_Social" })).toBe("Paid");
    expect(classOf({ utm_source: "instagram", fbclid: "IwAR0abc" })).toBe("Paid");
    expect(classOf({ utm_campaign: "bf-outbound-2026" })).toBe("Cold");
    expect(classOf({ tag: "Prospecção ativa" })).toBe("Cold");
    expect(classOf({ utm_source: "instagram", utm_medium: "stories" })).toBe("Organic");
    expect(classOf({})).toBe("Organic");
    // Configurable lists replace the defaults.
    const acquisition = { paidMediums: ["stories"], paidClickIds: ["li_fat_id"], coldTags: ["frio"] };
    expect(classOf({ utm_medium: "stories" }, { acquisition })).toBe("Paid");
    expect(classOf({ utm_medium: "cpc" }, { acquisition })).toBe("Organic");
    expect(classOf({ li_fat_id: "x1" }, { acquisition })).toBe("Paid");
    expect(classOf({ utm_campaign: "lista-fria", tag: "contato frio" }, { acquisition })).toBe("Cold");
    expect(classifyAcquisition({ gclid: "" })).toBe("Organic");
  });

  it("keeps every hidden field in custom.hidden and the UTMs in the UTM fields", () => {
    const lead = decodeTypeform(
      withHidden({
        utm_source: "google",
        utm_medium: "cpc",
        utm_campaign: "launch",
        gclid: "Cj0",
        empty: "",
      }),
      config,
    );
    expect(lead).toMatchObject({
      utm_source: "google",
      utm_medium: "cpc",
      utm_campaign: "launch",
      custom: {
        hidden: { utm_source: "google", utm_medium: "cpc", utm_campaign: "launch", gclid: "Cj0" },
        acquisition_class: "Paid",
      },
    });
  });

  it("refuses a payload without form_response", () => {
    expect(() => decodeTypeform({ event_type: "form_response" }, config)).toThrow();
  });
});
