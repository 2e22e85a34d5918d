import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signStandardWebhook } from "../../test/sign-webhook.ts";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import type { ContactDetailView } from "../contacts/get-contact.ts";
import type { EnrollmentView, ProductView, PurchaseView } from "../students/schemas.ts";
import type { EventView } from "./list-events.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/webhooks/hotmart/${name}.json`, import.meta.url));
const APPROVED = fixture("purchase-approved");
const REFUNDED = fixture("purchase-refunded");
const MODULE = fixture("club-module-completed");
// WIRE-FORMATS §2.0
const HOTTOK = "test_hottok_ab12cd34";

let t: TestApp;
let connection: { id: string; webhookUrl: string };

beforeAll(async () => {
  t = await createTestApp();
  const response = await t.request("POST", "/api/v1/connections", {
    body: { type: "hotmart", name: "Hotmart Lumina", config: { hottok: HOTTOK } },
  });
  expect(response.statusCode).toBe(201);
  expect(response.body).not.toContain(HOTTOK);
  connection = response.json() as typeof connection;
});
afterAll(async () => {
  await t.close();
});

function deliver(body: Buffer | string, hottok: string | null = HOTTOK) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (hottok !== null) headers["x-hotmart-hottok"] = hottok;
  return t.request("POST", connection.webhookUrl, { token: null, rawBody: body, headers });
}

/** A fixture as another event: new id, and whatever else changes. */
function variant(
  base: Buffer,
  changes: {
    id: string;
    event?: string;
    at?: number;
    transaction?: string;
    email?: string;
    moduleId?: string;
  },
) {
  const body = JSON.parse(base.toString("utf8")) as {
    id: string;
    event: string;
    creation_date: number;
    data: {
      purchase?: { transaction: string; status: string };
      buyer?: { email: string };
      user?: { email: string };
      module?: { id: string; name: string };
    };
  };
  body.id = changes.id;
  if (changes.event) body.event = changes.event;
  if (changes.at) body.creation_date = changes.at;
  if (changes.transaction && body.data.purchase) body.data.purchase.transaction = changes.transaction;
  if (changes.email) {
    if (body.data.buyer) body.data.buyer.email = changes.email;
    if (body.data.user) body.data.user.email = changes.email;
  }
  if (changes.moduleId && body.data.module)
    body.data.module = { id: changes.moduleId, name: changes.moduleId };
  return JSON.stringify(body);
}

async function events() {
  return (
    (await t.request("GET", `/api/v1/events?connectionId=${connection.id}&limit=200`)).json() as {
      items: EventView[];
    }
  ).items;
}

const get = async <T>(url: string, token?: string) =>
  (await t.request("GET", url, token === undefined ? {} : { token })).json() as { items: T[] };

async function purchase(transaction: string) {
  const { items } = await get<PurchaseView>(`/api/v1/purchases?transaction=${transaction}`);
  expect(items).toHaveLength(1);
  return items[0] as PurchaseView;
}

