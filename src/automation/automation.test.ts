import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeChatwoot } from "../../test/fake-chatwoot.ts";
import { startFakeSlack } from "../../test/fake-slack.ts";
import { startFakeSmtp } from "../../test/fake-smtp.ts";
import { startFakeWhatsApp } from "../../test/fake-whatsapp.ts";
import { connectFakeWhatsApp, deliverMetaWebhook } from "../../test/fake-whatsapp-connection.ts";
import { connectHotmart, deliverHotmart } from "../../test/hotmart-door.ts";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { RuleView } from "./manage-rules.ts";
import type { DispatchView } from "./review-dispatches.ts";
import type { RunSummary } from "./run-scheduled-rule.ts";
import { sendDispatches } from "./send-dispatches.ts";
import { sweepDispatches } from "./sweep-dispatches.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/webhooks/hotmart/${name}.json`, import.meta.url), "utf8");
const APPROVED = fixture("purchase-approved");
const MODULE = fixture("club-module-completed");

let t: TestApp;
let whatsapp: Awaited<ReturnType<typeof startFakeWhatsApp>>;
let chatwoot: Awaited<ReturnType<typeof startFakeChatwoot>>;
let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
let slack: Awaited<ReturnType<typeof startFakeSlack>>;
let hotmartUrl: string;
let metaUrl: string;

beforeAll(async () => {
  whatsapp = await startFakeWhatsApp({ ratePerSecond: 500 });
  chatwoot = await startFakeChatwoot({
    apiToken: "cw-token",
    accountId: 3,
    conversations: { 42: ["aluno"] },
  });
  smtp = await startFakeSmtp();
  slack = await startFakeSlack();
  t = await createTestApp({
    FUNIL_META_GRAPH_URL: whatsapp.url,
    FUNIL_SMTP_URL: smtp.url,
    FUNIL_FETCH_ALLOW_HOSTS: `${chatwoot.host},${slack.host}`,
    FUNIL_WHATSAPP_RATE_PER_SECOND: "400",
    PUBLIC_URL: "https://funil.example",
  });
  hotmartUrl = await connectHotmart(t);
  metaUrl = (await connectFakeWhatsApp(t, whatsapp)).webhookUrl;
  const cw = await t.request("POST", "/api/v1/connections", {
    body: {
      type: "chatwoot",
      name: "Chatwoot",
      config: { baseUrl: chatwoot.url, apiToken: "cw-token", accountId: 3 },
    },
  });
  expect(cw.statusCode).toBe(201);
});

afterAll(async () => {
  await t.close();
  await whatsapp.close();
  await chatwoot.close();
  await smtp.close();
  await slack.close();
});

/** A Hotmart event as another one: its own id, buyer and transaction. */
function hotmart(
  base: string,
  changes: {
    id: string;
    email?: string;
    phone?: string;
    transaction?: string;
    moduleId?: string;
    at?: number;
  },
) {
  const body = JSON.parse(base) as {
    id: string;
    data: {
      purchase?: { transaction: string };
      buyer?: { email: string; checkout_phone?: string };
      user?: { email: string };
      module?: { id: string; name: string };
    };
  };
  body.id = changes.id;
  if (changes.at) (body as { creation_date?: number }).creation_date = changes.at;
  if (changes.transaction && body.data.purchase) body.data.purchase.transaction = changes.transaction;
  if (changes.phone && body.data.buyer) body.data.buyer.checkout_phone = changes.phone;
  if (changes.email) {
    if (body.data.buyer) body.data.buyer.email = changes.email;
    if (body.data.user) body.data.user.email = changes.email;
  }
  if (changes.moduleId && body.data.module)
    body.data.module = { id: changes.moduleId, name: `Módulo ${changes.moduleId}` };
  return JSON.stringify(body);
}

const deliver = (body: unknown) => deliverHotmart(t, hotmartUrl, body);

async function rules(): Promise<RuleView[]> {
  return ((await t.request("GET", "/api/v1/automation-rules")).json() as { items: RuleView[] }).items;
}

