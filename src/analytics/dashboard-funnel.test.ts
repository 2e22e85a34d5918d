import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { PipelineView } from "../crm/schemas.ts";
import type { FunnelReport } from "./dashboard-schemas.ts";

// The funnel from deals opened, moved and answered through the real API on a fixed clock. Friday
// 2026-11-20 09:00 in São Paulo is 12:00 UTC; the report is read at FIXED_NOW (Monday 12:00 UTC).

let t: TestApp;
let pipeline: PipelineView;
let adminId: string;
let repId: string;
let repToken: string;
const deals = new Map<string, string>();
const leads = new Map<string, string>();
const REP = { email: "rita@funil.test", password: "a-long-password" };

const stageId = (name: string) => pipeline.stages.find((stage) => stage.name === name)?.id ?? "";

async function at(iso: string) {
  t.clock.set(iso);
  t.adminToken = await t.login();
}

async function open(name: string, source: string, ownerId: string, value: number) {
  const lead = await t.request("POST", "/api/v1/leads", {
    body: { name, email: `${name.toLowerCase()}@example.com`, source },
  });
  expect(lead.statusCode).toBe(201);
  const contactId = (lead.json() as { id: string }).id;
  expect((await t.request("PATCH", `/api/v1/leads/${contactId}`, { body: { ownerId } })).statusCode).toBe(
    200,
  );
  const deal = await t.request("POST", "/api/v1/deals", {
    body: { contactId, pipelineId: pipeline.id, ownerId, value },
  });
  expect(deal.statusCode, deal.body).toBe(201);
  leads.set(name, contactId);
  deals.set(name, (deal.json() as { id: string }).id);
}

async function move(name: string, stage: string, reason?: string) {
  const response = await t.request("POST", `/api/v1/deals/${deals.get(name)}/move`, {
    body: { stageId: stageId(stage), ...(reason ? { reason } : {}) },
  });
  expect(response.statusCode, response.body).toBe(200);
}

async function answer(name: string) {
  const response = await t.request("POST", `/api/v1/leads/${leads.get(name)}/interactions`, {
    body: { channel: "call", result: "atendeu" },
  });
  expect(response.statusCode, response.body).toBe(201);
}

async function sweep() {
  expect((await t.request("POST", "/api/v1/sla/sweep")).statusCode).toBe(200);
}

async function funnel(query = "", token?: string) {
  const response = await t.request("GET", `/api/v1/analytics/funnel${query}`, token ? { token } : {});
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as FunnelReport;
}

beforeAll(async () => {
  t = await createTestApp();
  await at("2026-11-20T11:00:00Z");
  const me = (await t.request("GET", "/api/v1/auth/me")).json() as { workspaceId: string; userId: string };
  adminId = me.userId;
  const added = await t.request("POST", `/api/v1/workspaces/${me.workspaceId}/members`, {
    body: { ...REP, name: "Rita", role: "sales" },
  });
  expect(added.statusCode).toBe(201);
  const owners = (await t.request("GET", "/api/v1/deal-owners")).json() as {
    items: { id: string; email: string }[];
  };
  repId = owners.items.find((owner) => owner.email === REP.email)?.id ?? "";
  expect(
    (await t.request("POST", "/api/v1/sla-policies", { body: { name: "Padrão", targetMinutes: 30 } }))
      .statusCode,
  ).toBe(201);
  pipeline = (
    await t.request("POST", "/api/v1/pipelines", { body: { name: "Vendas" } })
  ).json() as PipelineView;

  // Friday 09:00: three leads, each with a deal in Novo; due 09:30 local (12:30 UTC).
  await at("2026-11-20T12:00:00Z");
  await open("Ana", "instagram", adminId, 1000);
  await open("Bia", "instagram", repId, 2000);
  await open("Caio", "typeform", repId, 3000);
  await sweep();
  await at("2026-11-20T12:10:00Z");
  await answer("Ana");
  await at("2026-11-20T12:20:00Z");
  await answer("Caio");
  // 10:00: a fourth lead, due 10:30; Bia was never answered.
  await at("2026-11-20T13:00:00Z");
  await open("Duda", "typeform", adminId, 4000);
  await at("2026-11-20T13:05:00Z");
  await sweep();

  await at("2026-11-20T14:00:00Z");
  await move("Ana", "Qualificação");
  await move("Bia", "Qualificação");
  await move("Caio", "Perdido", "Preço");
  await at("2026-11-20T18:00:00Z");
  await move("Ana", "Proposta");
  await move("Bia", "Perdido", "Sem orçamento");
  await at("2026-11-21T18:00:00Z");
  await move("Ana", "Ganho", "Plano anual");

  await at(FIXED_NOW);
  repToken = await t.login(REP.email, REP.password);
});
afterAll(async () => {
  await t.close();
});

