import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeWhatsApp } from "../../test/fake-whatsapp.ts";
import { connectFakeWhatsApp, deliverMetaWebhook } from "../../test/fake-whatsapp-connection.ts";
import {
  connectHotmart,
  deliverHotmart,
  studentClubEvent,
  studentPurchase,
} from "../../test/hotmart-door.ts";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { DispatchView } from "../automation/review-dispatches.ts";
import { sweepDispatches } from "../automation/sweep-dispatches.ts";
import type { EffectivenessFunnel, EffectivenessRow } from "./report-automation-effectiveness.ts";

const fixture = (path: string) =>
  readFileSync(new URL(`../../fixtures/webhooks/${path}`, import.meta.url), "utf8");
const STATUS = fixture("meta/whatsapp-status-delivered.json");
const LUMINA = { id: "5123487", name: "Clube Lumina de Fotografia" };
const STUDENTS = ["s1", "s2", "s3", "s4", "s5", "s6"] as const;
type Student = (typeof STUDENTS)[number];
const WELCOME = "Compra aprovada → boas-vindas no WhatsApp";
const MODULE_RULE = "Módulo concluído → parabéns + etiqueta Conquista";
const RESCUE = "Resgate de acesso (comprou há mais de 24 h e não acessou)";
const MINUTE = 60_000;

let t: TestApp;
let whatsapp: Awaited<ReturnType<typeof startFakeWhatsApp>>;
let hotmartUrl: string;
let metaUrl: string;
const ruleIds = new Map<string, string>();

const email = (student: Student) => `${student}@example.com`;

const deliver = (body: unknown) => deliverHotmart(t, hotmartUrl, body);

/** PURCHASE_APPROVED through the Hotmart door, bought on the 20th (the rescue's 24 h have passed). */
function purchase(student: Student) {
  const phone = `119222200${String(STUDENTS.indexOf(student)).padStart(2, "0")}`;
  const approvedAt = Date.parse("2026-11-20T12:00:00Z");
  return deliver(studentPurchase({ student, email: email(student), phone, product: LUMINA, approvedAt }));
}

function clubEvent(student: Student, event: "CLUB_FIRST_ACCESS" | "CLUB_MODULE_COMPLETED", at: number) {
  return deliver(
    studentClubEvent({ id: `${event}-${student}`, event, email: email(student), product: LUMINA, at }),
  );
}