describe("hotmart connections", () => {
  it("require a hottok", async () => {
    const response = await t.request("POST", "/api/v1/connections", {
      body: { type: "hotmart", name: "Sem token", config: {} },
    });
    expect(response.statusCode).toBe(400);
    expect((response.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("body.config.hottok");
  });
});

describe("hotmart deliveries", () => {
  it("refuses a wrong or missing hottok with 401 and stores nothing", async () => {
    expect((await deliver(APPROVED, "test_hottok_wrong000")).statusCode).toBe(401);
    expect((await deliver(APPROVED, null)).statusCode).toBe(401);
    expect(await events()).toEqual([]);
  });

  it("stores each fixture (202), answers a repeat once with 200, then records people, products and purchases", async () => {
    const ids: string[] = [];
    for (const body of [APPROVED, REFUNDED, MODULE]) {
      const first = await deliver(body);
      expect(first.statusCode).toBe(202);
      const { eventId } = first.json() as { eventId: string };
      ids.push(eventId);
      const again = await deliver(body);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ status: "duplicate", eventId });
    }
    const stored = await t.app.deps.db
      .selectFrom("inbox_events")
      .select(["idempotency_key", "source"])
      .where("id", "=", ids[0] as string)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ idempotency_key: "3f6c2a9e-8b1d-4c7e-9a52-71d0e4b6c913", source: "hotmart" });

    await t.drain();
    const listed = await events();
    expect(listed).toHaveLength(3);
    for (const event of listed)
      expect(event).toMatchObject({ status: "processed", error: null, source: "hotmart" });
    const marinaId = listed.find((event) => event.id === ids[0])?.contactId as string;
    expect(listed.find((event) => event.id === ids[2])?.contactId).toBe(marinaId);

    const marina = (await t.request("GET", `/api/v1/leads/${marinaId}`)).json() as ContactDetailView;
    expect(marina).toMatchObject({
      name: "Marina Tavares Lopes",
      email: "marina.tavares@example.com",
      sources: ["hotmart"],
    });
    expect(marina.phone).toContain("11987654321");
    const text = JSON.stringify(marina);
    expect(text).not.toContain("52998224725");
    expect(text).not.toContain("13025000");

    const products = await get<ProductView>("/api/v1/products");
    expect(products.items).toEqual([
      {
        id: expect.any(String),
        externalId: "5123487",
        name: "Clube Lumina de Fotografia",
        monitoring: true,
        welcomeTemplate: null,
        accessUrl: null,
      },
    ]);
    const productId = products.items[0]?.id;
    expect(await purchase("HP2604115839217")).toEqual({
      id: expect.any(String),
      transaction: "HP2604115839217",
      status: "approved",
      productId,
      contactId: marinaId,
    });
    // A refund seen without its approval is still refunded.
    expect(await purchase("HP2604119904455")).toMatchObject({ status: "refunded", productId });

    const enrollments = await get<EnrollmentView>(`/api/v1/enrollments?contactId=${marinaId}`);
    expect(enrollments.items).toEqual([
      {
        id: expect.any(String),
        productId,
        contactId: marinaId,
        firstAccessAt: null,
        firstAccessOrigin: null,
        modulesCompleted: 1,
        cohort: null,
      },
    ]);
    const byContact = await get<PurchaseView>(`/api/v1/purchases?contactId=${marinaId}`);
    expect(byContact.items.map((item) => item.transaction)).toEqual(["HP2604115839217"]);
  });

  it("ends refunded when the refund arrives before the approval, in one batch or apart", async () => {
    const later = 1768700000000;
    const earlier = 1768600000000;
    await deliver(variant(REFUNDED, { id: "r-1", transaction: "HPONEBATCH", at: later }));
    await deliver(variant(APPROVED, { id: "a-1", transaction: "HPONEBATCH", at: earlier }));
    await t.drain();
    expect((await purchase("HPONEBATCH")).status).toBe("refunded");

    await deliver(variant(REFUNDED, { id: "r-2", transaction: "HPAPART", at: later }));
    await t.drain();
    await deliver(variant(APPROVED, { id: "a-2", transaction: "HPAPART", at: earlier }));
    await t.drain();
    expect((await purchase("HPAPART")).status).toBe("refunded");
    // Replaying an event changes nothing.
    const approval = (
      await t.request("GET", `/api/v1/events?connectionId=${connection.id}&limit=200`)
    ).json() as {
      items: { id: string; idempotencyKey: string }[];
    };
    const approvalId = approval.items.find((event) => event.idempotencyKey === "a-2")?.id;
    expect((await t.request("POST", `/api/v1/events/${approvalId}/replay`)).statusCode).toBe(200);
    expect((await purchase("HPAPART")).status).toBe("refunded");
    const row = await t.app.deps.db
      .withTables<{ purchases: { transaction: string; status_history: unknown[] } }>()
      .selectFrom("purchases")
      .select("status_history")
      .where("transaction", "=", "HPAPART")
      .executeTakeFirstOrThrow();
    expect(row.status_history).toHaveLength(2);
  });

  it("records the club's first access and each module once", async () => {
    const email = "aluno.clube@example.com";
    const firstAccess = JSON.stringify({
      id: "fa-1",
      creationDate: 1768800000000,
      event: "CLUB_FIRST_ACCESS",
      version: "2.0.0",
      data: {
        product: { id: "5123487", name: "Clube Lumina de Fotografia" },
        user: { name: "Aluno", email },
      },
    });
    const secondAccess = firstAccess.replace('"fa-1"', '"fa-2"').replace("1768800000000", "1768900000000");
    for (const body of [
      firstAccess,
      secondAccess,
      variant(MODULE, { id: "m-1", email }),
      variant(MODULE, { id: "m-2", email }),
    ]) {
      expect((await deliver(body)).statusCode).toBe(202);
    }
    await t.drain();
    const { items } = await get<EnrollmentView>("/api/v1/enrollments");
    const enrollment = items.find((item) => item.firstAccessAt !== null);
    expect(enrollment).toMatchObject({
      firstAccessAt: new Date(1768800000000).toISOString(),
      firstAccessOrigin: "hotmart_email",
      modulesCompleted: 1,
    });
    await deliver(variant(MODULE, { id: "m-3", email, moduleId: "outro-modulo" }));
    await t.drain();
    const after = await get<EnrollmentView>(`/api/v1/enrollments?contactId=${enrollment?.contactId}`);
    expect(after.items[0]?.modulesCompleted).toBe(2);
  });

  it("finds the same person through the generic door, the API and Hotmart: one contact", async () => {
    const email = "mesma.pessoa@example.com";
    const generic = (
      await t.request("POST", "/api/v1/connections", { body: { type: "generic", name: "Signup" } })
    ).json() as { webhookUrl: string; secret: string };
    const body = JSON.stringify({ type: "signup", data: { name: "Mesma Pessoa", email, source: "signup" } });
    const headers = signStandardWebhook(generic.secret, body, t.clock.now(), "msg_same");
    expect(
      (await t.request("POST", generic.webhookUrl, { token: null, rawBody: body, headers })).statusCode,
    ).toBe(202);
    await t.drain();
    const api = await t.request("POST", "/api/v1/leads", {
      body: { email, phone: "+55 11 97777-0000", source: "typeform" },
    });
    expect(api.statusCode).toBe(200);
    const contactId = (api.json() as { id: string }).id;
    await deliver(variant(APPROVED, { id: "same-1", transaction: "HPSAME", email }));
    await t.drain();
    expect((await purchase("HPSAME")).contactId).toBe(contactId);
    const lead = (await t.request("GET", `/api/v1/leads/${contactId}`)).json() as ContactDetailView;
    expect(lead.sources).toEqual(expect.arrayContaining(["signup", "typeform", "hotmart"]));
  });
});