describe("GET /api/v1/analytics/funnel", () => {
  it("gives entered, converted and rate by stage, time in stage, owners, sources, reasons and the SLA", async () => {
    const report = await funnel();
    expect(report.pipeline).toEqual({ id: pipeline.id, name: "Vendas" });
    expect(report.deals).toBe(4);
    const stage = (name: string) => report.stages.find((item) => item.name === name);
    expect(report.stages.map((item) => [item.name, item.entered, item.converted, item.rate])).toEqual([
      ["Novo", 4, 2, 0.5],
      ["Qualificação", 2, 1, 0.5],
      ["Reunião", 0, 0, null],
      ["Proposta", 1, 1, 1],
      ["Ganho", 1, null, null],
      ["Perdido", 2, null, null],
    ]);
    // Novo: Ana, Bia and Caio 2 h each, Duda still there (71 h); p90 interpolated: 2 + 0.7 × 69.
    expect(stage("Novo")?.hours?.average).toBeCloseTo(77 / 4, 6);
    expect(stage("Novo")?.hours?.median).toBeCloseTo(2, 6);
    expect(stage("Novo")?.hours?.p90).toBeCloseTo(50.3, 6);
    expect(stage("Qualificação")?.hours).toEqual({ average: 4, median: 4, p90: 4 });
    expect(stage("Proposta")?.hours).toEqual({ average: 24, median: 24, p90: 24 });
    expect(stage("Reunião")?.hours).toBeNull();
    expect(stage("Ganho")?.hours).toBeNull();

    const owner = (id: string) => report.byOwner.find((row) => row.ownerId === id);
    expect(owner(adminId)).toMatchObject({ deals: 2, open: 1, won: 1, lost: 0, wonValue: 1000, winRate: 1 });
    expect(owner(repId)).toMatchObject({ owner: "Rita", deals: 2, open: 0, won: 0, lost: 2, winRate: 0 });
    expect(report.bySource.map((row) => [row.source, row.deals, row.won, row.lost, row.winRate])).toEqual([
      ["instagram", 2, 1, 1, 0.5],
      ["typeform", 2, 0, 1, 0],
    ]);
    expect(report.reasons).toEqual({
      won: [{ reason: "Plano anual", deals: 1 }],
      lost: expect.arrayContaining([
        { reason: "Preço", deals: 1 },
        { reason: "Sem orçamento", deals: 1 },
      ]),
    });

    // Ana and Caio answered in time, Bia never, Duda not due yet.
    const sla = (rows: FunnelReport["sla"]["byOwner"], key: string) => rows.find((row) => row.key === key);
    expect(sla(report.sla.byOwner, adminId)).toMatchObject({
      met: 1,
      breached: 0,
      running: 1,
      compliance: 1,
    });
    expect(sla(report.sla.byOwner, repId)).toMatchObject({
      met: 1,
      breached: 1,
      running: 0,
      compliance: 0.5,
    });
    expect(sla(report.sla.byStage, "Ganho")).toMatchObject({ met: 1, breached: 0, running: 0 });
    expect(sla(report.sla.byStage, "Perdido")).toMatchObject({ met: 1, breached: 1, running: 0 });
    expect(sla(report.sla.byStage, "Novo")).toMatchObject({ met: 0, breached: 0, running: 1 });
  });

  it("is crm's own report: the same figures as the pipeline report and a direct count", async () => {
    const report = await funnel();
    const crm = (
      await t.request(
        "GET",
        `/api/v1/pipelines/${pipeline.id}/report?from=${report.period.start}&to=${report.period.end}`,
      )
    ).json() as { deals: number; stages: { name: string; reached: number }[] };
    expect(crm.deals).toBe(report.deals);
    expect(crm.stages.map((item) => item.reached)).toEqual(report.stages.map((item) => item.entered));

    const { rows } = await sql<{ name: string; n: number }>`
      select s.name, count(distinct m.deal_id)::int as n
      from deal_stage_moves m join deals d on d.id = m.deal_id join pipeline_stages s on s.id = m.to_stage_id
      where d.pipeline_id = ${pipeline.id} and d.deleted_at is null
        and d.created_at >= ${new Date(report.period.start)} and d.created_at < ${new Date(report.period.end)}
      group by 1`.execute(t.app.deps.db);
    for (const row of rows) expect(report.stages.find((item) => item.name === row.name)?.entered).toBe(row.n);
    const { rows: timers } = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from sla_timers group by 1`.execute(t.app.deps.db);
    const total = (status: "met" | "breached" | "running") =>
      report.sla.byOwner.reduce((sum, row) => sum + row[status], 0);
    for (const row of timers) expect(total(row.status as "met" | "breached" | "running")).toBe(row.n);
  });

  it("narrows by owner, by source and by period", async () => {
    const mine = await funnel(`?ownerId=${adminId}`);
    expect(mine.filters.ownerId).toBe(adminId);
    expect(mine.deals).toBe(2);
    expect(mine.stages[0]).toMatchObject({ name: "Novo", entered: 2, converted: 1, rate: 0.5 });
    expect(mine.sla.byOwner.map((row) => row.key)).toEqual([adminId]);

    const instagram = await funnel("?source=instagram");
    expect(instagram.deals).toBe(2);
    expect(instagram.stages.map((item) => item.entered)).toEqual([2, 2, 0, 1, 1, 1]);
    expect(instagram.sla.byOwner.reduce((sum, row) => sum + row.met + row.breached + row.running, 0)).toBe(2);

    const later = await funnel("?from=2026-11-21&to=2026-11-23");
    expect(later.deals).toBe(0);
    expect(later.stages.every((item) => item.entered === 0)).toBe(true);
    expect(later.sla.byOwner).toEqual([]);

    const unknown = await t.request(
      "GET",
      "/api/v1/analytics/funnel?pipelineId=00000000-0000-4000-8000-000000000000",
    );
    expect(unknown.statusCode).toBe(404);
  });

  it("shows a sales rep their own deals only, whatever owner they ask for", async () => {
    const rep = await funnel(`?ownerId=${adminId}`, repToken);
    expect(rep.filters.ownerId).toBe(repId);
    expect(rep.deals).toBe(2);
    expect(rep.byOwner.map((row) => row.ownerId)).toEqual([repId]);
    expect(rep.stages[0]).toMatchObject({ name: "Novo", entered: 2, converted: 1 });
    expect(rep.sla.byOwner.map((row) => row.key)).toEqual([repId]);
    // The overview (the workspace's intake) stays closed to sales.
    expect((await t.request("GET", "/api/v1/analytics/overview", { token: repToken })).statusCode).toBe(403);
  });

  it("exports each table as CSV with the same figures", async () => {
    const response = await t.request("GET", "/api/v1/analytics/funnel?format=csv");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-disposition"]).toBe(
      'attachment; filename="funil-stages-2026-10-25_2026-11-23.csv"',
    );
    const lines = response.body.slice(1).trim().split("\r\n");
    expect(lines[0]).toBe("stage,kind,entered,converted,rate,average_hours,median_hours,p90_hours");
    expect(lines[1]).toMatch(/^Novo,open,4,2,0\.5,19\.25,2,50\.3/);
    expect(lines[2]).toBe("Qualificação,open,2,1,0.5,4,4,4");
    expect(lines[5]).toBe("Ganho,won,1,,,,,");
    const owners = await t.request("GET", "/api/v1/analytics/funnel?format=csv&table=owners");
    expect(owners.body).toContain(`${repId},Rita,2,0,0,2,0,0\r\n`);
    const sla = await t.request("GET", "/api/v1/analytics/funnel?format=csv&table=sla-stages");
    expect(sla.body).toContain("Perdido,1,1,0,0.5\r\n");
    const reasons = await t.request("GET", "/api/v1/analytics/funnel?format=csv&table=reasons");
    expect(reasons.body).toContain("won,Plano anual,1\r\n");
  });
});
