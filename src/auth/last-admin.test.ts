import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, createTestApp, type TestApp } from "../../test/test-app.ts";
import { AppError } from "../platform/http/errors.ts";
import { forgetCredentials } from "./authenticate-request.ts";
import { createUser } from "./create-user.ts";
import { removeMember } from "./remove-member.ts";

const PASSWORD = "long-enough-password";
let t: TestApp;
let workspaceId: string;
const ids = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp();
  workspaceId = t.app.bootstrap.workspaceId;
  for (const [email, role] of [
    ["second@funil.test", "manager"],
    ["third@funil.test", "sales"],
  ] as const) {
    const response = await t.request("POST", `/api/v1/workspaces/${workspaceId}/members`, {
      body: { email, password: PASSWORD, role },
    });
    expect(response.statusCode, response.body).toBe(201);
  }
  const members = (await t.request("GET", `/api/v1/workspaces/${workspaceId}/members`)).json() as {
    items: { id: string; email: string }[];
  };
  for (const member of members.items) ids.set(member.email, member.id);
});
afterAll(async () => {
  await t.close();
});

const idOf = (email: string) => ids.get(email) as string;

function setRole(email: string, role: string, token = t.adminToken) {
  return t.request("POST", `/api/v1/workspaces/${workspaceId}/members`, { token, body: { email, role } });
}
function remove(email: string, token = t.adminToken) {
  return t.request("DELETE", `/api/v1/workspaces/${workspaceId}/members/${idOf(email)}`, { token });
}
async function roles(token = t.adminToken) {
  const members = (await t.request("GET", `/api/v1/workspaces/${workspaceId}/members`, { token })).json() as {
    items: { email: string; role: string }[];
  };
  return Object.fromEntries(members.items.map((member) => [member.email, member.role]));
}
async function adminAudit() {
  const audit = (await t.request("GET", "/api/v1/audit?limit=200")).json() as {
    items: { action: string; before: { userId?: string } | null }[];
  };
  return audit.items.filter((item) => item.action.startsWith("member."));
}

describe("the workspace's last admin", () => {
  it("cannot be demoted nor removed: 409 problem+json, nothing changed or audited", async () => {
    const auditBefore = (await adminAudit()).length;
    const demoted = await setRole(ADMIN_EMAIL, "manager");
    expect(demoted.statusCode).toBe(409);
    expect(demoted.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(demoted.json()).toMatchObject({
      status: 409,
      title: "Conflict",
      code: "conflict",
      detail: expect.stringMatching(/last admin/),
    });
    const removed = await remove(ADMIN_EMAIL);
    expect(removed.statusCode).toBe(409);
    expect(removed.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect((removed.json() as { detail: string }).detail).toMatch(/last admin/);
    expect((await roles())[ADMIN_EMAIL]).toBe("admin");
    expect((await adminAudit()).length).toBe(auditBefore);
    // Setting the same role again is fine.
    expect((await setRole(ADMIN_EMAIL, "admin")).statusCode).toBe(201);
  });

  it("can step down once another admin exists, and that one is then the last", async () => {
    expect((await setRole("second@funil.test", "admin")).statusCode).toBe(201);
    const second = await t.login("second@funil.test", PASSWORD);
    expect((await setRole(ADMIN_EMAIL, "manager")).statusCode).toBe(201);
    expect((await setRole("second@funil.test", "sales", second)).statusCode).toBe(409);
    expect((await remove("second@funil.test", second)).statusCode).toBe(409);
    expect(await roles(second)).toMatchObject({ [ADMIN_EMAIL]: "manager", "second@funil.test": "admin" });
    // Members who are not admins come and go as before.
    expect((await setRole("third@funil.test", "viewer", second)).statusCode).toBe(201);
    expect((await remove("third@funil.test", second)).statusCode).toBe(204);
    expect((await setRole(ADMIN_EMAIL, "admin", second)).statusCode).toBe(201);
    t.adminToken = await t.login();
  });

  it("a disabled admin does not count", async () => {
    await t.app.deps.db
      .updateTable("users")
      .set({ disabled_at: t.clock.now() })
      .where("id", "=", idOf("second@funil.test"))
      .execute();
    expect((await setRole(ADMIN_EMAIL, "manager")).statusCode).toBe(409);
    // Taking the role from the disabled one is fine: an active admin stays.
    expect((await setRole("second@funil.test", "manager")).statusCode).toBe(201);
    await t.app.deps.db
      .updateTable("users")
      .set({ disabled_at: null })
      .where("id", "=", idOf("second@funil.test"))
      .execute();
  });

  it("holds when two admins demote or remove each other at the same time", async () => {
    const actor = { type: "system", id: null, label: "test" } as const;
    for (let round = 0; round < 3; round++) {
      expect((await setRole("second@funil.test", "admin")).statusCode).toBe(201);
      const outcomes = await Promise.allSettled([
        createUser(t.app.deps, { email: ADMIN_EMAIL, role: "sales", workspaceId, actor }),
        round === 0
          ? createUser(t.app.deps, { email: "second@funil.test", role: "viewer", workspaceId, actor })
          : removeMember(t.app.deps, { workspaceId, userId: idOf("second@funil.test"), actor }),
      ]);
      const refused = outcomes.filter((outcome) => outcome.status === "rejected");
      expect(refused).toHaveLength(1);
      const reason = (refused[0] as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(AppError);
      expect((reason as AppError).code).toBe("conflict");
      const admins = await t.app.deps.db
        .selectFrom("memberships")
        .select("user_id")
        .where("workspace_id", "=", workspaceId)
        .where("role", "=", "admin")
        .execute();
      expect(admins).toHaveLength(1);
      // Back to the bootstrap admin alone for the next round.
      const [left] = admins;
      if (left?.user_id !== idOf(ADMIN_EMAIL)) {
        await createUser(t.app.deps, { email: ADMIN_EMAIL, role: "admin", workspaceId, actor });
        await createUser(t.app.deps, { email: "second@funil.test", role: "manager", workspaceId, actor });
      }
      forgetCredentials(t.app.deps);
      t.adminToken = await t.login();
    }
  });
});
