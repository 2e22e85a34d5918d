import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { createApiKey } from "../auth/create-api-key.ts";
import { createWorkspace } from "../auth/create-workspace.ts";
import type { ImportMappingView } from "./schemas.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function keyFor(role: "admin" | "viewer", workspace: "own" | "other") {
  const admin = await t.app.deps.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
  const workspaceId =
    workspace === "own"
      ? (
          await t.app.deps.db
            .selectFrom("workspaces")
            .select("id")
            .where("is_default", "=", true)
            .executeTakeFirstOrThrow()
        ).id
      : (await createWorkspace(t.app.deps, { name: `Other ${role}`, adminUserId: admin.id })).id;
  return (await createApiKey(t.app.deps, { workspaceId, name: role, role, createdBy: null })).key;
}

async function auditOf(entityId: string) {
  return t.app.deps.db
    .selectFrom("audit_log")
    .select(["action", "before", "after"])
    .where("entity_type", "=", "import_mapping")
    .where("entity_id", "=", entityId)
    .orderBy("id")
    .execute();
}

describe("saved import mappings", () => {
  it("creates, lists, renames and deletes a mapping, audited", async () => {
    const created = await t.request("POST", "/api/v1/import-mappings", {
      body: {
        name: "  Formulário do site ",
        columns: { "E-mail": "email", Turma: "custom", Lixo: "ignore" },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const mapping = created.json() as ImportMappingView;
    expect(mapping).toMatchObject({
      name: "Formulário do site",
      columns: { "E-mail": "email", Turma: "custom", Lixo: "ignore" },
      createdAt: "2026-11-23T12:00:00.000Z",
    });
    expect(mapping.createdBy).toEqual(expect.any(String));

    const list = await t.request("GET", "/api/v1/import-mappings");
    expect(list.statusCode).toBe(200);
    expect((list.json() as { items: ImportMappingView[] }).items).toEqual([mapping]);

    t.clock.advance(60_000);
    const renamed = await t.request("PATCH", `/api/v1/import-mappings/${mapping.id}`, {
      body: { name: "Site" },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({
      name: "Site",
      columns: mapping.columns,
      updatedAt: "2026-11-23T12:01:00.000Z",
    });
    const changed = await t.request("PATCH", `/api/v1/import-mappings/${mapping.id}`, {
      body: { columns: { Email: "email" } },
    });
    expect(changed.json()).toMatchObject({ name: "Site", columns: { Email: "email" } });

    const deleted = await t.request("DELETE", `/api/v1/import-mappings/${mapping.id}`);
    expect(deleted.statusCode).toBe(204);
    expect(
      ((await t.request("GET", "/api/v1/import-mappings")).json() as { items: unknown[] }).items,
    ).toEqual([]);
    expect((await t.request("DELETE", `/api/v1/import-mappings/${mapping.id}`)).statusCode).toBe(404);

    const audit = await auditOf(mapping.id);
    expect(audit.map((entry) => entry.action)).toEqual(["create", "update", "update", "delete"]);
    expect(audit[1]).toMatchObject({ before: { name: "Formulário do site" }, after: { name: "Site" } });
  });

  it("keeps names unique per workspace, ignoring case (409)", async () => {
    const first = await t.request("POST", "/api/v1/import-mappings", {
      body: { name: "Hotmart", columns: { Nome: "name" } },
    });
    expect(first.statusCode).toBe(201);
    const again = await t.request("POST", "/api/v1/import-mappings", {
      body: { name: "hotmart", columns: { Nome: "name" } },
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers["content-type"]).toContain("application/problem+json");
    const second = await t.request("POST", "/api/v1/import-mappings", {
      body: { name: "Kiwify", columns: { Nome: "name" } },
    });
    const clash = await t.request(
      "PATCH",
      `/api/v1/import-mappings/${(second.json() as { id: string }).id}`,
      {
        body: { name: "HOTMART" },
      },
    );
    expect(clash.statusCode).toBe(409);

    // Another workspace may use the same name.
    const token = await keyFor("admin", "other");
    const elsewhere = await t.request("POST", "/api/v1/import-mappings", {
      token,
      body: { name: "Hotmart", columns: { Nome: "name" } },
    });
    expect(elsewhere.statusCode).toBe(201);
  });

  it("refuses bad input: 400 for the shape, 422 for ambiguous columns", async () => {
    const cases: unknown[] = [
      { name: "", columns: { Nome: "name" } },
      { name: "Sem colunas", columns: {} },
      { name: "Campo estranho", columns: { Nome: "nickname" } },
      { name: "Extra", columns: { Nome: "name" }, surprise: 1 },
      { columns: { Nome: "name" } },
    ];
    for (const body of cases) {
      const response = await t.request("POST", "/api/v1/import-mappings", { body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.headers["content-type"]).toContain("application/problem+json");
    }
    const ambiguous = await t.request("POST", "/api/v1/import-mappings", {
      body: { name: "Duas vezes", columns: { Observação: "custom", observacao: "ignore" } },
    });
    expect(ambiguous.statusCode).toBe(422);
    const created = await t.request("POST", "/api/v1/import-mappings", {
      body: { name: "Para editar", columns: { Nome: "name" } },
    });
    const { id } = created.json() as { id: string };
    expect((await t.request("PATCH", `/api/v1/import-mappings/${id}`, { body: {} })).statusCode).toBe(400);
    expect(
      (await t.request("PATCH", "/api/v1/import-mappings/not-a-uuid", { body: { name: "x" } })).statusCode,
    ).toBe(400);
  });

  it("is scoped to the workspace (404) and needs the import permission to change (403)", async () => {
    const created = await t.request("POST", "/api/v1/import-mappings", {
      body: { name: "Só nosso", columns: { Nome: "name" } },
    });
    const { id } = created.json() as { id: string };
    const foreign = await keyFor("admin", "other");
    const list = (await t.request("GET", "/api/v1/import-mappings", { token: foreign })).json() as {
      items: { id: string }[];
    };
    expect(list.items.some((item) => item.id === id)).toBe(false);
    expect(
      (await t.request("PATCH", `/api/v1/import-mappings/${id}`, { token: foreign, body: { name: "x" } }))
        .statusCode,
    ).toBe(404);
    expect((await t.request("DELETE", `/api/v1/import-mappings/${id}`, { token: foreign })).statusCode).toBe(
      404,
    );

    const viewer = await keyFor("viewer", "own");
    expect((await t.request("GET", "/api/v1/import-mappings", { token: viewer })).statusCode).toBe(200);
    const refused = await t.request("POST", "/api/v1/import-mappings", {
      token: viewer,
      body: { name: "Viewer", columns: { Nome: "name" } },
    });
    expect(refused.statusCode).toBe(403);
    expect((await t.request("DELETE", `/api/v1/import-mappings/${id}`, { token: viewer })).statusCode).toBe(
      403,
    );
  });
});
