import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/webhooks/${path}`, import.meta.url));

let t: TestApp;
const urls: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  const doors = {
    typeform: { secret: "tf_test_secret_9f2c" },
    meta: { appSecret: "test_app_secret_4b7e1d", verifyToken: "verify-me" },
    hotmart: { hottok: "test_hottok_ab12cd34" },
  };
  for (const [type, config] of Object.entries(doors)) {
    const response = await t.request("POST", "/api/v1/connections", { body: { type, name: type, config } });
    expect(response.statusCode).toBe(201);
    urls[type] = (response.json() as { webhookUrl: string }).webhookUrl;
  }
});
afterAll(async () => {
  await t.close();
});

describe("one person, three doors", () => {
  it("a Typeform answer, a WhatsApp message and a Hotmart purchase end as one contact with three touches", async () => {
    const typeform = fixture("typeform/form-response.json");
    const whatsapp = fixture("meta/whatsapp-inbound-text.json");
    const purchase = JSON.parse(fixture("hotmart/purchase-approved.json").toString("utf8")) as {
      data: { buyer: { email: string; checkout_phone?: string } };
    };
    // The buyer uses the e-mail she gave on the form; her checkout phone is another line.
    purchase.data.buyer.email = "camila.nogueira@example.com";
    const hotmart = Buffer.from(JSON.stringify(purchase));

    const responses = [
      await t.request("POST", urls.typeform ?? "", {
        token: null,
        rawBody: typeform,
        headers: {
          "content-type": "application/json",
          "typeform-signature": "sha256=bW+cVTJj14XlfN+Ub5+zeiULpZILEu3Xla+bz96pUHQ=",
        },
      }),
      await t.request("POST", urls.meta ?? "", {
        token: null,
        rawBody: whatsapp,
        headers: {
          "content-type": "application/json",
          "x-hub-signature-256": `sha256=${createHmac("sha256", "test_app_secret_4b7e1d").update(whatsapp).digest("hex")}`,
        },
      }),
      await t.request("POST", urls.hotmart ?? "", {
        token: null,
        rawBody: hotmart,
        headers: { "content-type": "application/json", "x-hotmart-hottok": "test_hottok_ab12cd34" },
      }),
    ];
    expect(responses.map((response) => response.statusCode)).toEqual([202, 202, 202]);
    await t.drain();

    const people = (await t.request("GET", "/api/v1/leads?q=camila")).json() as { items: { id: string }[] };
    expect(people.items).toHaveLength(1);
    const lead = (await t.request("GET", `/api/v1/leads/${people.items[0]?.id}`)).json() as {
      touches: { source: string }[];
      phones: string[];
      emails: string[];
    };
    expect(lead.touches.map((touch) => touch.source).sort()).toEqual(["hotmart", "typeform", "whatsapp"]);
    expect(lead.emails).toEqual(["camila.nogueira@example.com"]);
    expect(lead.phones).toContain("+5531988776655");
    const purchases = (
      await t.request("GET", `/api/v1/purchases?contactId=${people.items[0]?.id}`)
    ).json() as {
      items: { status: string }[];
    };
    expect(purchases.items.map((item) => item.status)).toEqual(["approved"]);
  });
});
