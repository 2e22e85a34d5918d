import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectHotmart, deliverHotmart } from "../../test/hotmart-door.ts";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { TagAnalyticsReport, TagRow } from "./report-tag-analytics.ts";

const fixture = (path: string) =>
  readFileSync(new URL(`../../fixtures/webhooks/${path}`, import.meta.url), "utf8");
const APPROVED = fixture("hotmart/purchase-approved.json");
const REFUNDED = fixture("hotmart/purchase-refunded.json");
const LABELS = fixture("chatwoot/conversation-updated-labels.json");
const CW_SECRET = "cw_test_secret_71aa";
const RANGE = "from=2026-11-01&to=2026-11-30";
const PHONES: Record<string, string> = {
  ana: "11944440001",
  bruno: "11944440002",
  davi: "11944440004",
  eva: "11944440005",
};

let t: TestApp;
let hotmartUrl: string;
let chatwootUrl: string;

const hotmart = (body: unknown) => deliverHotmart(t, hotmartUrl, body);

/** A purchase through the Hotmart door: approved, then (optionally) refunded or charged back. */
async function purchase(person: string, ending?: "refunded" | "chargeback") {
  const approved = JSON.parse(APPROVED);
  approved.id = `approved-${person}`;
  approved.data.purchase.transaction = `HP-${person}`;
  approved.data.buyer.email = `${person}@example.com`;
  approved.data.buyer.name = person;
  approved.data.buyer.checkout_phone = PHONES[person];
  await hotmart(approved);
  if (!ending) return;
  const refund = JSON.parse(REFUNDED);
  refund.id = `${ending}-${person}`;
  refund.event = ending === "refunded" ? "PURCHASE_REFUNDED" : "PURCHASE_CHARGEBACK";
  refund.data.purchase.status = ending === "refunded" ? "REFUNDED" : "CHARGEBACK";
  refund.data.purchase.transaction = `HP-${person}`;
  refund.data.buyer.email = `${person}@example.com`;
  refund.data.buyer.name = person;
  refund.data.buyer.checkout_phone = PHONES[person];
  refund.creation_date = approved.creation_date + 86_400_000;
  await hotmart(refund);
}

/**
 * Chatwoot's conversation_updated for `conversation`, its labels going from `previous` to `current`
 * at `at`, signed as Chatwoot signs it; `person` null: a contact Chatwoot knows nothing about.
 */
async function labels(
  conversation: number,
  person: string | null,
  previous: string[],
  current: string[],
  at: string,
) {
  const body = JSON.parse(LABELS);
  body.id = conversation;
  body.messages = [];
  body.labels = current;
  body.meta.sender = {
    ...body.meta.sender,
    id: conversation * 10,
    name: person,
    email: person ? `${person}@example.com` : null,
    phone_number: null,
  };
  body.changed_attributes = [{ label_list: { previous_value: previous, current_value: current } }];
  body.updated_at = Date.parse(at) / 1000;
  const raw = Buffer.from(JSON.stringify(body));
  const timestamp = String(Math.floor(Date.parse(FIXED_NOW) / 1000));
  const signature = `sha256=${createHmac("sha256", CW_SECRET)
    .update(Buffer.concat([Buffer.from(`${timestamp}.`), raw]))
    .digest("hex")}`;
  const response = await t.request("POST", chatwootUrl, {
    token: null,
    rawBody: raw,
    headers: {
      "content-type": "application/json",
      "x-chatwoot-signature": signature,
      "x-chatwoot-timestamp": timestamp,
    },
  });
  expect(response.statusCode).toBe(202);
  await t.drain();
}

