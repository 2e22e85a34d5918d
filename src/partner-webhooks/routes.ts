import { z } from "zod";
import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { listDeliveries } from "./list-deliveries.ts";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
} from "./manage-webhook-endpoints.ts";
import { retryDelivery } from "./retry-delivery.ts";
import {
  CreateWebhookEndpointSchema,
  ListDeliveriesQuerySchema,
  ListEndpointsQuerySchema,
  UpdateWebhookEndpointSchema,
} from "./schemas.ts";
import { sendTestEvent } from "./send-test-event.ts";

const IdParams = z.object({ id: z.uuid() });
const tags = ["partner-webhooks"];
const PERMISSION = "webhooks:manage";

export function registerPartnerWebhookRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/webhook-endpoints",
    {
      schema: {
        tags,
        summary: "Partner webhook endpoints (signed outgoing CRM events, Standard Webhooks)",
        querystring: ListEndpointsQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, PERMISSION);
      return listEndpoints(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );

  app.post(
    "/api/v1/webhook-endpoints",
    {
      schema: {
        tags,
        summary: "Register an endpoint: the answer holds its whsec_ secret, shown this once",
        body: CreateWebhookEndpointSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, PERMISSION);
      const created = await createEndpoint(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        endpoint: request.body,
      });
      return reply.status(201).send(created);
    },
  );

  app.get(
    "/api/v1/webhook-endpoints/:id",
    { schema: { tags, summary: "One endpoint (never its secret)", params: IdParams } },
    async (request) => {
      const principal = authorize(request, PERMISSION);
      return getEndpoint(deps, { workspaceId: principal.workspaceId, endpointId: request.params.id });
    },
  );

  app.patch(
    "/api/v1/webhook-endpoints/:id",
    {
      schema: {
        tags,
        summary: "Change the URL, description, event types (empty: all) or switch it on/off",
        params: IdParams,
        body: UpdateWebhookEndpointSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, PERMISSION);
      return updateEndpoint(deps, {
        workspaceId: principal.workspaceId,
        endpointId: request.params.id,
        actor: principal.actor,
        changes: request.body,
      });
    },
  );

  app.delete(
    "/api/v1/webhook-endpoints/:id",
    { schema: { tags, summary: "Remove an endpoint (its delivery log is kept)", params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request, PERMISSION);
      await deleteEndpoint(deps, {
        workspaceId: principal.workspaceId,
        endpointId: request.params.id,
        actor: principal.actor,
      });
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/v1/webhook-endpoints/:id/rotate-secret",
    {
      schema: {
        tags,
        summary: "A new secret, shown this once; the old one also signs for 24 hours",
        params: IdParams,
      },
    },
    async (request) => {
      const principal = authorize(request, PERMISSION);
      return rotateEndpointSecret(deps, {
        workspaceId: principal.workspaceId,
        endpointId: request.params.id,
        actor: principal.actor,
      });
    },
  );

  app.post(
    "/api/v1/webhook-endpoints/:id/test",
    { schema: { tags, summary: "Send a webhook.test event (queued; see its delivery)", params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request, PERMISSION);
      const delivery = await sendTestEvent(deps, {
        workspaceId: principal.workspaceId,
        endpointId: request.params.id,
      });
      return reply.status(202).send(delivery);
    },
  );

  app.get(
    "/api/v1/webhook-endpoints/:id/deliveries",
    {
      schema: {
        tags,
        summary: "The endpoint's delivery log: status, attempts, last answer; by status and event type",
        params: IdParams,
        querystring: ListDeliveriesQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, PERMISSION);
      return listDeliveries(deps, {
        workspaceId: principal.workspaceId,
        endpointId: request.params.id,
        ...request.query,
      });
    },
  );

  app.post(
    "/api/v1/webhook-deliveries/:id/retry",
    {
      schema: {
        tags,
        summary: "One more attempt at a failed or exhausted delivery (same webhook-id)",
        params: IdParams,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, PERMISSION);
      const delivery = await retryDelivery(deps, {
        workspaceId: principal.workspaceId,
        deliveryId: request.params.id,
      });
      return reply.status(202).send(delivery);
    },
  );
}
