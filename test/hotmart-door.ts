import type { TestApp } from "./test-app.ts";

/** WIRE-FORMATS §2.0: the hottok the Hotmart fixtures are delivered with. */
export const HOTMART_HOTTOK = "test_hottok_ab12cd34";

/** A `hotmart` connection; answers its webhook URL. */
export async function connectHotmart(t: TestApp): Promise<string> {
  const response = await t.request("POST", "/api/v1/connections", {
    body: { type: "hotmart", name: "Hotmart", config: { hottok: HOTMART_HOTTOK } },
  });
  if (response.statusCode !== 201)
    throw new Error(`hotmart connection: ${response.statusCode} ${response.body}`);
  return (response.json() as { webhookUrl: string }).webhookUrl;
}

/** Delivers a Hotmart event (raw text or an object) as Hotmart does, then runs the jobs it queued. */
export async function deliverHotmart(t: TestApp, webhookUrl: string, body: unknown): Promise<void> {
  const response = await t.request("POST", webhookUrl, {
    token: null,
    rawBody: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", "x-hotmart-hottok": HOTMART_HOTTOK },
  });
  if (response.statusCode >= 300)
    throw new Error(`hotmart delivery: ${response.statusCode} ${response.body}`);
  await t.drain();
}
