import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, createTestApp, type TestApp } from "../../test/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function addMember(workspaceId: string, email: string, role: string, token = t.adminToken) {
  const response = await t.request("POST", `/api/v1/workspaces/${workspaceId}/members`, {
    token,
    body: { email, password: "long-enough-password", role },
  });
  expect(response.statusCode).toBe(201);
}

describe("login", () => {
  it("issues a token for the first workspace of the user, and refuses a wrong password", async () => {
    const ok = await t.request("POST", "/api/v1/auth/login", {
      token: null,
      body: { email: ADMIN_EMAIL.toUpperCase(), password: "correct-horse-battery" },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      token: expect.any(String),
      role: "admin",
      workspaceId: t.app.bootstrap.workspaceId,
    });
    const wrong = await t.request("POST", "/api/v1/auth/login", {
      token: null,
      body: { email: ADMIN_EMAIL, password: "nope" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers["content-type"]).toContain("application/problem+json");
    const unknown = await t.request("POST", "/api/v1/auth/login", {
      token: null,
      body: { email: "ghost@funil.test", password: "nope" },
    });
    expect(unknown.statusCode).toBe(401);
  });

  it("stores passwords as argon2id hashes", async () => {
    const row = await t.app.deps.db
      .selectFrom("users")
      .select("password_hash")
      .where("email", "=", ADMIN_EMAIL)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });
});

describe("tokens", () => {
  it("answers 401 without a token, with garbage, with alg none, with a foreign key and when expired", async () => {
    expect((await t.request("GET", "/api/v1/leads", { token: null })).statusCode).toBe(401);
    expect((await t.request("GET", "/api/v1/leads", { token: "garbage" })).statusCode).toBe(401);

    const [header, payload] = t.adminToken.split(".");
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
    expect(header).toBeTruthy();
    expect((await t.request("GET", "/api/v1/leads", { token: none })).statusCode).toBe(401);

    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>;
    const foreign = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode("another-secret-another-secret-another"));
    expect((await t.request("GET", "/api/v1/leads", { token: foreign })).statusCode).toBe(401);

    const fresh = await t.login();
    expect((await t.request("GET", "/api/v1/leads", { token: fresh })).statusCode).toBe(200);
    t.clock.advance(12 * 3600 * 1000 + 1000);
    try {
      expect((await t.request("GET", "/api/v1/leads", { token: fresh })).statusCode).toBe(401);
    } finally {
      t.clock.advance(-(12 * 3600 * 1000 + 1000));
    }
  });
});

describe("API keys", () => {
  it("are shown once, stored hashed, work as bearer tokens and stop working when revoked", async () => {
    const created = await t.request("POST", "/api/v1/api-keys", { body: { name: "Zapier", role: "sales" } });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json() as { id: string; key: string };
    expect(key).toMatch(/^fk_/);

    const stored = await t.app.deps.db
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(key);
    expect(JSON.stringify(stored)).not.toContain(key);
    const listed = await t.request("GET", "/api/v1/api-keys");
    expect(listed.body).not.toContain(key);

    const lead = await t.request("POST", "/api/v1/leads", {
      token: key,
      body: { name: "Via API", email: "key@example.com" },
    });
    expect(lead.statusCode).toBe(201);
    const audit = await t.request("GET", `/api/v1/leads/${(lead.json() as { id: string }).id}/audit`);
    expect(
      (audit.json() as { items: { actor: { type: string; label: string } }[] }).items[0]?.actor,
    ).toMatchObject({
      type: "api_key",
      label: "Zapier",
    });

    expect((await t.request("DELETE", `/api/v1/api-keys/${id}`)).statusCode).toBe(204);
    expect((await t.request("GET", "/api/v1/leads", { token: key })).statusCode).toBe(401);
  });
});

describe("workspaces, roles and isolation", () => {
  it("never shows a row of another workspace: 404 as if it did not exist", async () => {
    const created = await t.request("POST", "/api/v1/workspaces", { body: { name: "Agência Cliente B" } });
    expect(created.statusCode).toBe(201);
    const workspaceB = (created.json() as { id: string }).id;
    const tokenB = await t.login(ADMIN_EMAIL, "correct-horse-battery", workspaceB);

    const leadA = (
      await t.request("POST", "/api/v1/leads", { body: { name: "Cliente A", email: "a@example.com" } })
    ).json() as { id: string };
    const leadB = (
      await t.request("POST", "/api/v1/leads", {
        token: tokenB,
        body: { name: "Cliente B", email: "a@example.com" },
      })
    ).json() as { id: string };
    expect(leadB.id).not.toBe(leadA.id);

    for (const [method, url] of [
      ["GET", `/api/v1/leads/${leadA.id}`],
      ["GET", `/api/v1/leads/${leadA.id}/audit`],
      ["PATCH", `/api/v1/leads/${leadA.id}`],
      ["DELETE", `/api/v1/leads/${leadA.id}`],
      ["POST", `/api/v1/leads/${leadA.id}/restore`],
    ] as const) {
      const response = await t.request(method, url, {
        token: tokenB,
        ...(method === "PATCH" ? { body: { city: "X" } } : {}),
      });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
    const merge = await t.request("POST", `/api/v1/leads/${leadB.id}/merge`, {
      token: tokenB,
      body: { sourceId: leadA.id },
    });
    expect(merge.statusCode).toBe(404);
    const listResponse = await t.request("GET", "/api/v1/leads?limit=200", { token: tokenB });
    const list = listResponse.json() as { items: { id: string }[] };
    expect(list.items.map((item) => item.id)).toEqual([leadB.id]);
    const events = (await t.request("GET", "/api/v1/events", { token: tokenB })).json() as {
      items: { contactId: string }[];
    };
    expect(events.items.every((event) => event.contactId === leadB.id)).toBe(true);
  });

  it("enforces roles: viewer reads only, sales cannot delete, manager cannot manage keys", async () => {
    const workspaceId = t.app.bootstrap.workspaceId;
    await addMember(workspaceId, "viewer@funil.test", "viewer");
    await addMember(workspaceId, "sales@funil.test", "sales");
    await addMember(workspaceId, "manager@funil.test", "manager");
    const viewer = await t.login("viewer@funil.test", "long-enough-password");
    const sales = await t.login("sales@funil.test", "long-enough-password");
    const manager = await t.login("manager@funil.test", "long-enough-password");

    expect((await t.request("GET", "/api/v1/leads", { token: viewer })).statusCode).toBe(200);
    const denied = await t.request("POST", "/api/v1/leads", {
      token: viewer,
      body: { name: "X", email: "x@example.com" },
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.headers["content-type"]).toContain("application/problem+json");

    const lead = (
      await t.request("POST", "/api/v1/leads", {
        token: sales,
        body: { name: "Do Vendedor", email: "v@example.com" },
      })
    ).json() as { id: string };
    expect((await t.request("DELETE", `/api/v1/leads/${lead.id}`, { token: sales })).statusCode).toBe(403);
    expect((await t.request("GET", "/api/v1/events", { token: sales })).statusCode).toBe(403);
    expect((await t.request("DELETE", `/api/v1/leads/${lead.id}`, { token: manager })).statusCode).toBe(204);
    expect(
      (await t.request("POST", "/api/v1/api-keys", { token: manager, body: { name: "k" } })).statusCode,
    ).toBe(403);
    expect(
      (
        await t.request("POST", `/api/v1/workspaces/${workspaceId}/members`, {
          token: manager,
          body: { email: "intruder@funil.test", password: "long-enough-password", role: "admin" },
        })
      ).statusCode,
    ).toBe(403);
  });

  it("revokes access when a member is removed", async () => {
    const workspaceId = t.app.bootstrap.workspaceId;
    await addMember(workspaceId, "leaving@funil.test", "cs");
    const token = await t.login("leaving@funil.test", "long-enough-password");
    expect((await t.request("GET", "/api/v1/leads", { token })).statusCode).toBe(200);
    const members = (await t.request("GET", `/api/v1/workspaces/${workspaceId}/members`)).json() as {
      items: { id: string; email: string }[];
    };
    const leaving = members.items.find((member) => member.email === "leaving@funil.test");
    expect(
      (await t.request("DELETE", `/api/v1/workspaces/${workspaceId}/members/${leaving?.id}`)).statusCode,
    ).toBe(204);
    expect((await t.request("GET", "/api/v1/leads", { token })).statusCode).toBe(401);
  });
});

describe("rate limits", () => {
  it("slows down repeated logins from one address with 429", async () => {
    const limited = await createTestApp({ FUNIL_LOGIN_RATE_LIMIT: "3" });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await limited.request("POST", "/api/v1/auth/login", {
          token: null,
          body: { email: ADMIN_EMAIL, password: "wrong" },
        });
        statuses.push(response.statusCode);
      }
      // The fixture's own login used one of the three.
      expect(statuses).toEqual([401, 401, 429, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe("bootstrap admin", () => {
  it("creates a default workspace and the configured admin once", async () => {
    const users = await t.app.deps.db
      .selectFrom("users")
      .select("email")
      .where("email", "=", ADMIN_EMAIL)
      .execute();
    expect(users).toHaveLength(1);
    expect(t.app.bootstrap.generatedPassword).toBeNull();
  });

  it("generates a random password, shown once, when none is configured", async () => {
    const other = await createTestApp({ FUNIL_ADMIN_PASSWORD: "" }, { login: false });
    try {
      const { generatedPassword, email } = other.app.bootstrap;
      expect(generatedPassword).toMatch(/^[\w-]{16}$/);
      expect(await other.login(email ?? "", generatedPassword ?? "")).toEqual(expect.any(String));
    } finally {
      await other.close();
    }
  });
});
