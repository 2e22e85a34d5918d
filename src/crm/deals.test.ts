import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import type { DealView, PipelineView } from "./schemas.ts";

let t: TestApp;
let pipeline: PipelineView;
let leadId: string;
let sales: { userId: string; token: string };
let otherSales: { userId: string; token: string };
let viewerToken: string;
let viewerId: string;

const stage = (name: string) => {
  const found = pipeline.stages.find((item) => item.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};

async function member(email: string, role: string) {
  const workspaceId = t.app.bootstrap.workspaceId;
  const response = await t.request("POST", `/api/v1/workspaces/${workspaceId}/members`, {
    body: { email, password: "long-enough-password", role },
  });
  expect(response.statusCode).toBe(201);
  const { userId } = response.json() as { userId: string };
  return { userId, token: await t.login(email, "long-enough-password") };
}

async function lead(name: string) {
  const response = await t.request("POST", "/api/v1/leads", {
    body: { name, email: `${name.toLowerCase().replaceAll(" ", ".")}@example.com` },
  });
  expect(response.statusCode).toBe(201);
  return (response.json() as { id: string }).id;
}

beforeAll(async () => {
  t = await createTestApp();
  const created = await t.request("POST", "/api/v1/pipelines", {
    body: { name: "Imóveis", template: "real-estate" },
  });
  expect(created.statusCode).toBe(201);
  pipeline = created.json() as PipelineView;
  leadId = await lead("Ana Souza");
  sales = await member("corretor@funil.test", "sales");
  otherSales = await member("outra@funil.test", "sales");
  const viewer = await member("viewer@funil.test", "viewer");
  viewerToken = viewer.token;
  viewerId = viewer.userId;
});
afterAll(async () => {
  await t.close();
});

describe("pipelines", () => {
  it("start from a template with ordered stages, probabilities and entry rules", () => {
    expect(pipeline.stages.map((item) => [item.name, item.kind, item.probability])).toEqual([
      ["Novo", "open", 0.1],
      ["Qualificação", "open", 0.2],
      ["Visita", "open", 0.4],
      ["Proposta", "open", 0.7],
      ["Fechado", "won", 1],
      ["Perdido", "lost", 0],
    ]);
    expect(stage("Proposta").requires).toEqual(["owner", "property", "value"]);
  });

  it("refuse two stages of one name, and a pipeline with no open stage", async () => {
    const twice = await t.request("POST", "/api/v1/pipelines", {
      body: { name: "x", stages: [{ name: "A" }, { name: "a" }] },
    });
    expect(twice.statusCode).toBe(400);
    expect((twice.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("stages.1.name");
    const closed = await t.request("POST", "/api/v1/pipelines", {
      body: { name: "x", stages: [{ name: "Ganho", kind: "won" }] },
    });
    expect(closed.statusCode).toBe(400);
  });

  it("list who can own a deal: members, not viewers", async () => {
    const owners = (await t.request("GET", "/api/v1/deal-owners", { token: sales.token })).json() as {
      items: { id: string; email: string }[];
    };
    expect(owners.items.map((item) => item.email)).toEqual([
      "admin@funil.test",
      "corretor@funil.test",
      "outra@funil.test",
    ]);
  });

  it("are configured by managers only", async () => {
    const response = await t.request("POST", "/api/v1/pipelines", {
      token: sales.token,
      body: { name: "Meu" },
    });
    expect(response.statusCode).toBe(403);
  });
});

describe("deals", () => {
  let deal: DealView;

  it("open in the first stage, titled after the person", async () => {
    const response = await t.request("POST", "/api/v1/deals", {
      body: { contactId: leadId, pipelineId: pipeline.id },
    });
    expect(response.statusCode).toBe(201);
    deal = response.json() as DealView;
    expect(deal).toMatchObject({
      stageName: "Novo",
      status: "open",
      title: "Ana Souza",
      owner: null,
      contact: { id: leadId, name: "Ana Souza" },
    });
  });

  it("cannot enter a stage whose rules they do not meet, and are told each rule", async () => {
    const blocked = await t.request("POST", `/api/v1/deals/${deal.id}/move`, {
      body: { stageId: stage("Proposta").id },
    });
    expect(blocked.statusCode).toBe(422);
    expect(blocked.headers["content-type"]).toContain("application/problem+json");
    const problem = blocked.json() as { detail: string; errors: { field: string; message: string }[] };
    expect(problem.detail).toBe('The deal cannot enter "Proposta" yet');
    expect(problem.errors.map((error) => error.field)).toEqual(["ownerId", "propertyRef", "value"]);
    const unchanged = (await t.request("GET", `/api/v1/deals/${deal.id}`)).json() as DealView;
    expect(unchanged.stageName).toBe("Novo");
  });

  it("move once they do, with the move and every change audited", async () => {
    const patched = await t.request("PATCH", `/api/v1/deals/${deal.id}`, {
      body: { ownerId: sales.userId, value: 480_000, propertyRef: "Apto 302, Ed. Mirante" },
    });
    expect(patched.statusCode).toBe(200);
    t.clock.advance(60_000);
    const moved = await t.request("POST", `/api/v1/deals/${deal.id}/move`, {
      body: { stageId: stage("Proposta").id },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({
      stageName: "Proposta",
      value: 480_000,
      owner: { id: sales.userId },
    });
    const audit = (await t.request("GET", `/api/v1/deals/${deal.id}/audit`)).json() as {
      items: { action: string; before: unknown; after: unknown }[];
    };
    expect(audit.items.map((item) => item.action)).toEqual([
      "deal.created",
      "deal.assigned",
      "deal.updated",
      "deal.stage_changed",
    ]);
    expect(audit.items[1]).toMatchObject({ before: { ownerId: null }, after: { ownerId: sales.userId } });
    expect(audit.items[3]).toMatchObject({ before: { stage: "Novo" }, after: { stage: "Proposta" } });
  });

  it("cannot be given to a viewer", async () => {
    const response = await t.request("PATCH", `/api/v1/deals/${deal.id}`, { body: { ownerId: viewerId } });
    expect(response.statusCode).toBe(400);
    expect((response.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("ownerId");
  });

  it("keep their stage's rules: clearing what the stage asks is refused", async () => {
    const response = await t.request("PATCH", `/api/v1/deals/${deal.id}`, { body: { propertyRef: null } });
    expect(response.statusCode).toBe(422);
  });

  it("need a reason to be lost, and are closed with it", async () => {
    const noReason = await t.request("POST", `/api/v1/deals/${deal.id}/move`, {
      body: { stageId: stage("Perdido").id },
    });
    expect(noReason.statusCode).toBe(422);
    expect((noReason.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("reason");
    const lost = await t.request("POST", `/api/v1/deals/${deal.id}/move`, {
      body: { stageId: stage("Perdido").id, reason: "Financiamento negado" },
    });
    expect(lost.json()).toMatchObject({
      status: "lost",
      closeReason: "Financiamento negado",
      closedAt: t.clock.now().toISOString(),
    });
    const reopened = await t.request("POST", `/api/v1/deals/${deal.id}/move`, {
      body: { stageId: stage("Visita").id },
    });
    expect(reopened.json()).toMatchObject({ status: "open", closeReason: null, closedAt: null });
  });

  it("are seen and changed by their own rep only; managers see them all", async () => {
    const own = await t.request("POST", "/api/v1/deals", {
      token: otherSales.token,
      body: { contactId: await lead("Bruno Lima"), pipelineId: pipeline.id },
    });
    expect(own.statusCode).toBe(201);
    const ownDeal = own.json() as DealView;
    expect(ownDeal.owner?.id).toBe(otherSales.userId);
    const mine = (await t.request("GET", "/api/v1/deals", { token: sales.token })).json() as {
      items: DealView[];
    };
    expect(mine.items.map((item) => item.id)).toEqual([deal.id]);
    expect((await t.request("GET", `/api/v1/deals/${ownDeal.id}`, { token: sales.token })).statusCode).toBe(
      404,
    );
    const steal = await t.request("PATCH", `/api/v1/deals/${ownDeal.id}`, {
      token: sales.token,
      body: { title: "meu" },
    });
    expect(steal.statusCode).toBe(404);
    const giveAway = await t.request("PATCH", `/api/v1/deals/${deal.id}`, {
      token: sales.token,
      body: { ownerId: otherSales.userId },
    });
    expect(giveAway.statusCode).toBe(403);
    const all = (await t.request("GET", "/api/v1/deals")).json() as { items: DealView[] };
    expect(all.items).toHaveLength(2);
    const viewer = await t.request("POST", `/api/v1/deals/${deal.id}/move`, {
      token: viewerToken,
      body: { stageId: stage("Novo").id },
    });
    expect(viewer.statusCode).toBe(403);
  });

  it("are listed with filters and pages", async () => {
    const byOwner = (await t.request("GET", `/api/v1/deals?ownerId=${otherSales.userId}`)).json() as {
      items: DealView[];
    };
    expect(byOwner.items.map((item) => item.title)).toEqual(["Bruno Lima"]);
    const search = (await t.request("GET", "/api/v1/deals?q=mirante")).json() as { items: DealView[] };
    expect(search.items).toHaveLength(0);
    const byName = (await t.request("GET", "/api/v1/deals?q=ana")).json() as { items: DealView[] };
    expect(byName.items.map((item) => item.id)).toEqual([deal.id]);
    const first = (await t.request("GET", "/api/v1/deals?limit=1")).json() as {
      items: DealView[];
      nextCursor: string;
    };
    const second = (
      await t.request("GET", `/api/v1/deals?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`)
    ).json() as { items: DealView[]; nextCursor: string | null };
    expect([...first.items, ...second.items].map((item) => item.id).sort()).toHaveLength(2);
    expect(new Set([first.items[0]?.id, second.items[0]?.id]).size).toBe(2);
  });

  it("move in bulk, each deal on its own", async () => {
    const other = (await t.request("GET", `/api/v1/deals?ownerId=${otherSales.userId}`)).json() as {
      items: DealView[];
    };
    const otherId = other.items[0]?.id ?? "";
    const response = await t.request("POST", "/api/v1/deals/bulk", {
      body: { action: "move", ids: [deal.id, otherId], stageId: stage("Proposta").id },
    });
    expect(response.statusCode).toBe(200);
    const { items } = response.json() as {
      items: { id: string; ok: boolean; error?: { status: number; errors: { field: string }[] } }[];
    };
    expect(items.find((item) => item.id === deal.id)?.ok).toBe(true);
    const blocked = items.find((item) => item.id === otherId);
    expect(blocked?.ok).toBe(false);
    expect(blocked?.error?.status).toBe(422);
  });

  it("are soft-deleted and restored, and other workspaces never see them", async () => {
    expect((await t.request("DELETE", `/api/v1/deals/${deal.id}`, { token: sales.token })).statusCode).toBe(
      403,
    );
    expect((await t.request("DELETE", `/api/v1/deals/${deal.id}`)).statusCode).toBe(204);
    expect((await t.request("GET", `/api/v1/deals/${deal.id}`)).statusCode).toBe(404);
    expect((await t.request("GET", `/api/v1/deals/${deal.id}?includeDeleted=true`)).statusCode).toBe(200);
    const restored = await t.request("POST", `/api/v1/deals/${deal.id}/restore`);
    expect(restored.json()).toMatchObject({ id: deal.id, deletedAt: null });

    const workspace = await t.request("POST", "/api/v1/workspaces", { body: { name: "Outra" } });
    const { id: otherWorkspace } = workspace.json() as { id: string };
    const token = await t.login(undefined, undefined, otherWorkspace);
    expect((await t.request("GET", `/api/v1/deals/${deal.id}`, { token })).statusCode).toBe(404);
    expect((await t.request("GET", `/api/v1/pipelines/${pipeline.id}`, { token })).statusCode).toBe(404);
    const foreign = await t.request("POST", "/api/v1/deals", {
      token,
      body: { contactId: leadId, pipelineId: pipeline.id },
    });
    expect(foreign.statusCode).toBe(404);
  });

  it("keep a stage that still has deals; empty ones can go, order changes", async () => {
    const current = (await t.request("GET", `/api/v1/pipelines/${pipeline.id}`)).json() as PipelineView;
    const withoutProposta = current.stages.filter((item) => item.name !== "Proposta");
    const refused = await t.request("PATCH", `/api/v1/pipelines/${pipeline.id}`, {
      body: {
        stages: withoutProposta.map(({ id, name, probability, kind, requires }) => ({
          id,
          name,
          probability,
          kind,
          requires,
        })),
      },
    });
    expect(refused.statusCode).toBe(409);
    expect((refused.json() as { detail: string }).detail).toContain('"Proposta"');
    const withoutVisita = current.stages.filter((item) => item.name !== "Visita").reverse();
    const stages = [
      ...withoutVisita.map(({ id, name, probability, kind, requires }) => ({
        id,
        name,
        probability,
        kind,
        requires,
      })),
      { name: "Assinatura", probability: 0.9 },
    ];
    const updated = await t.request("PATCH", `/api/v1/pipelines/${pipeline.id}`, { body: { stages } });
    expect(updated.statusCode).toBe(200);
    const names = (updated.json() as PipelineView).stages.map((item) => item.name);
    expect(names).toEqual(["Perdido", "Fechado", "Proposta", "Qualificação", "Novo", "Assinatura"]);
    const proposta = (updated.json() as PipelineView).stages.find((item) => item.name === "Proposta");
    expect(proposta?.openDeals).toBe(1);
  });
});
