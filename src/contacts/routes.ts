import { PassThrough, Readable } from "node:stream";
import { z } from "zod";
import { listAudit } from "../audit/list-audit.ts";
import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { deleteContact, restoreContact } from "./delete-contact.ts";
import { auditExport, exportContacts, exportContactsXlsx } from "./export-contacts.ts";
import { getContact } from "./get-contact.ts";
import { listContacts } from "./list-contacts.ts";
import { createSegment, deleteSegment, listSegments } from "./manage-segments.ts";
import { mergeContacts } from "./merge-contacts.ts";
import {
  ContactFiltersSchema,
  CreateSegmentSchema,
  ListContactsQuerySchema,
  MergeContactsSchema,
  UpdateContactSchema,
} from "./schemas.ts";
import { undoMerge } from "./undo-merge.ts";
import { updateContact } from "./update-contact.ts";

const IdParams = z.object({ id: z.string().uuid() });

export function registerContactRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/leads",
    {
      schema: {
        tags: ["leads"],
        summary: "List, filter, search and page through leads",
        querystring: ListContactsQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return listContacts(deps, { workspaceId: principal.workspaceId, query: request.query });
    },
  );

  app.get(
    "/api/v1/leads/export.csv",
    {
      schema: {
        tags: ["leads"],
        summary: "Export the filtered leads as CSV",
        querystring: ContactFiltersSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:export");
      await auditExport(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        format: "csv",
        filters: request.query,
      });
      const stamp = deps.clock.now().toISOString().slice(0, 10);
      reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="leads-${stamp}.csv"`);
      return reply.send(
        Readable.from(exportContacts(deps, { workspaceId: principal.workspaceId, filters: request.query })),
      );
    },
  );

  app.get(
    "/api/v1/leads/export.xlsx",
    {
      schema: {
        tags: ["leads"],
        summary: "Export the filtered leads as XLSX",
        querystring: ContactFiltersSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:export");
      await auditExport(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        format: "xlsx",
        filters: request.query,
      });
      const stamp = deps.clock.now().toISOString().slice(0, 10);
      const output = new PassThrough();
      exportContactsXlsx(deps, { workspaceId: principal.workspaceId, filters: request.query }, output).catch(
        (error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))),
      );
      return reply
        .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .header("content-disposition", `attachment; filename="leads-${stamp}.xlsx"`)
        .send(output);
    },
  );

  app.get(
    "/api/v1/leads/:id",
    {
      schema: {
        tags: ["leads"],
        summary: "One lead; 404 when unknown or deleted (unless includeDeleted=true)",
        params: IdParams,
        querystring: z.object({ includeDeleted: z.enum(["true", "false"]).optional() }),
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return getContact(deps, {
        workspaceId: principal.workspaceId,
        contactId: request.params.id,
        includeDeleted: request.query.includeDeleted === "true",
      });
    },
  );

  app.patch(
    "/api/v1/leads/:id",
    { schema: { tags: ["leads"], summary: "Edit a lead", params: IdParams, body: UpdateContactSchema } },
    async (request) => {
      const principal = authorize(request, "leads:write");
      await updateContact(deps, {
        workspaceId: principal.workspaceId,
        contactId: request.params.id,
        patch: request.body,
        actor: principal.actor,
      });
      return getContact(deps, { workspaceId: principal.workspaceId, contactId: request.params.id });
    },
  );

  app.delete(
    "/api/v1/leads/:id",
    { schema: { tags: ["leads"], summary: "Soft delete", params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request, "leads:delete");
      await deleteContact(deps, {
        workspaceId: principal.workspaceId,
        contactId: request.params.id,
        actor: principal.actor,
      });
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/v1/leads/:id/restore",
    { schema: { tags: ["leads"], summary: "Restore a soft-deleted lead", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "leads:delete");
      await restoreContact(deps, {
        workspaceId: principal.workspaceId,
        contactId: request.params.id,
        actor: principal.actor,
      });
      return getContact(deps, { workspaceId: principal.workspaceId, contactId: request.params.id });
    },
  );

  app.get(
    "/api/v1/leads/:id/audit",
    { schema: { tags: ["leads"], summary: "Who changed what, when", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      await getContact(deps, {
        workspaceId: principal.workspaceId,
        contactId: request.params.id,
        includeDeleted: true,
      });
      const items = await listAudit(deps, {
        workspaceId: principal.workspaceId,
        entityType: "contact",
        entityId: request.params.id,
      });
      return { items };
    },
  );

  app.post(
    "/api/v1/leads/:id/merge",
    {
      schema: {
        tags: ["leads"],
        summary: "Merge another lead into this one",
        params: IdParams,
        body: MergeContactsSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:delete");
      const { mergeId } = await mergeContacts(deps, {
        workspaceId: principal.workspaceId,
        targetId: request.params.id,
        sourceId: request.body.sourceId,
        actor: principal.actor,
      });
      const lead = await getContact(deps, {
        workspaceId: principal.workspaceId,
        contactId: request.params.id,
      });
      return { mergeId, lead };
    },
  );

  app.post(
    "/api/v1/merges/:id/undo",
    { schema: { tags: ["leads"], summary: "Undo a merge", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "leads:delete");
      return undoMerge(deps, {
        workspaceId: principal.workspaceId,
        mergeId: request.params.id,
        actor: principal.actor,
      });
    },
  );

  app.get("/api/v1/segments", { schema: { tags: ["segments"] } }, async (request) => {
    const principal = authorize(request, "leads:read");
    return { items: await listSegments(deps, { workspaceId: principal.workspaceId }) };
  });

  app.post(
    "/api/v1/segments",
    {
      schema: {
        tags: ["segments"],
        summary: "Save the current filters as a list",
        body: CreateSegmentSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "segments:write");
      const segment = await createSegment(deps, {
        workspaceId: principal.workspaceId,
        name: request.body.name,
        filters: request.body.filters,
        createdBy: principal.userId,
      });
      return reply.status(201).send(segment);
    },
  );

  app.delete(
    "/api/v1/segments/:id",
    { schema: { tags: ["segments"], params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request, "segments:write");
      await deleteSegment(deps, { workspaceId: principal.workspaceId, segmentId: request.params.id });
      return reply.status(204).send();
    },
  );
}
