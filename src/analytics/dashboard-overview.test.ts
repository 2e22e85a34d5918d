import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signStandardWebhook } from "../../test/sign-webhook.ts";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { OverviewReport } from "./dashboard-schemas.ts";

// The overview, from data that came in through the real doors (POST /api/v1/leads, signed webhooks),
// on a fixed clock: FIXED_NOW is 2026-11-23 12:00 UTC, 09:00 in São Paulo (the default time zone).

let t: TestApp;
let workspaceId: string;
let site: { id: string; webhookUrl: string; secret: string };
const temperatures = new Map<string, string>();

let phones = 0;
const phone = () => {
  phones += 1;
  return `+55119876500${String(phones).padStart(2, "0")}`;
};
/** Name, e-mail, phone and source (10) + a high-ticket interest (15): hot. */
const HOT = () => ({ phone: phone(), interest: "apartamento na planta" });
/** Name, e-mail, phone and source (10) + a served city (5): warm. */
const WARM = () => ({ phone: phone(), city: "São Paulo" });

async function lead(name: string, source: string, at: string, extra: Record<string, unknown> = {}) {
  t.clock.set(at);
  const response = await t.request("POST", "/api/v1/leads", {
    body: { name, email: `${name.toLowerCase()}@example.com`, source, ...extra },
  });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json() as { id: string; temperature: string };
  temperatures.set(name, body.temperature);
  return body;
}

function deliver(body: string, id: string) {
  const headers = signStandardWebhook(site.secret, body, t.clock.now(), id);
  return t.request("POST", site.webhookUrl, { token: null, rawBody: body, headers });
}

async function overview(query = "", token?: string) {
  const response = await t.request("GET", `/api/v1/analytics/overview${query}`, token ? { token } : {});
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as OverviewReport;
}

beforeAll(async () => {
  t = await createTestApp();
  workspaceId = ((await t.request("GET", "/api/v1/auth/me")).json() as { workspaceId: string }).workspaceId;

  // Out of the default period (the last 30 days: 2026-10-25 … 2026-11-23).
  await lead("Kiko", "instagram", "2026-10-20T12:00:00Z");
  // Saturday 2026-11-21 in São Paulo; a connection watched for silence that never hears anything.
  t.clock.set("2026-11-21T15:00:00Z");
  const watched = await t.request("POST", "/api/v1/connections", {
    body: { type: "generic", name: "Formulário antigo", silentAfterHours: 1 },
  });
  expect(watched.statusCode).toBe(201);
  await lead("Ana", "instagram", "2026-11-21T15:00:00Z", HOT());
  await lead("Bia", "instagram", "2026-11-21T15:10:00Z", WARM());
  await lead("Caio", "typeform", "2026-11-21T16:00:00Z");
  // 02:30 UTC on the 22nd is 23:30 on the 21st in São Paulo: the 21st's.
  await lead("Duda", "instagram", "2026-11-22T02:30:00Z", HOT());
  // 03:30 UTC is 00:30 on the 22nd.
  await lead("Edu", "typeform", "2026-11-22T03:30:00Z", WARM());
  // Today, 07:30 local: before the last hour.
  await lead("Fabio", "facebook", "2026-11-23T10:30:00Z");
  // Today, in the last hour (11:00–12:00 UTC): minute 30.
  await lead("Gabi", "instagram", "2026-11-23T11:30:00Z", HOT());

  // The site's webhook: one person, one body that cannot be processed (both in the last minute).
  t.clock.set("2026-11-23T11:59:30Z");
  site = (
    await t.request("POST", "/api/v1/connections", { body: { type: "generic", name: "Site" } })
  ).json() as typeof site;
  const hugo = JSON.stringify({ type: "signup", data: { name: "Hugo", email: "hugo@example.com" } });
  expect((await deliver(hugo, "msg_hugo")).statusCode).toBe(202);
  expect((await deliver(JSON.stringify({ nothing: "here" }), "msg_bad")).statusCode).toBe(202);
  await t.drain();

  // Now: one delivery waiting to be processed, and a lead deleted straight away.
  t.clock.set(FIXED_NOW);
  const iara = JSON.stringify({ type: "signup", data: { name: "Iara", email: "iara@example.com" } });
  expect((await deliver(iara, "msg_iara")).statusCode).toBe(202);
  const jonas = await lead("Jonas", "instagram", FIXED_NOW);
  expect((await t.request("DELETE", `/api/v1/leads/${jonas.id}`)).statusCode).toBe(204);
});
afterAll(async () => {
  await t.close();
});

