import { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { forgetCredentials } from "./authenticate-request.ts";
import { authorize, signedIn } from "./authorize.ts";
import { createApiKey } from "./create-api-key.ts";
import { createUser } from "./create-user.ts";
import { createWorkspace } from "./create-workspace.ts";
import { loginUser } from "./login-user.ts";
import { removeMember } from "./remove-member.ts";
import {
  AddMemberSchema,
  CreateApiKeySchema,
  CreateWorkspaceSchema,
  LoginSchema,
  type Principal,
} from "./schemas.ts";

const IdParams = z.object({ id: z.string().uuid() });

/** Admin of workspace `workspaceId`, checked against the database (a token names only one workspace). */
async function assertWorkspaceAdmin(deps: Deps, principal: Principal, workspaceId: string) {
  if (principal.workspaceId === workspaceId && principal.role === "admin") return;
  if (principal.userId) {
    const membership = await deps.db
      .selectFrom("memberships")
      .select("role")
      .where("user_id", "=", principal.userId)
      .where("workspace_id", "=", workspaceId)
      .executeTakeFirst();
    if (membership?.role === "admin") return;
    if (membership) throw new AppError("forbidden", "Only an admin of that workspace can do this");
  }
  throw notFound("Workspace");
}

export function registerAuthRoutes(app: HttpServer, deps: Deps) {
  app.post(
    "/api/v1/auth/login",
    {
      schema: {
        tags: ["auth"],
        summary: "Sign in: a token for one workspace",
        body: LoginSchema,
        security: [],
      },
      config: {
        rateLimit: {
          max: deps.config.http.loginRateLimit,
          timeWindow: "1 minute",
          keyGenerator: (request) => request.ip,
        },
      },
    },
    async (request) => loginUser(deps, request.body),
  );

  app.get("/api/v1/auth/me", { schema: { tags: ["auth"], summary: "Who am I" } }, async (request) => {
    const principal = signedIn(request);
    const workspaces = principal.userId
      ? await deps.db
          .selectFrom("memberships")
          .innerJoin("workspaces", "workspaces.id", "memberships.workspace_id")
          .select(["workspaces.id", "workspaces.name", "memberships.role"])
          .where("memberships.user_id", "=", principal.userId)
          .orderBy("memberships.created_at")
          .execute()
      : [];
    return { ...principal, workspaces };
  });

  app.post(
    "/api/v1/workspaces",
    {
      schema: {
        tags: ["workspaces"],
        summary: "Create a workspace (you become its admin)",
        body: CreateWorkspaceSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:read");
      if (!principal.userId) throw new AppError("forbidden", "Only a signed-in user can create workspaces");
      const workspace = await createWorkspace(deps, {
        name: request.body.name,
        adminUserId: principal.userId,
      });
      return reply.status(201).send(workspace);
    },
  );

  app.get("/api/v1/workspaces", { schema: { tags: ["workspaces"] } }, async (request) => {
    const principal = authorize(request, "leads:read");
    const query = deps.db
      .selectFrom("workspaces")
      .select(["workspaces.id", "workspaces.name", "workspaces.created_at as createdAt"]);
    const items = principal.userId
      ? await query
          .innerJoin("memberships", "memberships.workspace_id", "workspaces.id")
          .select("memberships.role")
          .where("memberships.user_id", "=", principal.userId)
          .orderBy("workspaces.created_at")
          .execute()
      : await query.where("workspaces.id", "=", principal.workspaceId).execute();
    return { items };
  });

  app.post(
    "/api/v1/workspaces/:id/members",
    {
      schema: {
        tags: ["workspaces"],
        summary: "Add a member with a role",
        params: IdParams,
        body: AddMemberSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:read");
      await assertWorkspaceAdmin(deps, principal, request.params.id);
      const result = await createUser(deps, {
        ...request.body,
        workspaceId: request.params.id,
        actor: principal.actor,
      });
      forgetCredentials(deps);
      return reply
        .status(201)
        .send({ userId: result.userId, role: request.body.role, isNewUser: result.isNewUser });
    },
  );

  app.get(
    "/api/v1/workspaces/:id/members",
    { schema: { tags: ["workspaces"], params: IdParams } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      await assertWorkspaceAdmin(deps, principal, request.params.id);
      const items = await deps.db
        .selectFrom("memberships")
        .innerJoin("users", "users.id", "memberships.user_id")
        .select([
          "users.id",
          "users.email",
          "users.name",
          "memberships.role",
          "memberships.created_at as createdAt",
        ])
        .where("memberships.workspace_id", "=", request.params.id)
        .orderBy("users.email")
        .execute();
      return { items };
    },
  );

  app.delete(
    "/api/v1/workspaces/:id/members/:userId",
    { schema: { tags: ["workspaces"], params: IdParams.extend({ userId: z.string().uuid() }) } },
    async (request, reply) => {
      const principal = authorize(request, "leads:read");
      await assertWorkspaceAdmin(deps, principal, request.params.id);
      await removeMember(deps, {
        workspaceId: request.params.id,
        userId: request.params.userId,
        actor: principal.actor,
      });
      forgetCredentials(deps);
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/v1/api-keys",
    { schema: { tags: ["api keys"], summary: "Create an API key (shown once)", body: CreateApiKeySchema } },
    async (request, reply) => {
      const principal = authorize(request, "workspace:manage");
      const created = await createApiKey(deps, {
        workspaceId: principal.workspaceId,
        name: request.body.name,
        role: request.body.role,
        createdBy: principal.userId,
        actor: principal.actor,
      });
      return reply.status(201).send(created);
    },
  );

  app.get("/api/v1/api-keys", { schema: { tags: ["api keys"] } }, async (request) => {
    const principal = authorize(request, "workspace:manage");
    const items = await deps.db
      .selectFrom("api_keys")
      .select([
        "id",
        "name",
        "prefix",
        "role",
        "created_at as createdAt",
        "last_used_at as lastUsedAt",
        "revoked_at as revokedAt",
      ])
      .where("workspace_id", "=", principal.workspaceId)
      .orderBy("created_at", "desc")
      .execute();
    return { items };
  });

  app.delete(
    "/api/v1/api-keys/:id",
    { schema: { tags: ["api keys"], params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request, "workspace:manage");
      await deps.db.transaction().execute(async (trx) => {
        const revoked = await trx
          .updateTable("api_keys")
          .set({ revoked_at: deps.clock.now() })
          .where("id", "=", request.params.id)
          .where("workspace_id", "=", principal.workspaceId)
          .where("revoked_at", "is", null)
          .returning(["name", "role"])
          .executeTakeFirst();
        if (!revoked) throw notFound("API key");
        await recordAudit(trx, {
          workspaceId: principal.workspaceId,
          entityType: "workspace",
          entityId: principal.workspaceId,
          action: "api_key.revoked",
          actor: principal.actor,
          before: { apiKeyId: request.params.id, name: revoked.name, role: revoked.role },
          after: null,
          at: deps.clock.now(),
        });
      });
      forgetCredentials(deps);
      return reply.status(204).send();
    },
  );
}