async function rule(builtin: string): Promise<RuleView> {
  const found = (await rules()).find((item) => item.builtin === builtin);
  if (!found) throw new Error(`no rule ${builtin}`);
  return found;
}

async function dispatches(query = ""): Promise<DispatchView[]> {
  const response = await t.request("GET", `/api/v1/dispatches?limit=200${query}`);
  expect(response.statusCode).toBe(200);
  return (response.json() as { items: DispatchView[] }).items;
}

async function contactId(email: string): Promise<string> {
  const row = await t.app.deps.db
    .selectFrom("contacts")
    .select("id")
    .where("email", "=", email)
    .executeTakeFirstOrThrow();
  return row.id;
}

describe("built-in rules", () => {
  it("are seeded in the workspace: only the welcome sends on its own, per-temperature warm/cold start off", async () => {
    const items = await rules();
    expect(items.map((item) => [item.builtin, item.trigger, item.mode, item.enabled])).toEqual([
      ["welcome", "purchase.approved", "auto", true],
      ["access_rescue", "schedule", "suggest", true],
      ["stalled_student", "schedule", "suggest", true],
      ["module_completed", "module.completed", "suggest", true],
      ["hot_lead", "lead.temperature_changed", "suggest", true],
      ["warm_lead", "lead.temperature_changed", "suggest", false],
      ["cold_lead", "lead.temperature_changed", "suggest", false],
    ]);
    expect(items.find((item) => item.builtin === "access_rescue")?.schedule).toEqual({
      query: "access_rescue",
      cron: "0 9 * * *",
    });
  });
});