async function contactId(student: Student): Promise<string> {
  const row = await t.app.deps.db
    .selectFrom("contacts")
    .select("id")
    .where("email", "=", email(student))
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The dispatch of `rule` for the student. */
async function dispatchOf(rule: string, student: Student): Promise<DispatchView> {
  const response = await t.request(
    "GET",
    `/api/v1/dispatches?ruleId=${ruleIds.get(rule)}&contactId=${await contactId(student)}`,
  );
  const [found] = (response.json() as { items: DispatchView[] }).items;
  if (!found) throw new Error(`no ${rule} dispatch for ${student}`);
  return found;
}

/** The WhatsApp message id Meta gave the dispatch's send. */
async function wamidOf(dispatchId: string): Promise<string> {
  const { rows } = await sql<{ provider_message_id: string }>`
    select provider_message_id from dispatches where id = ${dispatchId}
  `.execute(t.app.deps.db);
  return rows[0]?.provider_message_id ?? "";
}

/** Meta's status webhook for one of our messages, signed. */
async function whatsappStatus(dispatchId: string, status: "delivered" | "read" | "failed") {
  const payload = JSON.parse(STATUS);
  const value = payload.entry[0].changes[0].value;
  const wamid = await wamidOf(dispatchId);
  value.metadata.phone_number_id = whatsapp.phoneNumberId;
  value.statuses[0].id = wamid;
  value.statuses[0].status = status;
  value.statuses[0].recipient_id = whatsapp.messages.find((message) => message.id === wamid)?.to;
  value.statuses[0].timestamp = String(Math.floor(Date.parse(FIXED_NOW) / 1000) + 60);
  delete value.statuses[0].biz_opaque_callback_data;
  if (status === "failed") value.statuses[0].errors = [{ code: 131026, title: "Message undeliverable" }];
  expect((await deliverMetaWebhook(t, metaUrl, payload)).statusCode).toBeLessThan(300);
  await t.drain();
}

/** A click on the dispatch's tracked link, through /r/{token}. */
async function click(dispatchId: string) {
  const { rows } = await sql<{ token: string }>`
    select token from tracked_links where dispatch_id = ${dispatchId}
  `.execute(t.app.deps.db);
  expect(rows).toHaveLength(1);
  expect((await t.request("GET", `/r/${rows[0]?.token}`, { token: null })).statusCode).toBe(302);
}

/** Moves the clock to `minutes` after FIXED_NOW (and signs in again: tokens follow the clock). */
async function at(minutes: number) {
  t.clock.set(new Date(Date.parse(FIXED_NOW) + minutes * MINUTE).toISOString());
  t.adminToken = await t.login();
}

async function report(query = "") {
  const response = await t.request("GET", `/api/v1/analytics/automation${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    from: string | null;
    to: string | null;
    items: EffectivenessRow[];
    totals: EffectivenessFunnel;
  };
}

beforeAll(async () => {
  whatsapp = await startFakeWhatsApp({ ratePerSecond: 500 });
  t = await createTestApp({
    FUNIL_META_GRAPH_URL: whatsapp.url,
    FUNIL_WHATSAPP_RATE_PER_SECOND: "400",
    PUBLIC_URL: "https://funil.example",
  });
  hotmartUrl = await connectHotmart(t);
  metaUrl = (await connectFakeWhatsApp(t, whatsapp)).webhookUrl;
  const rules = (await t.request("GET", "/api/v1/automation-rules")).json() as {
    items: { id: string; name: string }[];
  };
  for (const rule of rules.items) ruleIds.set(rule.name, rule.id);

  // Six purchases: the automatic welcome goes out to each (s1's before the course had a link).
  await purchase("s1");
  const products = (await t.request("GET", "/api/v1/products")).json() as { items: { id: string }[] };
  await t.request("PATCH", `/api/v1/products/${products.items[0]?.id}`, {
    body: { accessUrl: "https://lumina.example/area" },
  });
  for (const student of STUDENTS.slice(1)) await purchase(student);
  expect(whatsapp.messages).toHaveLength(6);
  // Meta reports s2's welcome delivered, s3's read and s4's failed; s2 clicks its link twice.
  await whatsappStatus((await dispatchOf(WELCOME, "s2")).id, "delivered");
  await whatsappStatus((await dispatchOf(WELCOME, "s3")).id, "read");
  await whatsappStatus((await dispatchOf(WELCOME, "s4")).id, "failed");
  await click((await dispatchOf(WELCOME, "s2")).id);
  await click((await dispatchOf(WELCOME, "s2")).id);

  // s1 accessed; the daily rescue suggests the other five, and people decide over two hours.
  await clubEvent("s1", "CLUB_FIRST_ACCESS", Date.parse("2026-11-21T10:00:00Z"));
  const run = await t.request("POST", `/api/v1/automation-rules/${ruleIds.get(RESCUE)}/run`);
  expect(run.json()).toMatchObject({ created: 5 });
  await recordOptOut("s6");
  await at(30);
  const s2 = await dispatchOf(RESCUE, "s2");
  expect((await t.request("POST", `/api/v1/dispatches/${s2.id}/approve`, { body: {} })).statusCode).toBe(200);
  await t.drain();
  await at(60);
  // Edited: free text outside the 24-hour window, refused at send time.
  const s3 = await dispatchOf(RESCUE, "s3");
  await t.request("POST", `/api/v1/dispatches/${s3.id}/approve`, { body: { body: "Oi! Conseguiu entrar?" } });
  await t.drain();
  await at(90);
  await t.request("POST", `/api/v1/dispatches/${(await dispatchOf(RESCUE, "s4")).id}/reject`, { body: {} });
  await at(120);
  await t.request("POST", `/api/v1/dispatches/${(await dispatchOf(RESCUE, "s6")).id}/approve`, { body: {} });
  await t.drain();
  expect(whatsapp.messages).toHaveLength(7);
  await whatsappStatus(s2.id, "read");
  await click(s2.id);

  // Nobody decides s5's: it expires. Then s1 completes a module (two suggestions, still pending).
  await at(73 * 60);
  expect(await sweepDispatches(t.app.deps)).toMatchObject({ expired: 1 });
  await clubEvent("s1", "CLUB_MODULE_COMPLETED", Date.parse(FIXED_NOW) + 73 * 3600_000);
});

async function recordOptOut(student: Student) {
  const response = await t.request("POST", "/api/v1/consents", {
    body: { contactId: await contactId(student), channel: "all", category: "all", granted: false },
  });
  expect(response.statusCode).toBe(201);
}

afterAll(async () => {
  await t.close();
  await whatsapp.close();
});

const zeroRates = { approved: null, sent: null, delivered: null, clicked: null };

describe("automation effectiveness", () => {
  it("per rule and channel: suggested → approved → sent → delivered → clicked, refusals by reason, time to decide", async () => {
    const all = await report();
    expect(all.from).toBeNull();
    expect(all.items).toEqual([
      {
        ruleId: ruleIds.get(WELCOME),
        ruleName: WELCOME,
        builtin: "welcome",
        channel: "whatsapp",
        suggested: 6,
        pending: 0,
        approved: 6,
        automatic: 6,
        rejected: 0,
        expired: 0,
        sent: 6,
        delivered: 2,
        clicked: 1,
        refused: 0,
        refusedByReason: {},
        failed: 0,
        unknown: 0,
        medianMinutesToDecision: null,
        rates: { approved: 1, sent: 1, delivered: 0.3333, clicked: 0.1667 },
      },
      {
        ruleId: ruleIds.get(MODULE_RULE),
        ruleName: MODULE_RULE,
        builtin: "module_completed",
        channel: "chatwoot_label",
        suggested: 1,
        pending: 1,
        approved: 0,
        automatic: 0,
        rejected: 0,
        expired: 0,
        sent: 0,
        delivered: null,
        clicked: 0,
        refused: 0,
        refusedByReason: {},
        failed: 0,
        unknown: 0,
        medianMinutesToDecision: null,
        rates: { approved: 0, sent: null, delivered: null, clicked: null },
      },
      expect.objectContaining({
        ruleName: MODULE_RULE,
        channel: "whatsapp",
        suggested: 1,
        pending: 1,
        delivered: 0,
        rates: { approved: 0, sent: null, delivered: null, clicked: null },
      }),
      {
        ruleId: ruleIds.get(RESCUE),
        ruleName: RESCUE,
        builtin: "access_rescue",
        channel: "whatsapp",
        suggested: 5,
        pending: 0,
        approved: 3,
        automatic: 0,
        rejected: 1,
        expired: 1,
        sent: 1,
        delivered: 1,
        clicked: 1,
        refused: 2,
        refusedByReason: { opt_out: 1, window_closed: 1 },
        failed: 0,
        unknown: 0,
        // 30, 60, 90 and 120 minutes
        medianMinutesToDecision: 75,
        rates: { approved: 0.6, sent: 0.3333, delivered: 1, clicked: 1 },
      },
    ]);
    expect(all.totals).toEqual({
      suggested: 13,
      pending: 2,
      approved: 9,
      automatic: 6,
      rejected: 1,
      expired: 1,
      sent: 7,
      delivered: 3,
      clicked: 2,
      refused: 2,
      refusedByReason: { opt_out: 1, window_closed: 1 },
      failed: 0,
      unknown: 0,
      medianMinutesToDecision: 75,
      rates: { approved: 0.6923, sent: 0.7778, delivered: 0.4286, clicked: 0.2857 },
    });
  });

  it("by range (whole days in the workspace's time zone), rule and channel", async () => {
    const day = await report("?from=2026-11-23&to=2026-11-23");
    expect(day.from).toBe("2026-11-23T03:00:00.000Z");
    expect(day.to).toBe("2026-11-24T03:00:00.000Z");
    expect(day.items.map((item) => [item.ruleName, item.channel, item.suggested])).toEqual([
      [WELCOME, "whatsapp", 6],
      [RESCUE, "whatsapp", 5],
    ]);
    expect(day.totals.suggested).toBe(11);

    const rescue = await report(`?ruleId=${ruleIds.get(RESCUE)}`);
    expect(rescue.items).toHaveLength(1);
    expect(rescue.totals).toMatchObject({
      suggested: 5,
      sent: 1,
      refusedByReason: { opt_out: 1, window_closed: 1 },
    });

    const labels = await report("?channel=chatwoot_label");
    expect(labels.items.map((item) => item.channel)).toEqual(["chatwoot_label"]);
    expect(labels.totals).toMatchObject({ suggested: 1, pending: 1, delivered: null });

    const none = await report("?from=2026-12-01");
    expect(none.items).toEqual([]);
    expect(none.totals).toMatchObject({
      suggested: 0,
      delivered: null,
      medianMinutesToDecision: null,
      rates: zeroRates,
    });

    expect(
      (await t.request("GET", "/api/v1/analytics/automation?from=2026-11-30&to=2026-11-01")).statusCode,
    ).toBe(400);
    expect((await t.request("GET", "/api/v1/analytics/automation?channel=fax")).statusCode).toBe(400);
  });

  it("as CSV: a row per rule and channel, then the totals", async () => {
    const response = await t.request("GET", "/api/v1/analytics/automation?format=csv");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers["content-disposition"]).toBe(
      'attachment; filename="automation-effectiveness.csv"',
    );
    const lines = response.body
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe(
      "rule_id,rule,channel,suggested,pending,approved,automatic,rejected,expired,sent,delivered,clicked,refused,refused_by_reason,failed,unknown,median_minutes_to_decision,approved_rate,sent_rate,delivered_rate,clicked_rate",
    );
    expect(lines).toHaveLength(6);
    expect(lines[4]).toBe(
      `${ruleIds.get(RESCUE)},Resgate de acesso (comprou há mais de 24 h e não acessou),whatsapp,5,0,3,0,1,1,1,1,1,2,opt_out:1 window_closed:1,0,0,75,0.6,0.3333,1,1`,
    );
    expect(lines[5]).toBe(
      ",total,,13,2,9,6,1,1,7,3,2,2,opt_out:1 window_closed:1,0,0,75,0.6923,0.7778,0.4286,0.2857",
    );
  });

  it("is for analytics readers: a sales member is refused", async () => {
    const me = (await t.request("GET", "/api/v1/auth/me")).json() as { workspaceId: string };
    await t.request("POST", `/api/v1/workspaces/${me.workspaceId}/members`, {
      body: { email: "vendas@funil.test", password: "a-long-password", role: "sales" },
    });
    const sales = await t.login("vendas@funil.test", "a-long-password");
    const refused = await t.request("GET", "/api/v1/analytics/automation", { token: sales });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers["content-type"]).toContain("application/problem+json");
  });
});
