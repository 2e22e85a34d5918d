import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import type { ContactDetailView } from "../contacts/get-contact.ts";
import type { EventView } from "./list-events.ts";

// The fixture's exact bytes and its WIRE-FORMATS §2.0 signature.
const FIXTURE = readFileSync(new URL("../../fixtures/webhooks/typeform/form-response.json", import.meta.url));
const SECRET = "tf_test_secret_9f2c";
const SIGNATURE = "sha256=bW+cVTJj14XlfN+Ub5+zeiULpZILEu3Xla+bz96pUHQ=";

let t: TestApp;
let connection: { id: string; webhookUrl: string };

beforeAll(async () => {
  t = await createTestApp();
  const response = await t.request("POST", "/api/v1/connections", {
    body: { type: "typeform", name: "Diagnóstico Lumina", config: { secret: SECRET } },
  });
  expect(response.statusCode).toBe(201);
  expect(response.body).not.toContain(SECRET);
  connection = response.json() as typeof connection;
});
afterAll(async () => {
  await t.close();
});

function deliver(body: Buffer, signature: string | null) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== null) headers["typeform-signature"] = signature;
  return t.request("POST", connection.webhookUrl, { token: null, rawBody: body, headers });
}

async function events() {
  return (
    (await t.request("GET", `/api/v1/events?connectionId=${connection.id}`)).json() as { items: EventView[] }
  ).items;
}

describe("typeform connections", () => {
  it("require a secret", async () => {
    const response = await t.request("POST", "/api/v1/connections", {
      body: { type: "typeform", name: "Sem segredo" },
    });
    expect(response.statusCode).toBe(400);
    expect((response.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("body.config.secret");
  });
});

describe("typeform deliveries", () => {
  it("refuses tampered bytes or a missing signature with 401 and stores nothing", async () => {
    const tampered = Buffer.from(FIXTURE);
    tampered[FIXTURE.indexOf("Camila")] = "K".charCodeAt(0);
    expect((await deliver(tampered, SIGNATURE)).statusCode).toBe(401);
    expect((await deliver(FIXTURE, null)).statusCode).toBe(401);
    expect(await events()).toEqual([]);
  });

  it("stores the fixture with its real signature (202), answers a repeat with 200, then scores the lead", async () => {
    const first = await deliver(FIXTURE, SIGNATURE);
    expect(first.statusCode).toBe(202);
    const { eventId } = first.json() as { eventId: string };
    const again = await deliver(FIXTURE, SIGNATURE);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: "duplicate", eventId });

    const stored = await t.app.deps.db
      .selectFrom("inbox_events")
      .select(["body", "idempotency_key", "source"])
      .where("id", "=", eventId)
      .executeTakeFirstOrThrow();
    expect(Buffer.from(stored.body).equals(FIXTURE)).toBe(true);
    expect(stored).toMatchObject({ idempotency_key: "7c1e9b2f0a4d8e63c5b7a9d1f2e4c6a8", source: "typeform" });

    await t.drain();
    const [event] = await events();
    expect(event).toMatchObject({ id: eventId, status: "processed", source: "typeform" });
    const lead = (await t.request("GET", `/api/v1/leads/${event?.contactId}`)).json() as ContactDetailView;
    expect(lead).toMatchObject({
      name: "Camila Duarte Nogueira",
      email: "camila.nogueira@example.com",
      sources: ["typeform"],
      custom: {
        acquisition_class: "Organic",
        typeform: { form_id: "Qm4xT8vR", token: "7c1e9b2f0a4d8e63c5b7a9d1f2e4c6a8" },
        hidden: { utm_source: "instagram", utm_medium: "stories" },
      },
    });
    expect(lead.phone).toContain("31988776655");
    expect(lead.touches).toHaveLength(1);
    expect(lead.touches[0]).toMatchObject({
      source: "typeform",
      utmSource: "instagram",
      utmMedium: "stories",
      eventId,
    });
    expect(lead.score).toEqual(expect.any(Number));
    expect(lead.scoredAt).not.toBeNull();
  });

  it("keeps a validly signed body it cannot read: stored, then failed with a reason", async () => {
    const body = Buffer.from("definitely not json");
    const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("base64")}`;
    const response = await deliver(body, signature);
    expect(response.statusCode).toBe(202);
    const { eventId } = response.json() as { eventId: string };
    await t.drain();
    const event = (await t.request("GET", `/api/v1/events/${eventId}`)).json() as EventView;
    expect(event).toMatchObject({ status: "failed", error: "the body is not valid JSON" });
  });
});