async function leadId(person: string): Promise<string> {
  const row = await t.app.deps.db
    .selectFrom("contacts")
    .select("id")
    .where("email", "=", `${person}@example.com`)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function report(query = "") {
  const response = await t.request("GET", `/api/v1/analytics/tags${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as TagAnalyticsReport;
}

const share = (count: number, of: number, rate: number | null) => ({ of, count, rate });

beforeAll(async () => {
  t = await createTestApp();
  hotmartUrl = await connectHotmart(t);
  const chatwoot = await t.request("POST", "/api/v1/connections", {
    body: {
      type: "chatwoot",
      name: "Chatwoot",
      config: {
        baseUrl: "https://chat.example.com",
        apiToken: "cw_api_token",
        accountId: 3,
        webhookSecret: CW_SECRET,
      },
    },
  });
  chatwootUrl = (chatwoot.json() as { webhookUrl: string }).webhookUrl;

  // Buyers: ana and eva (approved), bruno (refunded), davi (charged back). fabio is a lead only.
  await purchase("ana");
  await purchase("bruno", "refunded");
  await purchase("davi", "chargeback");
  await purchase("eva");
  expect(
    (await t.request("POST", "/api/v1/leads", { body: { name: "fabio", email: "fabio@example.com" } }))
      .statusCode,
  ).toBe(201);

  // Chatwoot labels: carla only talks to us there; a sender with no details gets vip too; gabi's is old.
  await labels(101, "ana", [], ["vip", "suporte"], "2026-11-16T10:00:00Z");
  await labels(102, "bruno", [], ["vip"], "2026-11-17T12:00:00Z");
  await labels(103, "carla", [], ["suporte"], "2026-11-18T12:00:00Z");
  // 23:00 on the 18th in São Paulo (the 19th in UTC).
  await labels(104, "davi", [], ["reembolso"], "2026-11-19T02:00:00Z");
  await labels(103, "carla", ["suporte"], [], "2026-11-20T12:00:00Z");
  await labels(103, "carla", [], ["suporte"], "2026-11-22T12:00:00Z");
  await labels(105, null, [], ["vip"], "2026-11-09T12:00:00Z");
  await labels(106, "gabi", [], ["antigo"], "2026-10-01T12:00:00Z");

  // carla's deal is won.
  const pipeline = await t.request("POST", "/api/v1/pipelines", {
    body: { name: "Vendas", stages: [{ name: "Aberto" }, { name: "Ganho", kind: "won", probability: 1 }] },
  });
  const stages = (pipeline.json() as { id: string; stages: { id: string; kind: string }[] }).stages;
  const deal = await t.request("POST", "/api/v1/deals", {
    body: { contactId: await leadId("carla"), pipelineId: (pipeline.json() as { id: string }).id },
  });
  expect(deal.statusCode).toBe(201);
  const moved = await t.request("POST", `/api/v1/deals/${(deal.json() as { id: string }).id}/move`, {
    body: { stageId: stages.find((stage) => stage.kind === "won")?.id, reason: "fechou" },
  });
  expect(moved.statusCode, moved.body).toBe(200);
});

afterAll(async () => {
  await t.close();
});

const VIP: TagRow = {
  tag: "vip",
  added: 3,
  removed: 0,
  conversations: 3,
  contacts: 2,
  refunds: { withTag: share(1, 2, 0.5), withoutTag: share(1, 2, 0.5) },
  conversion: { withTag: share(1, 2, 0.5), withoutTag: share(2, 5, 0.4) },
};
const SUPORTE: TagRow = {
  tag: "suporte",
  added: 3,
  removed: 1,
  conversations: 2,
  contacts: 2,
  refunds: { withTag: share(0, 1, 0), withoutTag: share(2, 3, 0.6667) },
  conversion: { withTag: share(2, 2, 1), withoutTag: share(1, 5, 0.2) },
};
const REEMBOLSO: TagRow = {
  tag: "reembolso",
  added: 1,
  removed: 0,
  conversations: 1,
  contacts: 1,
  refunds: { withTag: share(1, 1, 1), withoutTag: share(1, 3, 0.3333) },
  conversion: { withTag: share(0, 1, 0), withoutTag: share(3, 6, 0.5) },
};

describe("tag analytics", () => {
  it("per tag in the range: changes, conversations, people, against refunds and conversion; the word cloud", async () => {
    const tags = await report(`?${RANGE}`);
    expect(tags.from).toBe("2026-11-01T03:00:00.000Z");
    expect(tags.to).toBe("2026-12-01T03:00:00.000Z");
    expect(tags.filter).toBeNull();
    expect(tags.items).toEqual([VIP, SUPORTE, REEMBOLSO]);
    expect(tags.cloud).toEqual([
      { tag: "vip", weight: 3 },
      { tag: "suporte", weight: 2 },
      { tag: "reembolso", weight: 1 },
    ]);
    // ana, bruno, carla, davi, eva, fabio, gabi: four bought, two were refunded, three converted.
    expect(tags.population).toEqual({ contacts: 7, buyers: 4, refunded: 2, converted: 3 });
    expect(tags.selection).toBeNull();

    const ever = await report();
    expect(ever.items.map((item) => item.tag)).toEqual(["vip", "suporte", "antigo", "reembolso"]);
    expect(ever.items[2]).toEqual({
      tag: "antigo",
      added: 1,
      removed: 0,
      conversations: 1,
      contacts: 1,
      refunds: { withTag: share(0, 0, null), withoutTag: share(2, 4, 0.5) },
      conversion: { withTag: share(0, 1, 0), withoutTag: share(3, 6, 0.5) },
    });
  });

  it("counts per tag over time, by day or by week of the workspace's time zone", async () => {
    const days = await report(`?${RANGE}`);
    expect(days.bucket).toBe("day");
    expect(days.series).toEqual([
      { bucket: "2026-11-09", tag: "vip", added: 1, removed: 0 },
      { bucket: "2026-11-16", tag: "suporte", added: 1, removed: 0 },
      { bucket: "2026-11-16", tag: "vip", added: 1, removed: 0 },
      { bucket: "2026-11-17", tag: "vip", added: 1, removed: 0 },
      { bucket: "2026-11-18", tag: "reembolso", added: 1, removed: 0 },
      { bucket: "2026-11-18", tag: "suporte", added: 1, removed: 0 },
      { bucket: "2026-11-20", tag: "suporte", added: 0, removed: 1 },
      { bucket: "2026-11-22", tag: "suporte", added: 1, removed: 0 },
    ]);
    const weeks = await report(`?${RANGE}&bucket=week`);
    expect(weeks.series).toEqual([
      { bucket: "2026-11-09", tag: "vip", added: 1, removed: 0 },
      { bucket: "2026-11-16", tag: "reembolso", added: 1, removed: 0 },
      { bucket: "2026-11-16", tag: "suporte", added: 3, removed: 1 },
      { bucket: "2026-11-16", tag: "vip", added: 2, removed: 0 },
    ]);
  });

  it("multi-tag filters: the people with any or all of the tags, against everyone else", async () => {
    const any = await report(`?${RANGE}&tags=vip,suporte&match=any`);
    expect(any.filter).toEqual({ tags: ["vip", "suporte"], match: "any" });
    // ana, bruno and carla (the sender with no details is nobody).
    expect(any.population).toEqual({ contacts: 3, buyers: 2, refunded: 1, converted: 2 });
    expect(any.items).toEqual([
      {
        tag: "suporte",
        added: 3,
        removed: 1,
        conversations: 2,
        contacts: 2,
        refunds: { withTag: share(0, 1, 0), withoutTag: share(1, 1, 1) },
        conversion: { withTag: share(2, 2, 1), withoutTag: share(0, 1, 0) },
      },
      {
        tag: "vip",
        added: 2,
        removed: 0,
        conversations: 2,
        contacts: 2,
        refunds: { withTag: share(1, 2, 0.5), withoutTag: share(0, 0, null) },
        conversion: { withTag: share(1, 2, 0.5), withoutTag: share(1, 1, 1) },
      },
    ]);
    expect(any.selection).toEqual({
      contacts: 3,
      refunds: { withTag: share(1, 2, 0.5), withoutTag: share(1, 2, 0.5) },
      conversion: { withTag: share(2, 3, 0.6667), withoutTag: share(1, 4, 0.25) },
    });

    const all = await report(`?${RANGE}&tags=vip,%20suporte,vip&match=all`);
    expect(all.filter).toEqual({ tags: ["vip", "suporte"], match: "all" });
    expect(all.population).toEqual({ contacts: 1, buyers: 1, refunded: 0, converted: 1 });
    expect(all.items.map((item) => [item.tag, item.added, item.contacts])).toEqual([
      ["suporte", 1, 1],
      ["vip", 1, 1],
    ]);
    expect(all.selection).toEqual({
      contacts: 1,
      refunds: { withTag: share(0, 1, 0), withoutTag: share(2, 3, 0.6667) },
      conversion: { withTag: share(1, 1, 1), withoutTag: share(2, 6, 0.3333) },
    });

    const nobody = await report(`?${RANGE}&tags=inexistente`);
    expect(nobody.items).toEqual([]);
    expect(nobody.series).toEqual([]);
    expect(nobody.population).toEqual({ contacts: 0, buyers: 0, refunded: 0, converted: 0 });
    expect(nobody.selection).toMatchObject({ contacts: 0, conversion: { withTag: share(0, 0, null) } });
    expect((await t.request("GET", "/api/v1/analytics/tags?match=some")).statusCode).toBe(400);
    expect((await t.request("GET", "/api/v1/analytics/tags?bucket=month")).statusCode).toBe(400);
  });

  it("as CSV: a row per tag, or the series", async () => {
    const tags = await t.request("GET", `/api/v1/analytics/tags?${RANGE}&format=csv`);
    expect(tags.statusCode).toBe(200);
    expect(tags.headers["content-disposition"]).toBe('attachment; filename="tag-analytics-tags.csv"');
    expect(
      tags.body
        .replace(/^\uFEFF/, "")
        .trimEnd()
        .split("\r\n"),
    ).toEqual([
      "tag,added,removed,conversations,contacts,buyers_with_tag,refunded_with_tag,refund_rate_with_tag,buyers_without_tag,refunded_without_tag,refund_rate_without_tag,converted_with_tag,conversion_rate_with_tag,contacts_without_tag,converted_without_tag,conversion_rate_without_tag",
      "vip,3,0,3,2,2,1,0.5,2,1,0.5,1,0.5,5,2,0.4",
      "suporte,3,1,2,2,1,0,0,3,2,0.6667,2,1,5,1,0.2",
      "reembolso,1,0,1,1,1,1,1,3,1,0.3333,0,0,6,3,0.5",
    ]);
    const series = await t.request(
      "GET",
      `/api/v1/analytics/tags?${RANGE}&bucket=week&format=csv&table=series`,
    );
    expect(
      series.body
        .replace(/^\uFEFF/, "")
        .trimEnd()
        .split("\r\n"),
    ).toEqual([
      "bucket,tag,added,removed",
      "2026-11-09,vip,1,0",
      "2026-11-16,reembolso,1,0",
      "2026-11-16,suporte,3,1",
      "2026-11-16,vip,2,0",
    ]);
  });
});