describe("purchase approved → welcome on WhatsApp (auto)", () => {
  it("sends the product's welcome template once, with a tracked link, even when Hotmart repeats the event", async () => {
    const products = (await t.request("GET", "/api/v1/products")).json() as { items: { id: string }[] };
    expect(products.items).toHaveLength(0);
    await deliver(hotmart(APPROVED, { id: "evt-approved-1" }));
    const product = ((await t.request("GET", "/api/v1/products")).json() as { items: { id: string }[] })
      .items[0];
    expect(product).toBeDefined();

    expect(whatsapp.messages).toHaveLength(1);
    const sent = whatsapp.messages[0];
    expect(sent?.type).toBe("template");
    expect(sent?.to).toBe("5511987654321");
    expect(sent?.template?.name).toBe("boas_vindas_aluno");
    expect(sent?.template?.language).toBe("pt_BR");
    expect(sent?.template?.bodyParameters.slice(0, 2)).toEqual(["Marina", "Clube Lumina de Fotografia"]);
    expect(sent?.callbackData).toMatch(/^dispatch:/);

    // The same event again (Hotmart sends twice) and a job run twice: still one message.
    await deliver(hotmart(APPROVED, { id: "evt-approved-1" }));
    const [welcome] = await dispatches("&channel=whatsapp");
    expect(welcome).toMatchObject({
      status: "sent",
      channel: "whatsapp",
      reason: expect.stringContaining("boas-vindas"),
    });
    await sendDispatches(t.app.deps, [welcome?.id as string]);
    expect(whatsapp.messages).toHaveLength(1);

    // The message is in the contact's interactions, where WhatsApp statuses land.
    const marina = await contactId("marina.tavares@example.com");
    const { rows: interactions } = await sql`
      select direction, external_key, status from interactions where contact_id = ${marina}
    `.execute(t.app.deps.db);
    expect(interactions).toEqual([{ direction: "outbound", external_key: `wa:${sent?.id}`, status: "sent" }]);
    const runs = (
      await t.request("GET", `/api/v1/automation-rules/${(await rule("welcome")).id}/runs`)
    ).json() as {
      items: RunSummary[];
    };
    expect(runs.items).toHaveLength(1);
    expect(runs.items[0]).toMatchObject({ cause: "event", matched: 1, created: 1, status: "done" });
  });

  it("uses the product's own template name and access link, and does nothing for unmonitored products", async () => {
    const product = ((await t.request("GET", "/api/v1/products")).json() as { items: { id: string }[] })
      .items[0];
    const patched = await t.request("PATCH", `/api/v1/products/${product?.id}`, {
      body: { welcomeTemplate: "boas_vindas_lumina", accessUrl: "https://lumina.example/area" },
    });
    expect(patched.statusCode).toBe(200);
    // A person's edit may space the placeholder: {{ link }} still gets a tracked link.
    const [welcome] = (
      (await t.request("GET", "/api/v1/message-templates?purpose=welcome&channel=whatsapp")).json() as {
        items: { id: string; body: string }[];
      }
    ).items;
    const spaced = await t.request("PATCH", `/api/v1/message-templates/${welcome?.id}`, {
      body: { body: welcome?.body.replace("{{link}}", "{{ link }}") },
    });
    expect(spaced.statusCode).toBe(200);
    await deliver(
      hotmart(APPROVED, {
        id: "evt-approved-2",
        email: "joana@example.com",
        phone: "11912345678",
        transaction: "HP-2",
      }),
    );
    const last = whatsapp.messages.at(-1);
    expect(last?.template?.name).toBe("boas_vindas_lumina");
    const link = last?.template?.bodyParameters[2] ?? "";
    expect(link).toMatch(/^https:\/\/funil\.example\/r\/[A-Za-z0-9_-]+$/);

    // The link redirects to the course and records the click.
    const token = link.split("/r/")[1] ?? "";
    const followed = await t.request("GET", `/r/${token}`, { token: null });
    expect(followed.statusCode).toBe(302);
    expect(followed.headers.location).toBe("https://lumina.example/area");
    expect((await t.request("GET", "/r/unknown-token", { token: null })).statusCode).toBe(404);

    await t.request("PATCH", `/api/v1/products/${product?.id}`, { body: { monitoring: false } });
    const before = whatsapp.messages.length;
    await deliver(
      hotmart(APPROVED, {
        id: "evt-approved-3",
        email: "nao@example.com",
        phone: "11955554444",
        transaction: "HP-3",
      }),
    );
    expect(whatsapp.messages).toHaveLength(before);
    const runs = (
      await t.request("GET", `/api/v1/automation-rules/${(await rule("welcome")).id}/runs`)
    ).json() as {
      items: RunSummary[];
    };
    await t.request("PATCH", `/api/v1/products/${product?.id}`, { body: { monitoring: true } });
    expect(runs.items).toContainEqual(
      expect.objectContaining({
        matched: 0,
        created: 0,
        error: expect.stringContaining("product.monitoring"),
      }),
    );
  });

  it("attributes a first access to our link when the click came first", async () => {
    const joana = await contactId("joana@example.com");
    const firstAccess = hotmart(MODULE, {
      id: "evt-first-access",
      email: "joana@example.com",
      at: Date.parse(FIXED_NOW) + 3600_000,
    }).replace('"CLUB_MODULE_COMPLETED"', '"CLUB_FIRST_ACCESS"');
    await deliver(firstAccess);
    const enrollments = (await t.request("GET", `/api/v1/enrollments?contactId=${joana}`)).json() as {
      items: { firstAccessOrigin: string }[];
    };
    expect(enrollments.items[0]?.firstAccessOrigin).toBe("whatsapp_link");
  });
});

