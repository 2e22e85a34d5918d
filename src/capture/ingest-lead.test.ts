import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Lead {
  id: string;
  name: string | null;
  emails: string[];
  phones: string[];
  score: number;
  temperature: string;
  scoreReasons: { rule: string; points: number }[];
  sources: string[];
  secondary: Record<string, string[]>;
  invalid: Record<string, string>;
  city: string | null;
  income: number | null;
  touches: { source: string; utmSource: string | null; utmCampaign: string | null }[];
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  return t.request("POST", "/api/v1/leads", { body, headers });
}

async function count(table: "contacts" | "inbox_events" | "contact_touches" | "audit_log") {
  const row = await t.app.deps.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("POST /api/v1/leads", () => {
  it("creates a person (201), normalised, scored with reasons, raw request kept in the inbox", async () => {
    const response = await post({
      name: "Maria da Silva",
      email: "  Maria.Silva@Example.COM ",
      phone: "(11) 98765-4321",
      source: "Typeform",
      interest: "Quero investir em um apartamento",
      city: "São Paulo",
      income: "R$ 12.500,00",
      utm_source: "facebook",
      utm_campaign: "black-friday",
    });
    expect(response.statusCode).toBe(201);
    const lead = response.json() as Lead;
    expect(lead.emails).toEqual(["maria.silva@example.com"]);
    expect(lead.phones).toEqual(["+5511987654321"]);
    expect(lead.income).toBe(12500);
    expect(lead.score).toBe(38);
    expect(lead.temperature).toBe("hot");
    expect(lead.scoreReasons.map((reason) => reason.rule)).toEqual([
      "required_fields",
      "high_ticket_interest",
      "served_city",
      "income_bonus",
    ]);
    expect(lead.sources).toEqual(["typeform"]);

    const fetched = await t.request("GET", `/api/v1/leads/${lead.id}`);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toMatchObject({ id: lead.id, score: 38, temperature: "hot" });
    expect((fetched.json() as Lead).touches[0]).toMatchObject({
      source: "typeform",
      utmSource: "facebook",
      utmCampaign: "black-friday",
    });

    const event = await t.app.deps.db
      .selectFrom("inbox_events")
      .selectAll()
      .where("contact_id", "=", lead.id)
      .executeTakeFirstOrThrow();
    expect(event.status).toBe("processed");
    expect(Buffer.from(event.body).toString()).toContain("Maria.Silva@Example.COM");
  });

  it("matches the same person by phone written without the ninth digit (200) and merges", async () => {
    const first = (await post({ name: "João Pereira", phone: "+55 21 99876-5432" })).json() as Lead;
    const again = await post({
      name: "João P.",
      phone: "(21) 9876-5432",
      email: "joao@example.com",
      city: "Rio",
    });
    expect(again.statusCode).toBe(200);
    const merged = again.json() as Lead;
    expect(merged.id).toBe(first.id);
    expect(merged.name).toBe("João Pereira");
    expect(merged.secondary).toEqual({ name: ["João P."] });
    expect(merged.emails).toEqual(["joao@example.com"]);
    expect(merged.city).toBe("Rio");
    const fetched = (await t.request("GET", `/api/v1/leads/${first.id}`)).json() as Lead;
    expect(fetched.touches).toHaveLength(2);
    expect(fetched).toMatchObject({
      name: "João Pereira",
      emails: ["joao@example.com"],
      phones: ["+5521998765432"],
    });
  });

  it("matches by e-mail whatever the case, and never overwrites a value with an empty one", async () => {
    const first = (
      await post({ name: "Carla", email: "carla@example.com", city: "Curitiba", income: 9000 })
    ).json() as Lead;
    const again = await post({ email: "CARLA@example.com", name: "", city: "   ", phone: "11 91234-5678" });
    expect(again.statusCode).toBe(200);
    const merged = again.json() as Lead;
    expect(merged.id).toBe(first.id);
    expect(merged.name).toBe("Carla");
    expect(merged.city).toBe("Curitiba");
    expect(merged.income).toBe(9000);
    expect(merged.phones).toEqual(["+5511912345678"]);
  });

  it("keeps first and last touch with UTMs across sources", async () => {
    await post({ name: "Bia", email: "bia@example.com", source: "typeform", utm_source: "google" });
    t.clock.advance(60_000);
    const merged = (
      await post({ email: "bia@example.com", source: "hotmart", utm_source: "instagram" })
    ).json() as Lead & {
      firstSource: string;
      lastSource: string;
      firstTouchAt: string;
      lastTouchAt: string;
    };
    expect(merged.sources).toEqual(["typeform", "hotmart"]);
    expect(merged.firstSource).toBe("typeform");
    expect(merged.lastSource).toBe("hotmart");
    expect(Date.parse(merged.lastTouchAt) - Date.parse(merged.firstTouchAt)).toBe(60_000);
  });

  it("answers a repeated Idempotency-Key with the first result and records one touch", async () => {
    const headers = { "idempotency-key": "req-123" };
    const first = await post({ name: "Duda", email: "duda@example.com" }, headers);
    const second = await post({ name: "Duda", email: "duda@example.com" }, headers);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect((second.json() as Lead).id).toBe((first.json() as Lead).id);
    expect((second.json() as Lead).touches).toHaveLength(1);
  });

  it("keeps an invalid e-mail or phone raw and flagged when the lead has a name", async () => {
    const response = await post({ name: "Sem Email", email: "not-an-email", phone: "123" });
    expect(response.statusCode).toBe(201);
    const lead = response.json() as Lead;
    expect(lead.emails).toEqual([]);
    expect(lead.invalid).toEqual({ email: "not-an-email", phone: "123" });
  });

  it("stores names with emoji, RTL text and decomposed accents cleanly (NFC)", async () => {
    const nfd = "Jose\u0301 Conceic\u0327a\u0303o 🚀 محمد";
    const lead = (await post({ name: nfd, email: "jose@example.com" })).json() as Lead;
    expect(lead.name).toBe(nfd.normalize("NFC"));
  });

  it("stores SQL-looking text as plain text", async () => {
    const name = "Robert'); DROP TABLE contacts;--";
    const lead = (await post({ name, email: "bobby@example.com", interest: "' OR '1'='1" })).json() as Lead;
    expect(lead.name).toBe(name);
    expect(await count("contacts")).toBeGreaterThan(1);
  });

  it("strips NUL bytes from text and still stores the raw bytes", async () => {
    const raw = '{"name":"Nu\\u0000la","email":"nula@example.com","custom":{"k\\u0000":"v\\u0000"}}';
    const response = await t.request("POST", "/api/v1/leads", {
      rawBody: raw,
      headers: { "content-type": "application/json" },
    });
    expect(response.statusCode).toBe(201);
    const lead = response.json() as Lead & { custom: Record<string, string> };
    expect(lead.name).toBe("Nula");
    expect(lead.custom).toEqual({ k: "v" });
  });

  describe("rejects bad input with a problem and stores nothing", () => {
    const cases: [string, { rawBody?: string; body?: unknown; headers?: Record<string, string> }, number][] =
      [
        [
          "malformed JSON",
          { rawBody: '{"name": "Ana"', headers: { "content-type": "application/json" } },
          400,
        ],
        ["a wrong type", { body: { name: 42 } }, 400],
        ["an unknown field", { body: { name: "Ana", favourite_colour: "blue" } }, 400],
        ["a JSON array", { body: [{ name: "Ana" }] }, 400],
        ["an oversized body", { body: { name: "Ana", interest: "x".repeat(1_100_000) } }, 413],
        ["a too-long name", { body: { name: "x".repeat(201) } }, 400],
        ["a negative income", { body: { name: "Ana", income: -5 } }, 400],
        ["no name and an invalid e-mail", { body: { email: "nope" } }, 422],
        ["nothing that identifies a person", { body: { city: "Recife" } }, 422],
        ["a non-JSON content type", { rawBody: "name=Ana", headers: { "content-type": "text/plain" } }, 415],
      ];
    it.each(cases)("%s", async (_label, options, status) => {
      const before = [await count("contacts"), await count("inbox_events"), await count("audit_log")];
      const response = await t.request("POST", "/api/v1/leads", options);
      expect(response.statusCode).toBe(status);
      expect(response.headers["content-type"]).toContain("application/problem+json");
      const problem = response.json() as { status: number; title: string; detail: string };
      expect(problem.status).toBe(status);
      expect(problem.title).toBeTruthy();
      expect([await count("contacts"), await count("inbox_events"), await count("audit_log")]).toEqual(
        before,
      );
    });

    it("lists the invalid fields", async () => {
      const response = await post({ name: 42, email: 7 });
      const problem = response.json() as { errors: { field: string }[] };
      expect(problem.errors.map((error) => error.field).sort()).toEqual(["body.email", "body.name"]);
    });
  });

  it("gives one person to concurrent posts of the same new e-mail", async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => post({ name: `Race ${i}`, email: "race@example.com" })),
    );
    expect(responses.map((response) => response.statusCode).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    expect(new Set(responses.map((response) => (response.json() as Lead).id)).size).toBe(1);
  });
});
