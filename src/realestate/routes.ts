import { z } from "zod";
import { listAudit } from "../audit/list-audit.ts";
import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { listClients } from "./list-clients.ts";
import { getProperty, listProperties } from "./list-properties.ts";
import {
  createDevelopment,
  createUnit,
  deleteDevelopment,
  getDevelopment,
  listDevelopments,
  restoreDevelopment,
  updateDevelopment,
} from "./manage-developments.ts";
import { getInterest, setInterest } from "./manage-interest.ts";
import { createProperty, deleteProperty, restoreProperty, updateProperty } from "./manage-properties.ts";
import { matchProperties } from "./match-properties.ts";
import {
  CreateDevelopmentSchema,
  CreatePropertySchema,
  CreateUnitSchema,
  InterestSchema,
  ListClientsQuerySchema,
  ListDevelopmentsQuerySchema,
  ListPropertiesQuerySchema,
  MatchQuerySchema,
  UpdateDevelopmentSchema,
  UpdatePropertySchema,
} from "./schemas.ts";

const IdParams = z.object({ id: z.string().uuid() });
const IncludeDeleted = z.object({ includeDeleted: z.coerce.boolean().default(false) }).strict();
const tags = ["real-estate"];

export function registerRealEstateRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/properties",
    {
      schema: {
        tags,
        summary: "Properties: status, kind, purpose, origin, price range, bedrooms, city, development, text",
        querystring: ListPropertiesQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "properties:read");
      return listProperties(deps, { ...request.query, workspaceId: principal.workspaceId });
    },
  );

  app.post(
    "/api/v1/properties",
    {
      schema: {
        tags,
        summary: "Add a property (a unit when it names a development)",
        body: CreatePropertySchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "properties:write");
      const property = await createProperty(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        property: request.body,
      });
      return reply.status(201).send(property);
    },
  );

  app.get(
    "/api/v1/properties/:id",
    { schema: { tags, summary: "One property", params: IdParams, querystring: IncludeDeleted } },
    async (request) => {
      const principal = authorize(request, "properties:read");
      return getProperty(deps, {
        workspaceId: principal.workspaceId,
        propertyId: request.params.id,
        includeDeleted: request.query.includeDeleted,
      });
    },
  );

  app.patch(
    "/api/v1/properties/:id",
    {
      schema: {
        tags,
        summary: "Change a property (null clears); price, status and every other change audited",
        params: IdParams,
        body: UpdatePropertySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "properties:write");
      return updateProperty(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        propertyId: request.params.id,
        changes: request.body,
      });
    },
  );

  app.delete(
    "/api/v1/properties/:id",
    { schema: { tags, summary: "Soft delete", params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request, "properties:write");
      await deleteProperty(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        propertyId: request.params.id,
      });
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/v1/properties/:id/restore",
    { schema: { tags, summary: "Restore a deleted property", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "properties:write");
      return restoreProperty(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        propertyId: request.params.id,
      });
    },
  );

  app.get(
    "/api/v1/properties/:id/audit",
    { schema: { tags, summary: "Who changed what, when (price, status, deletion…)", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "properties:read");
      await getProperty(deps, {
        workspaceId: principal.workspaceId,
        propertyId: request.params.id,
        includeDeleted: true,
      });
      const items = await listAudit(deps, {
        workspaceId: principal.workspaceId,
        entityType: "property",
        entityId: request.params.id,
      });
      return { items };
    },
  );

  app.get(
    "/api/v1/developments",
    {
      schema: {
        tags,
        summary: "Developments with their unit counts: status, city, text",
        querystring: ListDevelopmentsQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "properties:read");
      return listDevelopments(deps, { ...request.query, workspaceId: principal.workspaceId });
    },
  );

  app.post(
    "/api/v1/developments",
    { schema: { tags, summary: "Add a development", body: CreateDevelopmentSchema } },
    async (request, reply) => {
      const principal = authorize(request, "properties:write");
      const development = await createDevelopment(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        development: request.body,
      });
      return reply.status(201).send(development);
    },
  );

  app.get(
    "/api/v1/developments/:id",
    {
      schema: {
        tags,
        summary: "One development with its units and their counts by status",
        params: IdParams,
        querystring: IncludeDeleted,
      },
    },
    async (request) => {
      const principal = authorize(request, "properties:read");
      return getDevelopment(deps, {
        workspaceId: principal.workspaceId,
        developmentId: request.params.id,
        includeDeleted: request.query.includeDeleted,
      });
    },
  );

  app.patch(
    "/api/v1/developments/:id",
    {
      schema: {
        tags,
        summary: "Change a development (null clears)",
        params: IdParams,
        body: UpdateDevelopmentSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "properties:write");
      return updateDevelopment(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        developmentId: request.params.id,
        changes: request.body,
      });
    },
  );

  app.delete(
    "/api/v1/developments/:id",
    { schema: { tags, summary: "Soft delete (409 while it has live units)", params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request, "properties:write");
      await deleteDevelopment(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        developmentId: request.params.id,
      });
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/v1/developments/:id/restore",
    { schema: { tags, summary: "Restore a deleted development", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "properties:write");
      return restoreDevelopment(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        developmentId: request.params.id,
      });
    },
  );

  app.post(
    "/api/v1/developments/:id/units",
    {
      schema: {
        tags,
        summary: "Add a unit: a property of the development (title and address default to its own)",
        params: IdParams,
        body: CreateUnitSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "properties:write");
      const unit = await createUnit(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        developmentId: request.params.id,
        unit: request.body,
      });
      return reply.status(201).send(unit);
    },
  );

  app.get(
    "/api/v1/developments/:id/audit",
    { schema: { tags, summary: "Who changed what, when", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "properties:read");
      await getDevelopment(deps, {
        workspaceId: principal.workspaceId,
        developmentId: request.params.id,
        includeDeleted: true,
      });
      const items = await listAudit(deps, {
        workspaceId: principal.workspaceId,
        entityType: "development",
        entityId: request.params.id,
      });
      return { items };
    },
  );

  app.get(
    "/api/v1/leads/:id/interest",
    { schema: { tags, summary: "What the lead looks for (null: nothing said yet)", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return {
        interest: await getInterest(deps, {
          workspaceId: principal.workspaceId,
          contactId: request.params.id,
        }),
      };
    },
  );

  app.put(
    "/api/v1/leads/:id/interest",
    {
      schema: {
        tags,
        summary: "Set what the lead looks for: purpose, kinds, price range, bedrooms, cities, neighborhoods",
        params: IdParams,
        body: InterestSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:write");
      return setInterest(deps, {
        workspaceId: principal.workspaceId,
        contactId: request.params.id,
        actor: principal.actor,
        interest: request.body,
      });
    },
  );

  app.get(
    "/api/v1/leads/:id/property-matches",
    {
      schema: {
        tags,
        summary: "Available properties ranked by fit to the lead's interest, with the reasons",
        params: IdParams,
        querystring: MatchQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "properties:read");
      return matchProperties(deps, {
        workspaceId: principal.workspaceId,
        contactId: request.params.id,
        limit: request.query.limit,
      });
    },
  );

  app.get(
    "/api/v1/real-estate/clients",
    {
      schema: {
        tags,
        summary:
          "Clients (people with an interest or a property deal): origin, kind, price range, city, text",
        querystring: ListClientsQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return listClients(deps, { ...request.query, workspaceId: principal.workspaceId });
    },
  );
}