describe("the dispatch queue", () => {
  it("access rescue suggests, a person edits and approves; free text outside the 24-hour window is refused", async () => {
    const rescue = await rule("access_rescue");
    const run = await t.request("POST", `/api/v1/automation-rules/${rescue.id}/run`);
    expect(run.statusCode).toBe(200);
    // Marina and "nao" bought (in January) and never accessed; Joana accessed.
    expect(run.json()).toMatchObject({ cause: "manual", matched: 2, created: 2, status: "done" });
    // Still matching: a second run adds nothing (re-entry only after she stops matching).
    expect((await t.request("POST", `/api/v1/automation-rules/${rescue.id}/run`)).json()).toMatchObject({
      matched: 0,
      created: 0,
    });
    const marina = await contactId("marina.tavares@example.com");
    const [pending] = await dispatches(`&status=pending&ruleId=${rescue.id}&contactId=${marina}`);
    expect(pending).toMatchObject({
      channel: "whatsapp",
      contactName: "Marina Tavares Lopes",
      status: "pending",
    });
    expect(pending?.body).toContain("Marina");
    expect(pending?.expiresAt).toBe(new Date(Date.parse(FIXED_NOW) + 72 * 3600_000).toISOString());

    const edited = await t.request("POST", `/api/v1/dispatches/${pending?.id}/approve`, {
      body: { body: "Marina, o feriado atrasou o acesso? Responda aqui que ajudamos." },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({
      status: "approved",
      originalBody: pending?.body,
      decidedBy: expect.any(String),
    });
    // A second decision is a conflict.
    const again = await t.request("POST", `/api/v1/dispatches/${pending?.id}/reject`, { body: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ detail: "This dispatch is already approved" });
    const before = whatsapp.messages.length;
    await t.drain();
    expect(whatsapp.messages).toHaveLength(before);
    const refused = (await t.request("GET", `/api/v1/dispatches/${pending?.id}`)).json() as DispatchView;
    expect(refused).toMatchObject({ status: "refused", refusal: "window_closed" });

    // Audited: who approved, and the body before → after.
    const audit = (await t.request("GET", "/api/v1/audit?entityType=dispatch")).json() as {
      items: { action: string; before: { body?: string }; after: { body?: string } }[];
    };
    expect(audit.items[0]).toMatchObject({
      action: "dispatch.approved",
      before: { body: pending?.body },
      after: { body: expect.stringContaining("feriado") },
    });
  });

  it("module completed → congratulation and the Chatwoot label Conquista, approved as a batch by module", async () => {
    const marina = await contactId("marina.tavares@example.com");
    // As a Chatwoot conversation event leaves it on the person (adapters/chatwoot/webhook.ts).
    await sql`update contacts set custom = custom || '{"chatwoot":{"conversationId":42}}'::jsonb where id = ${marina}`.execute(
      t.app.deps.db,
    );
    await deliver(hotmart(MODULE, { id: "evt-module-1" }));
    const pending = await dispatches("&status=pending");
    const congratulation = pending.filter((item) => item.reason.includes("Módulo concluído"));
    expect(congratulation.map((item) => item.channel).sort()).toEqual(["chatwoot_label", "whatsapp"]);
    expect(congratulation.find((item) => item.channel === "whatsapp")?.body).toContain(
      "Módulo 3 - Luz natural",
    );
    const list = (await t.request("GET", "/api/v1/dispatches?status=pending")).json() as {
      facets: Record<string, Record<string, number>>;
    };
    expect(list.facets.module).toEqual({ "Módulo 3 - Luz natural e contraluz": 2 });

    const batch = await t.request("POST", "/api/v1/dispatches/approve", {
      body: { filter: { facet: "module:Módulo 3 - Luz natural e contraluz" } },
    });
    expect(batch.json()).toMatchObject({ decided: 2 });
    const before = whatsapp.messages.length;
    await t.drain();
    expect(whatsapp.messages).toHaveLength(before + 1);
    expect(whatsapp.messages.at(-1)?.template?.name).toBe("parabens_modulo");
    const label = congratulation.find((item) => item.channel === "chatwoot_label");
    expect((await t.request("GET", `/api/v1/dispatches/${label?.id}`)).json()).toMatchObject({
      status: "sent",
      refusal: null,
    });
    expect(chatwoot.labels(42)).toEqual(["aluno", "Conquista"]);
    expect(chatwoot.unexpected).toEqual([]);
  });

  it("free text goes out inside the 24-hour window; a PARAR on WhatsApp stops everything after it", async () => {
    const inbound = (text: string, id: string, minutesAgo: number) => {
      const payload = JSON.parse(
        readFileSync(
          new URL("../../fixtures/webhooks/meta/whatsapp-inbound-text.json", import.meta.url),
          "utf8",
        ),
      );
      const value = payload.entry[0].changes[0].value;
      value.metadata.phone_number_id = whatsapp.phoneNumberId;
      value.contacts[0].wa_id = "5511987654321";
      value.messages[0].from = "5511987654321";
      value.messages[0].id = id;
      value.messages[0].timestamp = String(Math.floor(Date.parse(FIXED_NOW) / 1000) - minutesAgo * 60);
      value.messages[0].text.body = text;
      return deliverMetaWebhook(t, metaUrl, payload);
    };
    // Marina writes to us: the window is open for 24 hours.
    expect(
      (await inbound("Oi, não consigo entrar na área de membros", "wamid.in-1", 10)).statusCode,
    ).toBeLessThan(300);
    await t.drain();
    await deliver(hotmart(MODULE, { id: "evt-module-2", moduleId: "m4" }));
    const [suggestion] = await dispatches("&status=pending&channel=whatsapp&facet=module:Módulo m4");
    expect(suggestion).toBeDefined();
    await t.request("POST", `/api/v1/dispatches/${suggestion?.id}/approve`, {
      body: { body: "Marina, parabéns pelo módulo 4! Vi sua mensagem: o acesso foi liberado de novo." },
    });
    await t.drain();
    const last = whatsapp.messages.at(-1);
    expect(last).toMatchObject({ type: "text", text: expect.stringContaining("acesso foi liberado") });
    await t.request("POST", "/api/v1/dispatches/reject", { body: { filter: { facet: "module:Módulo m4" } } });

    // "PARAR": the opt-out holds for every later message, automatic ones included.
    expect((await inbound("PARAR", "wamid.in-2", 5)).statusCode).toBeLessThan(300);
    await t.drain();
    const before = whatsapp.messages.length;
    await deliver(hotmart(MODULE, { id: "evt-module-3", moduleId: "m5" }));
    const [next] = await dispatches("&status=pending&channel=whatsapp&facet=module:Módulo m5");
    await t.request("POST", `/api/v1/dispatches/${next?.id}/approve`, { body: {} });
    await t.drain();
    expect(whatsapp.messages).toHaveLength(before);
    expect((await t.request("GET", `/api/v1/dispatches/${next?.id}`)).json()).toMatchObject({
      status: "refused",
      refusal: "opt_out",
    });
    await t.request("POST", "/api/v1/dispatches/reject", { body: { filter: { facet: "module:Módulo m5" } } });
  });

  it("stalled students: one suggestion per student and module, re-entering only after progress", async () => {
    const stalled = await rule("stalled_student");
    const db = t.app.deps.db;
    // Joana accessed 8 days ago and completed nothing since.
    await sql`update enrollments set first_access_at = ${new Date(Date.parse(FIXED_NOW) - 8 * 86400_000)}
      where contact_id = ${await contactId("joana@example.com")}`.execute(db);
    const first = (
      await t.request("POST", `/api/v1/automation-rules/${stalled.id}/run`)
    ).json() as RunSummary;
    expect(first).toMatchObject({ matched: 1, created: 1 });
    const [suggestion] = await dispatches(`&status=pending&ruleId=${stalled.id}`);
    expect(suggestion?.body).toContain("Módulo 1");
    const rejected = await t.request("POST", `/api/v1/dispatches/${suggestion?.id}/reject`, {
      body: { note: "já falamos" },
    });
    expect(rejected.json()).toMatchObject({ status: "rejected" });
    expect((await t.request("POST", `/api/v1/automation-rules/${stalled.id}/run`)).json()).toMatchObject({
      created: 0,
    });
  });

  it("a hot lead gets Slack, CRM, webhook and follow-up suggestions", async () => {
    const hot = await rule("hot_lead");
    const lead = await t.request("POST", "/api/v1/leads", {
      body: {
        name: "Rafael Quente",
        email: "rafael@example.com",
        phone: "+55 31 98877-6655",
        source: "typeform",
        interest: "apartamento para investimento",
        city: "Belo Horizonte",
        income: 30000,
      },
    });
    expect(lead.statusCode).toBeLessThan(300);
    await t.drain();
    const suggested = await dispatches(`&status=pending&ruleId=${hot.id}`);
    expect(suggested.map((item) => item.channel).sort()).toEqual(["deal", "slack", "task", "webhook"]);
    const slackConnection = await t.request("POST", "/api/v1/connections", {
      body: { type: "slack", name: "Vendas no Slack", config: { webhookUrl: slack.url } },
    });
    expect(slackConnection.statusCode).toBe(201);
    const pipeline = await t.request("POST", "/api/v1/pipelines", {
      body: { name: "Vendas", template: "real-estate" },
    });
    expect(pipeline.statusCode).toBe(201);
    const approved = await t.request("POST", "/api/v1/dispatches/approve", {
      body: { ids: suggested.map((item) => item.id) },
    });
    expect(approved.json()).toMatchObject({ decided: 4 });
    await t.drain();
    const done = await dispatches(`&ruleId=${hot.id}`);
    expect(done.map((item) => [item.channel, item.status, item.lastError]).sort()).toEqual([
      ["deal", "sent", null],
      ["slack", "sent", null],
      ["task", "sent", null],
      ["webhook", "sent", null],
    ]);
    // Sales heard about it on Slack, with a link to the lead and no personal data.
    expect(slack.messages.map((message) => message.text)).toEqual([
      expect.stringMatching(
        /^🔥 Lead quente \(typeform\), pontuação \d+\. Abrir: https:\/\/funil\.example\/leads\/[0-9a-f-]{36}$/,
      ),
    ]);
    expect(slack.unexpected).toEqual([]);
    const rafael = await contactId("rafael@example.com");
    const { rows: tasks } = await sql`select title, due_at from tasks where contact_id = ${rafael}`.execute(
      t.app.deps.db,
    );
    expect(tasks).toEqual([
      { title: "Follow-up: lead quente", due_at: new Date(Date.parse(FIXED_NOW) + 3600_000) },
    ]);
    const { rows: deals } = await sql`select id from deals where contact_id = ${rafael}`.execute(
      t.app.deps.db,
    );
    expect(deals).toHaveLength(1);
  });

  it("an opt-out is honoured at send time, even by an automatic rule", async () => {
    const lead = await t.request("POST", "/api/v1/leads", {
      body: { name: "Pedro Sair", email: "pedro@example.com", phone: "+55 11 97777-1111", source: "api" },
    });
    expect(lead.statusCode).toBeLessThan(300);
    const pedro = await contactId("pedro@example.com");
    const consent = await t.request("POST", "/api/v1/consents", {
      body: { contactId: pedro, channel: "all", category: "all", granted: false, source: "telefone" },
    });
    expect(consent.statusCode).toBe(201);
    const before = whatsapp.messages.length;
    await deliver(
      hotmart(APPROVED, {
        id: "evt-approved-pedro",
        email: "pedro@example.com",
        phone: "11977771111",
        transaction: "HP-P",
      }),
    );
    expect(whatsapp.messages).toHaveLength(before);
    const [welcome] = await dispatches(`&contactId=${pedro}&channel=whatsapp`);
    expect(welcome).toMatchObject({ status: "refused", refusal: "opt_out" });
  });

  it("marketing e-mail needs an opt-in, checked again when a delayed message comes due", async () => {
    const warm = await rule("warm_lead");
    await t.request("PATCH", `/api/v1/automation-rules/${warm.id}`, {
      body: { enabled: true, mode: "auto", conditions: [] },
    });
    await sql`update message_templates set attachment_path = ${new URL("../../fixtures/webhooks/hotmart/purchase-approved.json", import.meta.url).pathname}
      where purpose = 'nurture_followup'`.execute(t.app.deps.db);
    await t.request("POST", "/api/v1/leads", {
      body: { name: "Lia Morna", email: "lia@example.com", source: "api" },
    });
    await t.drain();
    const lia = await contactId("lia@example.com");
    const first = await dispatches(`&contactId=${lia}&channel=email`);
    expect(first.map((item) => item.status).sort()).toEqual(["approved", "refused"]);
    expect(first.find((item) => item.status === "refused")?.refusal).toBe("no_consent");
    await t.request("POST", "/api/v1/consents", {
      body: {
        contactId: lia,
        channel: "email",
        category: "marketing",
        granted: true,
        source: "typeform:nurture",
      },
    });
    t.clock.advance(3 * 24 * 3600_000 + 60_000);
    t.adminToken = await t.login();
    await sweepDispatches(t.app.deps);
    await t.drain();
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]).toMatchObject({
      to: ["lia@example.com"],
      subject: "Lia, conseguiu ler o guia?",
    });
    expect(smtp.messages[0]?.attachments.map((file) => file.filename)).toEqual(["purchase-approved.json"]);
    await t.request("PATCH", `/api/v1/automation-rules/${warm.id}`, { body: { enabled: false } });
    t.clock.set(FIXED_NOW);
    t.adminToken = await t.login();
  });
});

