import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Lead {
  id: string;
  name: string | null;
  emails: string[];
  phones: string[];
  city: string | null;
  secondary: Record<string, string[]>;
  touches: { id: string; source: string }[];
  merges: { id: string; sourceId: string | null; touchId: string | null; undoneAt: string | null }[];
  score: number;
  temperature: string;
}

interface AuditItem {
  action: string;
  actor: { type: string; id: string | null; label: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
}

async function create(body: Record<string, unknown>) {
  const response = await t.request("POST", "/api/v1/leads", { body });
  expect([200, 201]).toContain(response.statusCode);
  return response.json() as Lead;
}

async function get(id: string) {
  return t.request("GET", `/api/v1/leads/${id}`);
}

async function audit(id: string) {
  return ((await t.request("GET", `/api/v1/leads/${id}/audit`)).json() as { items: AuditItem[] }).items;
}

describe("soft delete and restore", () => {
  it("hides a deleted lead (404, not listed), restores it, and audits both with the actor", async () => {
    const lead = await create({ name: "Apagar Depois", email: "apagar@example.com" });
    expect((await t.request("DELETE", `/api/v1/leads/${lead.id}`)).statusCode).toBe(204);
    expect((await get(lead.id)).statusCode).toBe(404);
    const inTrash = await t.request("GET", `/api/v1/leads/${lead.id}?includeDeleted=true`);
    expect(inTrash.json()).toMatchObject({ id: lead.id, deletedAt: expect.any(String) });
    const listed = (await t.request("GET", "/api/v1/leads?q=apagar")).json() as { items: Lead[] };
    expect(listed.items).toEqual([]);
    const trash = (await t.request("GET", "/api/v1/leads?q=apagar&deleted=true")).json() as { items: Lead[] };
    expect(trash.items.map((item) => item.id)).toEqual([lead.id]);

    const restored = await t.request("POST", `/api/v1/leads/${lead.id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect((await get(lead.id)).statusCode).toBe(200);

    const trail = await audit(lead.id);
    expect(trail.map((entry) => entry.action)).toEqual(["create", "delete", "restore"]);
    expect(trail[1]?.actor).toMatchObject({ type: "user", label: "admin@funil.test" });
    expect(trail[1]?.before).toEqual({ deletedAt: null });
    expect(trail[1]?.after).toEqual({ deletedAt: expect.any(String) });
  });

  it("audits an edit with before and after of the changed fields only", async () => {
    const lead = await create({ name: "Editar", email: "editar@example.com", city: "Recife" });
    const patched = await t.request("PATCH", `/api/v1/leads/${lead.id}`, {
      body: { city: "Olinda", tags: ["vip"] },
    });
    expect(patched.statusCode).toBe(200);
    const trail = await audit(lead.id);
    expect(trail.at(-1)).toMatchObject({
      action: "update",
      before: { city: "Recife", tags: [] },
      after: { city: "Olinda", tags: ["vip"] },
    });
  });

  it("clears a field with null and leaves absent fields alone", async () => {
    const lead = await create({ name: "Limpar", email: "limpar@example.com", city: "Natal", income: 5000 });
    const patched = await t.request("PATCH", `/api/v1/leads/${lead.id}`, {
      body: { city: null, income: null },
    });
    expect(patched.json()).toMatchObject({ name: "Limpar", city: null, income: null });
  });
});

describe("merges can be undone", () => {
  it("splits a lead that merged in by a shared phone back into its own person", async () => {
    const first = await create({
      name: "Pai",
      phone: "+55 31 99999-1111",
      city: "BH",
      email: "pai@example.com",
    });
    const second = await create({
      name: "Filha",
      phone: "(31) 99999-1111",
      email: "filha@example.com",
      source: "hotmart",
    });
    expect(second.id).toBe(first.id);
    expect(second.emails).toEqual(["pai@example.com", "filha@example.com"]);
    const merge = ((await get(first.id)).json() as Lead).merges[0];
    expect(merge).toMatchObject({ sourceId: null, undoneAt: null });

    const undone = await t.request("POST", `/api/v1/merges/${merge?.id}/undo`);
    expect(undone.statusCode).toBe(200);
    const { restoredId } = undone.json() as { restoredId: string };

    const father = (await get(first.id)).json() as Lead;
    expect(father.name).toBe("Pai");
    expect(father.emails).toEqual(["pai@example.com"]);
    expect(father.secondary).toEqual({});
    expect(father.touches).toHaveLength(1);
    expect(father.merges[0]?.undoneAt).not.toBeNull();

    const daughter = (await get(restoredId)).json() as Lead;
    expect(daughter.name).toBe("Filha");
    expect(daughter.emails).toEqual(["filha@example.com"]);
    expect(daughter.touches.map((touch) => touch.source)).toEqual(["hotmart"]);

    // The daughter's e-mail now finds her, not her father.
    const again = await create({ email: "filha@example.com", city: "Contagem" });
    expect(again.id).toBe(restoredId);
    expect((await t.request("POST", `/api/v1/merges/${merge?.id}/undo`)).statusCode).toBe(409);
  });

  it("merges two leads by hand and undoes it, bringing back identities and touches", async () => {
    const a = await create({ name: "Ana Lima", email: "ana.lima@example.com", source: "typeform" });
    const b = await create({ name: "Ana L.", phone: "11 97777-0000", city: "Santos", source: "instagram" });
    const merged = await t.request("POST", `/api/v1/leads/${a.id}/merge`, { body: { sourceId: b.id } });
    expect(merged.statusCode).toBe(200);
    const { mergeId, lead } = merged.json() as { mergeId: string; lead: Lead };
    expect(lead.phones).toEqual(["+5511977770000"]);
    expect(lead.city).toBe("Santos");
    expect(lead.secondary).toEqual({ name: ["Ana L."] });
    expect(lead.touches.map((touch) => touch.source)).toEqual(["typeform", "instagram"]);
    expect((await get(b.id)).statusCode).toBe(404);
    expect((await t.request("POST", `/api/v1/leads/${b.id}/restore`)).statusCode).toBe(404);

    await t.request("POST", `/api/v1/merges/${mergeId}/undo`);
    const backA = (await get(a.id)).json() as Lead;
    const backB = (await get(b.id)).json() as Lead;
    expect(backA.phones).toEqual([]);
    expect(backA.city).toBeNull();
    expect(backA.secondary).toEqual({});
    expect(backA.touches.map((touch) => touch.source)).toEqual(["typeform"]);
    expect(backB.phones).toEqual(["+5511977770000"]);
    expect(backB.touches.map((touch) => touch.source)).toEqual(["instagram"]);
    expect((await audit(a.id)).map((entry) => entry.action)).toEqual(["create", "merge", "unmerge"]);
  });

  it("keeps a later edit when undoing a merge", async () => {
    const a = await create({ name: "Bruno", email: "bruno@example.com" });
    const b = await create({ name: "Bruno S", email: "bruno.s@example.com", city: "Natal" });
    const { mergeId } = (
      await t.request("POST", `/api/v1/leads/${a.id}/merge`, { body: { sourceId: b.id } })
    ).json() as {
      mergeId: string;
    };
    await t.request("PATCH", `/api/v1/leads/${a.id}`, { body: { city: "Mossoró" } });
    await t.request("POST", `/api/v1/merges/${mergeId}/undo`);
    expect(((await get(a.id)).json() as Lead).city).toBe("Mossoró");
  });

  it("refuses to merge a lead into itself", async () => {
    const a = await create({ name: "Solo", email: "solo@example.com" });
    expect(
      (await t.request("POST", `/api/v1/leads/${a.id}/merge`, { body: { sourceId: a.id } })).statusCode,
    ).toBe(422);
  });

  it("re-scores after a merge", async () => {
    const a = await create({ name: "Caio", email: "caio@example.com", phone: "11 96666-0000" });
    const b = await create({ name: "Caio", instagram: "@caio", interest: "apartamento", city: "Curitiba" });
    expect(a.score).toBe(10);
    await t.request("POST", `/api/v1/leads/${a.id}/merge`, { body: { sourceId: b.id } });
    await t.drain();
    const lead = (await get(a.id)).json() as Lead;
    expect(lead.score).toBe(30);
    expect(lead.temperature).toBe("hot");
  });
});