describe("GET /api/v1/analytics/overview", () => {
  it("counts leads per first source and local day, the temperature mix and the live figures", async () => {
    const report = await overview();
    expect(report.period).toMatchObject({
      from: "2026-10-25",
      to: "2026-11-23",
      timeZone: "America/Sao_Paulo",
      start: "2026-10-25T03:00:00.000Z",
      end: "2026-11-24T03:00:00.000Z",
    });
    expect(report.period.days).toHaveLength(30);
    const at = (day: string) => report.period.days.indexOf(day);
    const bySource = Object.fromEntries(report.leads.sources.map((line) => [line.source, line]));
    expect(report.leads.sources.map((line) => [line.source, line.total])).toEqual([
      ["instagram", 4],
      ["typeform", 2],
      ["facebook", 1],
      ["webhook", 1],
    ]);
    expect(bySource.instagram?.perDay[at("2026-11-21")]).toBe(3);
    expect(bySource.instagram?.perDay[at("2026-11-23")]).toBe(1);
    expect(bySource.typeform?.perDay[at("2026-11-22")]).toBe(1);
    expect(report.leads.total).toBe(8);
    expect(report.leads.perDay[at("2026-11-21")]).toBe(4);
    expect(report.leads.perDay[at("2026-11-22")]).toBe(1);
    expect(report.leads.perDay[at("2026-11-23")]).toBe(3);
    expect(report.leads.perDay.reduce((sum, n) => sum + n, 0)).toBe(8);

    // Ana, Duda and Gabi hot; Bia and Edu warm; the rest cold (as their own answers said).
    const counted = ["Ana", "Bia", "Caio", "Duda", "Edu", "Fabio", "Gabi"].map((name) =>
      temperatures.get(name),
    );
    expect(counted.filter((value) => value === "hot")).toHaveLength(3);
    expect(counted.filter((value) => value === "warm")).toHaveLength(2);
    // Hugo came through the webhook, scored when processed: cold.
    expect(report.temperature).toEqual({ hot: 3, warm: 2, cold: 3, unscored: 0 });

    expect(report.live).toMatchObject({
      at: FIXED_NOW,
      today: "2026-11-23",
      newLeadsToday: 3,
      backlog: 1,
      backlogOldestAt: FIXED_NOW,
      failed: 1,
    });
    // Gabi at minute 30; Hugo, the bad body, Iara and Jonas in the last minute.
    expect(report.live.intake).toMatchObject({ lastHour: 5, lastMinute: 4, perMinute: 5 / 60 });
    expect(report.live.intake.minutes).toHaveLength(60);
    expect(report.live.intake.minutes[29]).toBe(1);
    expect(report.live.intake.minutes[59]).toBe(4);

    expect(report.failedEvents).toEqual([
      expect.objectContaining({ source: "generic", attempts: 1, error: expect.stringContaining("shape") }),
    ]);
    expect(report.silentSources.map((source) => source.name)).toEqual(["Formulário antigo"]);
  });

  it("agrees with a direct count in the database", async () => {
    const report = await overview();
    const db = t.app.deps.db;
    const { rows } = await sql<{ source: string; n: number }>`
      select first_source as source, count(*)::int as n from contacts
      where workspace_id = ${workspaceId} and deleted_at is null
        and created_at >= ${new Date(report.period.start)} and created_at < ${new Date(report.period.end)}
      group by 1 order by 2 desc, 1`.execute(db);
    expect(report.leads.sources.map((line) => ({ source: line.source, n: line.total }))).toEqual(rows);
    const { rows: temps } = await sql<{ temperature: string; n: number }>`
      select s.temperature, count(*)::int as n from contacts c join contact_scores s on s.contact_id = c.id
      where c.workspace_id = ${workspaceId} and c.deleted_at is null
        and c.created_at >= ${new Date(report.period.start)} and c.created_at < ${new Date(report.period.end)}
      group by 1`.execute(db);
    for (const row of temps) {
      expect(report.temperature[row.temperature as "hot" | "warm" | "cold"]).toBe(row.n);
    }
    const { rows: events } = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from inbox_events where workspace_id = ${workspaceId} group by 1`.execute(
      db,
    );
    const count = (status: string) => events.find((row) => row.status === status)?.n ?? 0;
    expect(report.live.backlog).toBe(count("received"));
    expect(report.live.failed).toBe(count("failed"));
    const { rows: hour } = await sql<{ n: number }>`
      select count(*)::int as n from inbox_events where workspace_id = ${workspaceId}
        and received_at > ${new Date(Date.parse(FIXED_NOW) - 3_600_000)} and received_at <= ${new Date(FIXED_NOW)}`.execute(
      db,
    );
    expect(report.live.intake.lastHour).toBe(hour[0]?.n);
  });

  it("narrows the lead figures to a source and a period of local days", async () => {
    const instagram = await overview("?source=instagram");
    expect(instagram.filters).toEqual({ source: "instagram" });
    expect(instagram.leads.total).toBe(4);
    expect(instagram.leads.sources.map((line) => line.source)).toEqual(["instagram"]);
    expect(instagram.temperature).toEqual({ hot: 3, warm: 1, cold: 0, unscored: 0 });
    expect(instagram.live.newLeadsToday).toBe(1);
    // The event figures stay the workspace's.
    expect(instagram.live.backlog).toBe(1);

    const sunday = await overview("?from=2026-11-22&to=2026-11-22");
    expect(sunday.period).toMatchObject({
      days: ["2026-11-22"],
      start: "2026-11-22T03:00:00.000Z",
      end: "2026-11-23T03:00:00.000Z",
    });
    expect(sunday.leads.sources.map((line) => [line.source, line.total])).toEqual([["typeform", 1]]);

    const older = await overview("?from=2026-10-01&to=2026-10-31");
    expect(older.leads.total).toBe(1);
  });

  it("refuses a period that ends before it starts or spans more than a year", async () => {
    const backwards = await t.request("GET", "/api/v1/analytics/overview?from=2026-11-23&to=2026-11-01");
    expect(backwards.statusCode).toBe(400);
    expect(backwards.headers["content-type"]).toContain("application/problem+json");
    expect(
      (await t.request("GET", "/api/v1/analytics/overview?from=2025-01-01&to=2026-11-23")).statusCode,
    ).toBe(400);
    expect((await t.request("GET", "/api/v1/analytics/overview?from=23/11/2026")).statusCode).toBe(400);
  });

  it("exports each table as CSV with the same figures", async () => {
    const response = await t.request("GET", "/api/v1/analytics/overview?format=csv&table=leads");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers["content-disposition"]).toBe(
      'attachment; filename="painel-leads-2026-10-25_2026-11-23.csv"',
    );
    expect(response.body.startsWith("\uFEFFday,source,leads\r\n")).toBe(true);
    const lines = response.body.slice(1).trim().split("\r\n");
    expect(lines).toHaveLength(1 + 4 * 30);
    expect(lines).toContain("2026-11-21,instagram,3");
    expect(lines).toContain("2026-11-23,webhook,1");
    const total = lines.slice(1).reduce((sum, line) => sum + Number(line.split(",")[2]), 0);
    expect(total).toBe(8);

    const temperature = await t.request("GET", "/api/v1/analytics/overview?format=csv&table=temperature");
    expect(temperature.body.slice(1).trim().split("\r\n")).toEqual([
      "temperature,leads",
      "hot,3",
      "warm,2",
      "cold,3",
      "unscored,0",
    ]);
    const live = await t.request("GET", "/api/v1/analytics/overview?format=csv&table=live");
    expect(live.body).toContain("backlog,1\r\n");
    expect(live.body).toContain("new_leads_today,3\r\n");
    const intake = await t.request("GET", "/api/v1/analytics/overview?format=csv&table=intake");
    const minutes = intake.body.slice(1).trim().split("\r\n");
    expect(minutes).toHaveLength(61);
    expect(minutes.at(-1)).toBe(`${FIXED_NOW},4`);
    const silent = await t.request("GET", "/api/v1/analytics/overview?format=csv&table=silent");
    expect(silent.body).toContain(",generic,Formulário antigo,,1\r\n");
  });

  it("is for admins, managers, CS and viewers; only those who read events see the errors", async () => {
    for (const role of ["viewer", "sales"] as const) {
      const added = await t.request("POST", `/api/v1/workspaces/${workspaceId}/members`, {
        body: { email: `${role}@funil.test`, password: "a-long-password", role },
      });
      expect(added.statusCode).toBe(201);
    }
    const viewer = await t.login("viewer@funil.test", "a-long-password");
    const seen = await overview("", viewer);
    expect(seen.leads.total).toBe(8);
    expect(seen.failedEvents).toEqual([expect.objectContaining({ source: "generic", error: null })]);
    const sales = await t.login("sales@funil.test", "a-long-password");
    const refused = await t.request("GET", "/api/v1/analytics/overview", { token: sales });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers["content-type"]).toContain("application/problem+json");
  });
});
