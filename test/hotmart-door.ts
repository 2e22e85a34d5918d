import { readFileSync } from "node:fs";
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

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/webhooks/hotmart/${name}.json`, import.meta.url), "utf8");
const APPROVED = fixture("purchase-approved");
const MODULE = fixture("club-module-completed");

interface Product {
  id: string;
  name: string;
}

/** The PURCHASE_APPROVED fixture as a student's own: id `approved-<student>`, transaction `HP-<student>`. */
export function studentPurchase(input: {
  student: string;
  email: string;
  phone: string;
  product: Product;
  approvedAt: number;
}): object {
  const body = JSON.parse(APPROVED);
  body.id = `approved-${input.student}`;
  body.creation_date = input.approvedAt;
  body.data.product.id = Number(input.product.id);
  body.data.product.name = input.product.name;
  body.data.purchase.approved_date = input.approvedAt;
  body.data.purchase.transaction = `HP-${input.student}`;
  body.data.buyer.email = input.email;
  body.data.buyer.name = `Aluno ${input.student}`;
  body.data.buyer.first_name = "Aluno";
  body.data.buyer.checkout_phone = input.phone;
  return body;
}

/** A members-area event (first access or a module completed) of the student's, from the club fixture. */
export function studentClubEvent(input: {
  id: string;
  event: "CLUB_FIRST_ACCESS" | "CLUB_MODULE_COMPLETED";
  email: string;
  product: Product;
  at: number;
}): object {
  const body = JSON.parse(MODULE.replace('"CLUB_MODULE_COMPLETED"', `"${input.event}"`));
  body.id = input.id;
  body.creation_date = input.at;
  body.data.product = { id: input.product.id, name: input.product.name };
  body.data.user.email = input.email;
  return body;
}
