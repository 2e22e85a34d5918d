import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";

interface Entry {
  id: number;
  entityType: string;
  action: string;
  actor: { type: string; label: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe("the workspace audit trail: exports and permission changes", () => {
  let t: TestApp;
  let workspaceId: string;

  beforeAll(async () => {
    t = await createTestApp();
    workspaceId = ((await t.request("GET", "/api/v1/auth/me")).json() as { workspaceId: string }).workspaceId;
  });
  afterAll(() => t.close());

  const audit = async (query = "") => {
    const response = await t.request("GET", `/api/v1/audit${query}`);
    expect(response.statusCode).toBe(200);
    return response.json() as { items: Entry[]; nextCursor: string | null };
  };

  it("records granting, changing and taking away a role, and API keys made and revoked", async () => {
    const members = `/api/v1/workspaces/${workspaceId}/members`;
    const added = await t.request("POST", members, {
      body: { email: "rep@funil.test", password: "a-long-password", role: "sales" },
    });
    const userId = (added.json() as { userId: string }).userId;
    await t.request("POST", members, { body: { email: "rep@funil.test", role: "manager" } });
    // Granting the same role again changes nothing, so it records nothing.
    await t.request("POST", members, { body: { email: "rep@funil.test", role: "manager" } });
    expect((await t.request("DELETE", `${members}/${userId}`)).statusCode).toBe(204);
    const key = (
      await t.request("POST", "/api/v1/api-keys", { body: { name: "zapier", role: "sales" } })
    ).json() as {
      id: string;
    };
    expect((await t.request("DELETE", `/api/v1/api-keys/${key.id}`)).statusCode).toBe(204);

    const { items } = await audit();
    expect(items.map((entry) => entry.action)).toEqual([
      "api_key.revoked",
      "api_key.created",
      "member.removed",
      "member.role_changed",
      "member.added",
      "member.added", // the first admin, made at start-up
    ]);
    const [revoked, created, removed, changed, granted, bootstrap] = items;
    expect(bootstrap?.actor.type).toBe("system");
    expect(granted?.after).toEqual({ userId, role: "sales" });
    expect(changed).toMatchObject({ before: { role: "sales" }, after: { role: "manager" } });
    expect(removed).toMatchObject({ before: { userId, role: "manager" }, after: null });
    expect(created?.after).toEqual({ apiKeyId: key.id, name: "zapier", role: "sales" });
    expect(revoked?.before).toMatchObject({ apiKeyId: key.id });
    const byPeople = items.slice(0, 5);
    expect(byPeople.every((entry) => entry.entityType === "workspace" && entry.actor.type === "user")).toBe(
      true,
    );
    // No secret is ever kept in the trail.
    expect(JSON.stringify(items)).not.toContain("fk_");
  });

  it("records who exported which slice of the leads", async () => {
    expect((await t.request("GET", "/api/v1/leads/export.csv?source=typeform")).statusCode).toBe(200);
    expect((await t.request("GET", "/api/v1/leads/export.xlsx")).statusCode).toBe(200);
    const { items } = await audit("?action=leads.");
    expect(items.map((entry) => [entry.action, entry.after?.format])).toEqual([
      ["leads.exported", "xlsx"],
      ["leads.exported", "csv"],
    ]);
    expect(items[1]?.after?.filters).toMatchObject({ source: "typeform" });
  });

  it("pages newest first, filters by entity and action, and is for admins and managers", async () => {
    const first = await audit("?limit=2&entityType=workspace");
    expect(first.items).toHaveLength(2);
    const second = await audit(`?limit=2&entityType=workspace&cursor=${first.nextCursor}`);
    expect(second.items[0]?.id).toBeLessThan(first.items[1]?.id ?? 0);
    expect((await audit("?action=member.")).items.every((entry) => entry.action.startsWith("member."))).toBe(
      true,
    );
    expect((await audit("?entityType=deal")).items).toEqual([]);

    const key = (
      await t.request("POST", "/api/v1/api-keys", { body: { name: "rep", role: "sales" } })
    ).json() as {
      key: string;
    };
    const forbidden = await t.request("GET", "/api/v1/audit", { token: key.key });
    expect(forbidden.statusCode).toBe(403);
    expect((await t.request("GET", "/api/v1/audit?cursor=nope")).statusCode).toBe(400);
  });
});
