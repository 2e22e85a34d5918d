import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { NARROWED_IN_HANDLER, ROUTE_RULES, type RouteRule } from "./route-rules.ts";
import { PERMISSIONS, ROLES, type Role } from "./schemas.ts";

type RouteKey = keyof typeof ROUTE_RULES;
const ROUTES = Object.keys(ROUTE_RULES) as RouteKey[];
const SOME_ID = "00000000-0000-4000-8000-00000000abcd";
/** Valid bodies for the routes whose handler, not the rule, turns a role away (after validation). */
const BODIES: Partial<Record<RouteKey, unknown>> = {
  "POST /api/v1/workspaces/:id/members": {
    email: "new@funil.test",
    password: "a-long-password",
    role: "viewer",
  },
};

/** The roles that get past a route in their own workspace. */
function allowedRoles(route: RouteKey): readonly Role[] {
  const narrowed = NARROWED_IN_HANDLER[route];
  if (narrowed) return narrowed.roles;
  const rule: RouteRule = ROUTE_RULES[route];
  if (rule === "public" || rule === "signed-in") return ROLES;
  return PERMISSIONS[rule];
}

/** The matrix as a table, kept in docs/authorization-matrix.md. */
function renderMatrix(): string {
  const lines = [
    "# Authorization matrix",
    "",
    "Who may call each API route, in their own workspace. Generated from `src/auth/route-rules.ts`",
    "and checked by `src/auth/authorization-matrix.test.ts`, which calls every route as every role",
    "(`npx vitest run src/auth/authorization-matrix.test.ts -u` rewrites this file).",
    "",
    "Sales see and change only the deals they own; a viewer reads only; a client sees only the",
    "proof-of-value dashboard (and who they are).",
    "",
    `| route | rule | ${ROLES.join(" | ")} |`,
    `|---|---|${ROLES.map(() => "---").join("|")}|`,
  ];
  for (const route of ROUTES) {
    const allowed = allowedRoles(route);
    const narrowed = NARROWED_IN_HANDLER[route];
    const rule = `${ROUTE_RULES[route]}${narrowed ? ` (${narrowed.why})` : ""}`;
    lines.push(
      `| \`${route}\` | ${rule} | ${ROLES.map((role) => (allowed.includes(role) ? "✓" : "—")).join(" | ")} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

describe("the authorization matrix (role × route)", () => {
  let t: TestApp;
  let workspaceId: string;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    t = await createTestApp();
    const me = (await t.request("GET", "/api/v1/auth/me")).json() as { workspaceId: string };
    workspaceId = me.workspaceId;
    tokens.set("admin", t.adminToken);
    for (const role of ROLES.filter((role) => role !== "admin")) {
      const email = `${role}@funil.test`;
      const added = await t.request("POST", `/api/v1/workspaces/${workspaceId}/members`, {
        body: { email, password: "a-long-password", role },
      });
      expect(added.statusCode).toBe(201);
      tokens.set(role, await t.login(email, "a-long-password"));
    }
  });
  afterAll(() => t.close());

  function call(route: RouteKey, token: string | null) {
    const [method, pattern] = route.split(" ") as [Parameters<TestApp["request"]>[0], string];
    const url = pattern
      .replace("/workspaces/:id", `/workspaces/${workspaceId}`)
      .replace(":name", "crm.sweep-sla")
      .replace(/:\w+/g, SOME_ID);
    const body = method === "GET" || method === "DELETE" ? undefined : (BODIES[route] ?? {});
    return t.request(method, url, { token, ...(body ? { body } : {}) });
  }

  it("lists every registered API route, and only those", () => {
    const registered = t.app.routes.filter((route) => route.split(" ")[1]?.startsWith("/api/v1/"));
    expect(registered.filter((route) => !(route in ROUTE_RULES))).toEqual([]);
    expect(ROUTES.filter((route) => !registered.includes(route))).toEqual([]);
  });

  it("turns the anonymous away from every route but the public ones", async () => {
    for (const route of ROUTES) {
      const response = await call(route, null);
      if (ROUTE_RULES[route] === "public") expect(response.statusCode, route).not.toBe(401);
      else expect(response.statusCode, route).toBe(401);
    }
  });

  for (const role of ROLES) {
    it(`lets ${role} through exactly the routes the matrix grants`, async () => {
      const token = tokens.get(role) ?? "";
      const wrong: string[] = [];
      for (const route of ROUTES) {
        if (ROUTE_RULES[route] === "public") continue;
        const response = await call(route, token);
        const status = response.statusCode;
        if (allowedRoles(route).includes(role)) {
          if (status === 401 || status === 403) wrong.push(`${route} refused (${status}): ${response.body}`);
        } else if (status !== 403 || !String(response.headers["content-type"]).includes("problem+json")) {
          wrong.push(`${route} let through (${status})`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it("leaves a client the login, who they are and the proof-of-value dashboard, nothing else", () => {
    expect(ROUTES.filter((route) => allowedRoles(route).includes("client"))).toEqual([
      "GET /api/v1/analytics/proof-of-value",
      "POST /api/v1/auth/login",
      "GET /api/v1/auth/me",
    ]);
  });

  it("is written down in docs/authorization-matrix.md", async () => {
    await expect(renderMatrix()).toMatchFileSnapshot("../../docs/authorization-matrix.md");
  });
});
