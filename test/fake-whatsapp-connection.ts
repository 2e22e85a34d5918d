import { createHmac } from "node:crypto";
import type { FakeWhatsApp } from "./fake-whatsapp.ts";
import type { TestApp } from "./test-app.ts";

export const META_APP_SECRET = "app-secret";

/** A `meta` connection whose WhatsApp number is the fake's (set FUNIL_META_GRAPH_URL to `fake.url`). */
export async function connectFakeWhatsApp(
  t: TestApp,
  fake: FakeWhatsApp,
): Promise<{ id: string; webhookUrl: string }> {
  const response = await t.request("POST", "/api/v1/connections", {
    body: {
      type: "meta",
      name: "WhatsApp",
      config: {
        appSecret: META_APP_SECRET,
        verifyToken: "verify",
        accessToken: fake.accessToken,
        phoneNumberId: fake.phoneNumberId,
      },
    },
  });
  if (response.statusCode !== 201)
    throw new Error(`meta connection: ${response.statusCode} ${response.body}`);
  return response.json() as { id: string; webhookUrl: string };
}

/** Delivers a WhatsApp webhook payload to the connection, signed as Meta signs it (X-Hub-Signature-256). */
export function deliverMetaWebhook(t: TestApp, webhookUrl: string, payload: unknown) {
  const body = JSON.stringify(payload);
  return t.request("POST", webhookUrl, {
    token: null,
    rawBody: body,
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": `sha256=${createHmac("sha256", META_APP_SECRET).update(body).digest("hex")}`,
    },
  });
}
