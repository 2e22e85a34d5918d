import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import type { SlaView } from "./schemas.ts";
import { sweepSla } from "./sweep-sla.ts";

// FIXED_NOW is Monday 2026-11-23 12:00Z = 09:00 in São Paulo (UTC−3).
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  const calendar = await t.request("PUT", "/api/v1/business-calendar", {
    body: {
      timeZone: "America/Sao_Paulo",
      days: [1, 2, 3, 4, 5],
      start: "09:00",
      end: "18:00",
      holidays: ["2026-11-24"],
    },
  });
  expect(calendar.statusCode, calendar.body).toBe(200);
  for (const policy of [
    { name: "Padrão", targetMinutes: 30 },
    { name: "Instagram", source: "instagram", targetMinutes: 15 },
  ]) {
    expect((await t.request("POST", "/api/v1/sla-policies", { body: policy })).statusCode).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
});

async function lead(name: string, source?: string) {
  const response = await t.request("POST", "/api/v1/leads", {
    body: { name, email: `${name.toLowerCase()}@example.com`, ...(source ? { source } : {}) },
  });
  return (response.json() as { id: string }).id;
}

async function sla(contactId: string) {
  return ((await t.request("GET", `/api/v1/leads/${contactId}/sla`)).json() as { sla: SlaView | null }).sla;
}

async function at(iso: string) {
  t.clock.set(iso);
  t.adminToken = await t.login();
}

describe("first-response SLA", () => {
  let answered: string;
  let late: string;

  it("starts a timer for each new lead, due after the target in business time", async () => {
    answered = await lead("Fabi");
    const fromInstagram = await lead("Gabi", "instagram");
    expect(await sweepSla(t.app.deps)).toEqual({ started: 2, met: 0, breached: 0 });
    expect(await sla(answered)).toMatchObject({
      status: "running",
      policy: "Padrão",
      dueAt: "2026-11-23T12:30:00.000Z",
      minutesLeft: 30,
    });
    expect((await sla(fromInstagram))?.dueAt).toBe("2026-11-23T12:15:00.000Z");
  });

  it("is met by the first outbound interaction in time", async () => {
    await at("2026-11-23T12:10:00.000Z");
    await t.request("POST", `/api/v1/leads/${answered}/interactions`, {
      body: { channel: "call", result: "atendeu" },
    });
    expect((await sweepSla(t.app.deps)).met).toBe(1);
    expect(await sla(answered)).toMatchObject({ status: "met", businessMinutes: 10, minutesLeft: null });
  });

  it("runs only in working time: a lead at 17:50 before a holiday is due two days later", async () => {
    await at("2026-11-23T20:50:00.000Z"); // Monday 17:50; Tuesday the 24th is a holiday
    late = await lead("Hugo");
    await sweepSla(t.app.deps);
    expect((await sla(late))?.dueAt).toBe("2026-11-25T12:20:00.000Z");
    await at("2026-11-25T12:19:00.000Z");
    await sweepSla(t.app.deps);
    expect(await sla(late)).toMatchObject({ status: "running", minutesLeft: 1 });
  });

  it("breaches once it is overdue: one alert without personal data, escalated to a manager", async () => {
    await at("2026-11-25T12:21:00.000Z");
    const first = await sweepSla(t.app.deps);
    expect(first.breached).toBe(1); // Hugo (Gabi, from Instagram, was breached on Monday evening)
    expect(await sweepSla(t.app.deps)).toEqual({ started: 0, met: 0, breached: 0 });
    expect(await sla(late)).toMatchObject({ status: "breached", breachedAt: "2026-11-25T12:21:00.000Z" });
    const alerts = (await t.request("GET", "/api/v1/alerts")).json() as {
      items: { kind: string; text: string; details: { contactId: string; escalatedTo: string | null } }[];
    };
    const breaches = alerts.items.filter((alert) => alert.kind.startsWith("crm.sla-breach:"));
    expect(breaches).toHaveLength(2);
    const hugo = breaches.find((alert) => alert.details.contactId === late);
    expect(hugo?.text).not.toContain("Hugo");
    expect(hugo?.details.escalatedTo).toEqual(expect.any(String));
  });

  it("reports compliance by owner and by stage", async () => {
    const report = (await t.request("GET", "/api/v1/sla/report?from=2026-11-01T00:00:00Z")).json() as {
      byOwner: { key: string; met: number; breached: number; running: number; compliance: number | null }[];
      byStage: { key: string; met: number; breached: number }[];
    };
    expect(report.byOwner).toEqual([
      { key: "none", label: null, met: 1, breached: 2, running: 0, compliance: 1 / 3 },
    ]);
    expect(report.byStage.map((row) => [row.key, row.met, row.breached])).toEqual([["none", 1, 2]]);
  });
});

describe("first-response targets per pipeline", () => {
  let pipelineId: string;

  async function deal(contactId: string) {
    const response = await t.request("POST", "/api/v1/deals", { body: { contactId, pipelineId } });
    expect(response.statusCode, response.body).toBe(201);
  }

  it("takes a pipeline's target over the source's once the lead has a deal there", async () => {
    await at("2026-11-25T13:00:00.000Z"); // Wednesday 10:00 in São Paulo
    const pipeline = await t.request("POST", "/api/v1/pipelines", { body: { name: "Inbound quente" } });
    pipelineId = (pipeline.json() as { id: string }).id;
    const policy = await t.request("POST", "/api/v1/sla-policies", {
      body: { name: "Quente", pipelineId, targetMinutes: 5 },
    });
    expect(policy.statusCode, policy.body).toBe(201);
    expect(policy.json()).toMatchObject({ pipelineId, source: null, targetMinutes: 5 });

    const withDeal = await lead("Iara", "instagram");
    await deal(withDeal);
    const later = await lead("Joca", "instagram");
    expect((await sweepSla(t.app.deps)).started).toBe(2);
    expect(await sla(withDeal)).toMatchObject({ policy: "Quente", dueAt: "2026-11-25T13:05:00.000Z" });
    expect(await sla(later)).toMatchObject({ policy: "Instagram", dueAt: "2026-11-25T13:15:00.000Z" });

    // Joca's deal comes two minutes later: the timer keeps its start and takes the pipeline's target.
    await at("2026-11-25T13:02:00.000Z");
    await deal(later);
    await sweepSla(t.app.deps);
    expect(await sla(later)).toMatchObject({
      status: "running",
      policy: "Quente",
      startedAt: "2026-11-25T13:00:00.000Z",
      dueAt: "2026-11-25T13:05:00.000Z",
    });
  });

  it("refuses a pipeline of another workspace or none at all", async () => {
    const response = await t.request("POST", "/api/v1/sla-policies", {
      body: { name: "x", pipelineId: "00000000-0000-4000-8000-000000000000", targetMinutes: 5 },
    });
    expect(response.statusCode).toBe(422);
    expect((response.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("pipelineId");
  });
});
