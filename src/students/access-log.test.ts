import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeWhatsApp } from "../../test/fake-whatsapp.ts";
import { connectFakeWhatsApp } from "../../test/fake-whatsapp-connection.ts";
import { connectHotmart, deliverHotmart } from "../../test/hotmart-door.ts";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { AccessLogEntry } from "./list-access-log.ts";
import type { OfferView } from "./list-offers.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/webhooks/hotmart/${name}.json`, import.meta.url), "utf8");

let t: TestApp;
let whatsapp: Awaited<ReturnType<typeof startFakeWhatsApp>>;
let hotmartUrl: string;

beforeAll(async () => {
  whatsapp = await startFakeWhatsApp();
  t = await createTestApp({ FUNIL_META_GRAPH_URL: whatsapp.url, FUNIL_QUIET_HOURS: "" });
  await connectFakeWhatsApp(t, whatsapp);
  hotmartUrl = await connectHotmart(t);
});
afterAll(async () => {
  await t.close();
  await whatsapp.close();
});

const deliver = (body: unknown) => deliverHotmart(t, hotmartUrl, body);

describe("the student journey", () => {
  it("an enrollment's access log tells the story: purchase, welcome, click, first access, modules", async () => {
    await deliver(fixture("purchase-approved"));
    const product = ((await t.request("GET", "/api/v1/products")).json() as { items: { id: string }[] })
      .items[0];
    await t.request("PATCH", `/api/v1/products/${product?.id}`, {
      body: { accessUrl: "https://curso.example/area" },
    });
    // A second purchase of the same buyer's product is the same enrollment; a new buyer gets the link.
    const approved = JSON.parse(fixture("purchase-approved"));
    approved.id = "evt-2";
    approved.data.purchase.transaction = "HP-2";
    approved.data.buyer.email = "rita@example.com";
    approved.data.buyer.checkout_phone = "11911112222";
    await deliver(JSON.stringify(approved));
    const link = whatsapp.messages.at(-1)?.template?.bodyParameters[2] ?? "";
    expect(link).toContain("/r/");
    t.clock.advance(3600_000);
    expect((await t.request("GET", new URL(link).pathname, { token: null })).statusCode).toBe(302);

    const access = JSON.parse(fixture("club-module-completed"));
    access.id = "evt-access";
    access.event = "CLUB_FIRST_ACCESS";
    access.creation_date = Date.parse(FIXED_NOW) + 2 * 3600_000;
    access.data.user.email = "rita@example.com";
    await deliver(JSON.stringify(access));
    const module = JSON.parse(fixture("club-module-completed"));
    module.id = "evt-module";
    module.creation_date = Date.parse(FIXED_NOW) + 26 * 3600_000;
    module.data.user.email = "rita@example.com";
    await deliver(JSON.stringify(module));
    t.adminToken = await t.login();

    const rita = (await t.request("GET", "/api/v1/leads?q=rita@example.com")).json() as {
      items: { id: string }[];
    };
    const enrollments = (
      await t.request("GET", `/api/v1/enrollments?contactId=${rita.items[0]?.id}`)
    ).json() as {
      items: { id: string; firstAccessOrigin: string }[];
    };
    const enrollment = enrollments.items[0];
    expect(enrollment?.firstAccessOrigin).toBe("whatsapp_link");
    const log = (await t.request("GET", `/api/v1/enrollments/${enrollment?.id}/access-log`)).json() as {
      items: AccessLogEntry[];
    };
    expect(log.items.map((item) => [item.kind, item.detail])).toEqual([
      ["purchase", "approved"],
      ["message", "whatsapp sent"],
      ["link_click", "1 clique(s)"],
      ["first_access", "whatsapp_link"],
      ["module_completed", "Módulo 3 - Luz natural e contraluz"],
    ]);
    expect(log.items[1]?.dispatchId).toEqual(expect.any(String));
    expect(
      (await t.request("GET", "/api/v1/enrollments/00000000-0000-4000-8000-000000000000/access-log"))
        .statusCode,
    ).toBe(404);
  });

  it("offers: purchases per product and offer code, active and refunded, with revenue", async () => {
    const refunded = JSON.parse(fixture("purchase-refunded"));
    refunded.id = "evt-refund";
    await deliver(JSON.stringify(refunded));
    const offers = (await t.request("GET", "/api/v1/offers")).json() as { items: OfferView[] };
    // Two offer codes of one product: the first (two buyers, active) and a refunded one.
    expect(
      offers.items.map((offer) => [
        offer.productName,
        offer.offerCode,
        offer.purchases,
        offer.active,
        offer.refunded,
      ]),
    ).toEqual([
      ["Clube Lumina de Fotografia", "k3x9p2qa", 2, 2, 0],
      ["Clube Lumina de Fotografia", "m8v1t6rc", 1, 0, 1],
    ]);
    expect(offers.items[0]?.revenue).toEqual([{ currency: "BRL", amount: 994 }]);
    expect(offers.items[1]?.revenue).toEqual([]);
  });
});