describe("merges", () => {
  it("shows a merged-away person's purchases and enrollments on the survivor, and back after undo", async () => {
    await deliver(
      variant(APPROVED, { id: "merge-1", transaction: "HPMERGE", email: "comprador.antigo@example.com" }),
    );
    await t.drain();
    const buyer = (await purchase("HPMERGE")).contactId;
    const survivor = (
      (
        await t.request("POST", "/api/v1/leads", {
          body: { name: "Sobrevivente", email: "novo@example.com" },
        })
      ).json() as {
        id: string;
      }
    ).id;
    type Listed = { items: { transaction: string; contactId: string }[] };
    const before = (await t.request("GET", `/api/v1/purchases?contactId=${buyer}`)).json() as Listed;
    const merged = await t.request("POST", `/api/v1/leads/${survivor}/merge`, { body: { sourceId: buyer } });
    expect(merged.statusCode).toBe(200);
    const listed = (await t.request("GET", `/api/v1/purchases?contactId=${survivor}`)).json() as Listed;
    expect(listed.items.map((item) => item.transaction).sort()).toEqual(
      before.items.map((item) => item.transaction).sort(),
    );
    expect(listed.items).toContainEqual(
      expect.objectContaining({ transaction: "HPMERGE", contactId: survivor }),
    );
    const enrollments = (await t.request("GET", `/api/v1/enrollments?contactId=${survivor}`)).json() as {
      items: unknown[];
    };
    expect(enrollments.items.length).toBeGreaterThan(0);

    await t.request("POST", `/api/v1/merges/${(merged.json() as { mergeId: string }).mergeId}/undo`);
    const after = (await t.request("GET", `/api/v1/purchases?contactId=${survivor}`)).json() as {
      items: unknown[];
    };
    expect(after.items).toEqual([]);
    expect((await purchase("HPMERGE")).contactId).toBe(buyer);
  });
});

describe("students routes", () => {
  it("edit products for managers and admins only, and keep workspaces apart", async () => {
    const [product] = (await get<ProductView>("/api/v1/products")).items;
    const patched = await t.request("PATCH", `/api/v1/products/${product?.id}`, {
      body: { monitoring: false, welcomeTemplate: "Bem-vinda, {{name}}!" },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      id: product?.id,
      monitoring: false,
      welcomeTemplate: "Bem-vinda, {{name}}!",
    });
    expect((await get<ProductView>("/api/v1/products")).items[0]?.monitoring).toBe(false);

    const sales = (
      await t.request("POST", "/api/v1/api-keys", { body: { name: "Vendas", role: "sales" } })
    ).json() as { key: string };
    expect((await t.request("GET", "/api/v1/purchases", { token: sales.key })).statusCode).toBe(200);
    expect(
      (
        await t.request("PATCH", `/api/v1/products/${product?.id}`, {
          token: sales.key,
          body: { monitoring: true },
        })
      ).statusCode,
    ).toBe(403);

    const other = (await t.request("POST", "/api/v1/workspaces", { body: { name: "Outra" } })).json() as {
      id: string;
    };
    const token = await t.login(undefined, undefined, other.id);
    const marina = (await purchase("HP2604115839217")).contactId;
    expect((await get<PurchaseView>("/api/v1/purchases", token)).items).toEqual([]);
    expect((await get<EnrollmentView>("/api/v1/enrollments", token)).items).toEqual([]);
    expect((await get<ProductView>("/api/v1/products", token)).items).toEqual([]);
    expect((await t.request("GET", `/api/v1/purchases?contactId=${marina}`, { token })).statusCode).toBe(404);
    expect((await t.request("GET", `/api/v1/enrollments?contactId=${marina}`, { token })).statusCode).toBe(
      404,
    );
    expect(
      (await t.request("PATCH", `/api/v1/products/${product?.id}`, { token, body: { monitoring: true } }))
        .statusCode,
    ).toBe(404);
  });
});
