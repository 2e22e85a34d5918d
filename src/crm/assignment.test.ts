import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { AssignmentRuleView, DealView, PipelineView } from "./schemas.ts";

let t: TestApp;
let pipeline: PipelineView;
const reps: string[] = [];
let leadCount = 0;

async function member(email: string, role: string) {
  const response = await t.request("POST", `/api/v1/workspaces/${t.app.bootstrap.workspaceId}/members`, {
    body: { email, password: "long-enough-password", role },
  });
  expect(response.statusCode).toBe(201);
  return (response.json() as { userId: string }).userId;
}

async function newDeal(source?: string): Promise<DealView> {
  leadCount++;
  const lead = await t.request("POST", "/api/v1/leads", {
    body: { name: `Lead ${leadCount}`, email: `lead${leadCount}@example.com`, ...(source ? { source } : {}) },
  });
  const response = await t.request("POST", "/api/v1/deals", {
    body: { contactId: (lead.json() as { id: string }).id, pipelineId: pipeline.id },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as DealView;
}

async function rule(body: Record<string, unknown>): Promise<AssignmentRuleView> {
  const response = await t.request("POST", "/api/v1/assignment-rules", { body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as AssignmentRuleView;
}

async function setRule(id: string, body: Record<string, unknown>) {
  const response = await t.request("PATCH", `/api/v1/assignment-rules/${id}`, { body });
  expect(response.statusCode, response.body).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp();
  pipeline = (
    await t.request("POST", "/api/v1/pipelines", { body: { name: "Vendas" } })
  ).json() as PipelineView;
  for (const name of ["ana", "bia", "caio"]) reps.push(await member(`${name}@funil.test`, "sales"));
});
afterAll(async () => {
  await t.close();
});

describe("assignment", () => {
  it("without rules leaves a new deal unassigned", async () => {
    expect((await newDeal()).owner).toBeNull();
  });

  it("round-robin is fair and its cursor persists between deals", async () => {
    const roundRobin = await rule({ name: "Rodízio", strategy: "round_robin", ownerIds: reps });
    const owners: string[] = [];
    for (let n = 0; n < 9; n++) owners.push((await newDeal()).owner?.id ?? "none");
    expect(owners).toEqual([...reps, ...reps, ...reps]);
    // Concurrent arrivals rotate too: the rule is locked while a deal takes its turn.
    const together = await Promise.all(Array.from({ length: 6 }, () => newDeal()));
    const counts = new Map<string, number>();
    for (const deal of together)
      counts.set(deal.owner?.id ?? "none", (counts.get(deal.owner?.id ?? "none") ?? 0) + 1);
    expect([...counts.values()]).toEqual([2, 2, 2]);
    const audit = (await t.request("GET", `/api/v1/deals/${together[0]?.id}/audit`)).json() as {
      items: { action: string; actor: { label: string }; after: { reason?: string } }[];
    };
    expect(audit.items.find((item) => item.action === "deal.assigned")).toMatchObject({
      actor: { label: "assignment rules" },
      after: { reason: "Rodízio: next in the rotation" },
    });
    await setRule(roundRobin.id, { enabled: false });
  });

  it("least-loaded fills whoever has the fewest open deals, and caps are respected", async () => {
    // Open deals now: 5 each (15 rotated); give Ana 2 more by hand.
    const loaded = await rule({
      name: "Menos carga",
      strategy: "least_loaded",
      ownerIds: reps,
      maxOpenDeals: 7,
    });
    for (let n = 0; n < 2; n++) {
      const deal = await newDeal();
      expect(deal.owner).not.toBeNull();
    }
    const counts = await openCounts();
    expect([...counts.values()].reduce((sum, n) => sum + n, 0)).toBe(17);
    expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
    // 17 open, cap 7 each: 4 more fit, the 5th finds everyone full and stays unassigned.
    for (let n = 0; n < 4; n++) expect((await newDeal()).owner).not.toBeNull();
    expect((await newDeal()).owner).toBeNull();
    await setRule(loaded.id, { enabled: false });
  });

  it("applies a rule only to its source and inside its hours; a later rule covers the rest", async () => {
    await rule({
      name: "Instagram em horário comercial",
      strategy: "round_robin",
      ownerIds: [reps[0]],
      source: "instagram",
      workingHours: { timeZone: "America/Sao_Paulo", days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" },
    });
    await rule({ name: "Plantão", strategy: "round_robin", ownerIds: [reps[2]], position: 10 });
    expect((await newDeal("instagram")).owner?.id).toBe(reps[0]);
    expect((await newDeal("typeform")).owner?.id).toBe(reps[2]);
    t.clock.set("2026-11-23T22:30:00.000Z"); // 19:30 in São Paulo: after hours
    try {
      expect((await newDeal("instagram")).owner?.id).toBe(reps[2]);
    } finally {
      t.clock.set(FIXED_NOW);
    }
  });

  it("refuses owners who cannot own deals and bad hours, naming the field", async () => {
    const viewer = await member("olho@funil.test", "viewer");
    const response = await t.request("POST", "/api/v1/assignment-rules", {
      body: { name: "x", strategy: "round_robin", ownerIds: [reps[0], viewer] },
    });
    expect(response.statusCode).toBe(400);
    expect((response.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("ownerIds.1");
    const hours = await t.request("POST", "/api/v1/assignment-rules", {
      body: {
        name: "x",
        strategy: "round_robin",
        ownerIds: [reps[0]],
        workingHours: { days: [1], start: "18:00", end: "09:00" },
      },
    });
    expect(hours.statusCode).toBe(400);
  });

  it("reassigns by hand with the reason audited, or by the rules; managers only", async () => {
    const deal = await newDeal("typeform");
    const byHand = await t.request("POST", `/api/v1/deals/${deal.id}/assign`, {
      body: { ownerId: reps[1], reason: "Cliente pediu a Bia" },
    });
    expect(byHand.json()).toMatchObject({ owner: { id: reps[1] } });
    const byRules = await t.request("POST", `/api/v1/deals/${deal.id}/assign`, { body: {} });
    expect(byRules.json()).toMatchObject({ owner: { id: reps[2] } });
    const audit = (await t.request("GET", `/api/v1/deals/${deal.id}/audit`)).json() as {
      items: { action: string; before: unknown; after: unknown }[];
    };
    expect(audit.items.filter((item) => item.action === "deal.assigned").map((item) => item.after)).toEqual([
      { ownerId: reps[2], reason: "Plantão: next in the rotation" },
      { ownerId: reps[1], reason: "Cliente pediu a Bia" },
      { ownerId: reps[2], reason: "Plantão: next in the rotation" },
    ]);
    const token = await t.login("ana@funil.test", "long-enough-password");
    const sales = await t.request("POST", `/api/v1/deals/${deal.id}/assign`, {
      token,
      body: { ownerId: reps[0] },
    });
    expect(sales.statusCode).toBe(403);
  });
});

async function openCounts(): Promise<Map<string, number>> {
  const { items } = (await t.request("GET", "/api/v1/deals?status=open&limit=500")).json() as {
    items: DealView[];
  };
  const counts = new Map(reps.map((id) => [id, 0]));
  for (const deal of items) if (deal.owner) counts.set(deal.owner.id, (counts.get(deal.owner.id) ?? 0) + 1);
  return counts;
}