describe("sending safely", () => {
  it("a crash after the call never sends twice: the sweep marks it unknown", async () => {
    const db = t.app.deps.db;
    const [sent] = await dispatches("&status=sent&channel=whatsapp");
    const claimed = new Date(Date.parse(FIXED_NOW) - 10 * 60_000);
    await sql`update dispatches set status = 'sending', claimed_at = ${claimed}, called_at = ${claimed}
      where id = ${sent?.id}`.execute(db);
    const swept = await sweepDispatches(t.app.deps);
    expect(swept.unknown).toBe(1);
    const before = whatsapp.messages.length;
    await sendDispatches(t.app.deps, [sent?.id as string]);
    await t.drain();
    expect(whatsapp.messages).toHaveLength(before);
    expect(((await t.request("GET", `/api/v1/dispatches/${sent?.id}`)).json() as DispatchView).status).toBe(
      "unknown",
    );

    // Meta's status webhook names the dispatch (biz_opaque_callback_data): it did go out.
    const status = JSON.parse(
      readFileSync(
        new URL("../../fixtures/webhooks/meta/whatsapp-status-delivered.json", import.meta.url),
        "utf8",
      ),
    );
    const value = status.entry[0].changes[0].value;
    value.metadata.phone_number_id = whatsapp.phoneNumberId;
    value.statuses[0].id = "wamid.reconciled-1";
    value.statuses[0].biz_opaque_callback_data = `dispatch:${sent?.id}`;
    const delivered = await deliverMetaWebhook(t, metaUrl, status);
    expect(delivered.statusCode).toBeLessThan(300);
    await t.drain();
    expect((await t.request("GET", `/api/v1/dispatches/${sent?.id}`)).json()).toMatchObject({
      status: "sent",
    });
  });

  it("a transient failure backs off and the sweep sends it later, once", async () => {
    const welcome = await rule("welcome");
    // A manual run is for scheduled rules only: an event rule runs when its event happens.
    expect((await t.request("POST", `/api/v1/automation-rules/${welcome.id}/run`)).statusCode).toBe(409);
    whatsapp.failNext(503);
    await deliver(
      hotmart(APPROVED, {
        id: "evt-approved-4",
        email: "lucas@example.com",
        phone: "11933332222",
        transaction: "HP-4",
      }),
    );
    const lucas = await contactId("lucas@example.com");
    const [backing] = await dispatches(`&contactId=${lucas}&status=approved`);
    expect(backing).toMatchObject({ status: "approved", lastError: "2" });
    expect(backing?.notBefore).not.toBeNull();
    const before = whatsapp.messages.length;
    t.clock.advance(60_000);
    await sweepDispatches(t.app.deps);
    await t.drain();
    expect(whatsapp.messages).toHaveLength(before + 1);
    expect(
      ((await t.request("GET", `/api/v1/dispatches/${backing?.id}`)).json() as DispatchView).status,
    ).toBe("sent");
    t.adminToken = await t.login();
  });

  it("suggestions nobody decided expire", async () => {
    t.clock.advance(73 * 3600_000);
    t.adminToken = await t.login();
    await sweepDispatches(t.app.deps);
    expect(await dispatches("&status=pending")).toEqual([]);
    const expired = await dispatches("&status=expired");
    expect(expired.length).toBeGreaterThan(0);
    expect(
      (await t.request("POST", `/api/v1/dispatches/${expired[0]?.id}/approve`, { body: {} })).statusCode,
    ).toBe(409);
    expect(whatsapp.unexpected).toEqual([]);
  });
});
