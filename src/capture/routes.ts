import { randomBytes } from "node:crypto";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { authorize } from "../auth/authorize.ts";
import { getContact } from "../contacts/get-contact.ts";
import { LeadInputSchema } from "../contacts/schemas.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { sealConnectionConfig } from "./connection-config.ts";
import { ingestLead } from "./ingest-lead.ts";
import { listConnections, webhookPath } from "./list-connections.ts";
import { listEvents, toEventView } from "./list-events.ts";
import { processInboxEvent } from "./process-inbox-event.ts";
import { answerHandshake, receiveWebhook } from "./receive-webhook.ts";
import { CreateConnectionSchema, keepHeaders, ListEventsQuerySchema } from "./schemas.ts";
import { connectionTypes, sourceFor } from "./sources.ts";

const IdParams = z.object({ id: z.string().uuid() });
const HookParams = z.object({ token: z.string().min(8).max(100) });
const HookQuery = z.record(z.string(), z.string());

export function registerCaptureRoutes(app: HttpServer, deps: Deps) {
  app.post(
    "/api/v1/leads",
    {
      schema: {
        tags: ["leads"],
        summary: "Create or match a lead: 201 when a new person, 200 when it matched someone",
        body: LeadInputSchema,
        headers: z.object({ "idempotency-key": z.string().min(1).max(200).optional() }).passthrough(),
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      const result = await ingestLead(deps, {
        workspaceId: principal.workspaceId,
        lead: request.body,
        rawBody: request.rawBody ?? Buffer.from(JSON.stringify(request.body)),
        headers: keepHeaders(request.headers),
        contentType: request.headers["content-type"] ?? null,
        idempotencyKey: request.headers["idempotency-key"] ?? null,
        actor: principal.actor,
      });
      // The new state is known from the write itself; only a repeated request reads it back.
      const lead =
        result.contact ??
        (await getContact(deps, { workspaceId: principal.workspaceId, contactId: result.contactId }));
      return reply
        .status(result.outcome === "created" ? 201 : 200)
        .header("location", `/api/v1/leads/${result.contactId}`)
        .send({ ...lead, outcome: result.outcome, eventId: result.eventId });
    },
  );

  app.get(
    "/api/v1/events",
    {
      schema: {
        tags: ["events"],
        summary: "Received events and their processing status",
        querystring: ListEventsQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "events:read");
      return listEvents(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );

  app.get("/api/v1/events/:id", { schema: { tags: ["events"], params: IdParams } }, async (request) => {
    const principal = authorize(request, "events:read");
    const row = await deps.db
      .selectFrom("inbox_events")
      .selectAll()
      .select((eb) => eb.fn<number>("octet_length", ["body"]).as("size"))
      .where("id", "=", request.params.id)
      .where("workspace_id", "=", principal.workspaceId)
      .executeTakeFirst();
    if (!row) throw notFound("Event");
    const body = Buffer.from(row.body);
    const text = body.toString("utf8");
    const isText = Buffer.from(text, "utf8").equals(body);
    return { ...toEventView(row), body: isText ? text : null, bodyBase64: body.toString("base64") };
  });

  app.post(
    "/api/v1/events/:id/replay",
    { schema: { tags: ["events"], summary: "Process a stored event again", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "events:replay");
      const exists = await deps.db
        .selectFrom("inbox_events")
        .select("id")
        .where("id", "=", request.params.id)
        .where("workspace_id", "=", principal.workspaceId)
        .executeTakeFirst();
      if (!exists) throw notFound("Event");
      const result = await processInboxEvent(deps, { eventId: exists.id, force: true });
      const row = await deps.db
        .selectFrom("inbox_events")
        .selectAll()
        .select((eb) => eb.fn<number>("octet_length", ["body"]).as("size"))
        .where("id", "=", exists.id)
        .executeTakeFirstOrThrow();
      return { ...toEventView(row), outcome: result.outcome };
    },
  );

  app.post(
    "/api/v1/connections",
    {
      schema: {
        tags: ["connections"],
        summary: "Configure a source; returns its webhook URL",
        body: CreateConnectionSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "workspace:manage");
      const adapter = sourceFor(request.body.type);
      if (!adapter?.isConnectionType) {
        throw new AppError("invalid_input", "Unknown connection type", [
          { field: "body.type", message: `one of: ${connectionTypes().join(", ")}` },
        ]);
      }
      const parsed = adapter.configSchema.safeParse(request.body.config);
      if (!parsed.success) {
        throw new AppError(
          "invalid_input",
          "The connection's configuration is invalid",
          parsed.error.issues.map((issue) => ({
            field: ["body", "config", ...issue.path.map(String)].join("."),
            message: issue.message,
          })),
        );
      }
      const prepared = adapter.prepareConfig?.(parsed.data) ?? { config: parsed.data, shownOnce: {} };
      const token = randomBytes(18).toString("base64url");
      const row = await deps.db
        .insertInto("connections")
        .values({
          workspace_id: principal.workspaceId,
          type: request.body.type,
          name: request.body.name,
          config: sealConnectionConfig(deps, prepared.config),
          token,
          silent_after_hours: request.body.silentAfterHours ?? null,
          created_at: deps.clock.now(),
        })
        .returning(["id", "type", "name", "created_at"])
        .executeTakeFirstOrThrow();
      const path = webhookPath(token);
      const base = deps.config.http.publicUrl;
      return reply.status(201).send({
        id: row.id,
        type: row.type,
        name: row.name,
        webhookUrl: base ? new URL(path, base).toString() : path,
        // Generated secrets are shown once, so the sender can be configured.
        ...prepared.shownOnce,
      });
    },
  );

  app.get(
    "/api/v1/connections",
    { schema: { tags: ["connections"], summary: "Connections with last delivery, counts and silence flag" } },
    async (request) => {
      const principal = authorize(request, "events:read");
      return { items: await listConnections(deps, { workspaceId: principal.workspaceId }) };
    },
  );

  // Webhooks: raw bytes whatever the content type, verified before anything is parsed.
  app.register(async (plugin) => {
    const hooks = plugin.withTypeProvider<ZodTypeProvider>();
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
    hooks.get(
      "/hooks/:token",
      {
        schema: { hide: true, params: HookParams, querystring: HookQuery },
        config: { rateLimit: { max: deps.config.http.publicRateLimit, timeWindow: "1 minute" } },
      },
      async (request, reply) => {
        const result = await answerHandshake(deps, { token: request.params.token, query: request.query });
        switch (result.outcome) {
          case "echo":
            return reply.type("text/plain").send(result.body);
          case "refused":
            throw new AppError("forbidden", "The verification token does not match");
          case "unknown_connection":
            throw notFound("Webhook");
        }
      },
    );
    hooks.post(
      "/hooks/:token",
      {
        schema: { hide: true, params: HookParams, querystring: HookQuery },
        config: { rateLimit: { max: deps.config.http.publicRateLimit, timeWindow: "1 minute" } },
      },
      async (request, reply) => {
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const result = await receiveWebhook(deps, {
          token: request.params.token,
          rawBody,
          headers: request.headers,
          query: request.query,
        });
        switch (result.outcome) {
          case "accepted":
            return reply.status(202).send({ status: "accepted", eventId: result.eventId });
          case "duplicate":
            return reply.status(200).send({ status: "duplicate", eventId: result.eventId });
          case "unknown_connection":
            throw notFound("Webhook");
          case "bad_signature":
            throw new AppError("unauthorized", "The signature is missing, wrong or too old");
        }
      },
    );
  });
}
