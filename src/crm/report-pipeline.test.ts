import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import type { DealView, PipelineView } from "./schemas.ts";

let t: TestApp;
let pipeline: PipelineView;
const HOUR = 3_600_000;

const stageId = (name: string) => pipeline.stages.find((stage) => stage.name === name)?.id ?? "";

async function deal(name: string, source: string, value: number): Promise<DealView> {
  const lead = (
    await t.request("POST", "/api/v1/leads", {
      body: { name, email: `${name.toLowerCase()}@example.com`, source },
    })
  ).json() as { id: string };
  const owners = (await t.request("GET", "/api/v1/deal-owners")).json() as { items: { id: string }[] };
  return (
    await t.request("POST", "/api/v1/deals", {
      body: { contactId: lead.id, pipelineId: pipeline.id, value, ownerId: owners.items[0]?.id },
    })
  ).json() as DealView;
}

async function move(id: string, stage: string, reason?: string) {
  const response = await t.request("POST", `/api/v1/deals/${id}/move`, {
    body: { stageId: stageId(stage), ...(reason ? { reason } : {}) },
  });
  expect(response.statusCode, response.body).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp();
  pipeline = (
    await t.request("POST", "/api/v1/pipelines", { body: { name: "Vendas" } })
  ).json() as PipelineView;
});
afterAll(async () => {
  await t.close();
});

describe("pipeline report", () => {
  it("gives the funnel, outcomes by owner and source, time in stage and the reasons", async () => {
    const a = await deal("Ana", "instagram", 1000);
    const b = await deal("Bia", "instagram", 2000);
    const c = await deal("Caio", "typeform", 3000);
    t.clock.advance(2 * HOUR);
    await move(a.id, "Qualificação");
    await move(b.id, "Qualificação");
    t.clock.advance(4 * HOUR);
    await move(a.id, "Ganho", "Fechou no plano anual");
    await move(b.id, "Perdido", "Preço");
    await move(c.id, "Perdido", "Preço");
    t.adminToken = await t.login();

    const report = (await t.request("GET", `/api/v1/pipelines/${pipeline.id}/report`)).json() as {
      deals: number;
      stages: { name: string; reached: number; onward: number | null; avgHoursInStage: number | null }[];
      byOwner: { deals: number; won: number; lost: number; winRate: number; wonValue: number }[];
      bySource: { source: string; deals: number; won: number; winRate: number | null }[];
      reasons: { won: { reason: string; deals: number }[]; lost: { reason: string; deals: number }[] };
    };
    expect(report.deals).toBe(3);
    const stage = (name: string) => report.stages.find((item) => item.name === name);
    // Novo: a and b went on (to Qualificação), c was lost straight away.
    expect(stage("Novo")).toMatchObject({ reached: 3, onward: 2 / 3 });
    // Novo: a and b 2 h, c 6 h → 10/3 h; Qualificação: 4 h each.
    expect(stage("Novo")?.avgHoursInStage).toBeCloseTo(10 / 3, 5);
    // Qualificação: a went on to Ganho, b was lost.
    expect(stage("Qualificação")).toMatchObject({ reached: 2, onward: 1 / 2, avgHoursInStage: 4 });
    expect(stage("Ganho")?.reached).toBe(1);
    expect(report.byOwner).toEqual([
      expect.objectContaining({ deals: 3, won: 1, lost: 2, winRate: 1 / 3, wonValue: 1000 }),
    ]);
    expect(report.bySource.map((row) => [row.source, row.deals, row.won, row.winRate])).toEqual([
      ["instagram", 2, 1, 0.5],
      ["typeform", 1, 0, 0],
    ]);
    expect(report.reasons).toEqual({
      won: [{ reason: "Fechou no plano anual", deals: 1 }],
      lost: [{ reason: "Preço", deals: 2 }],
    });
  });
});
