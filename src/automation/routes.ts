import multipart from "@fastify/multipart";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { attachTemplateFile, openTemplateFile, removeTemplateFile } from "./attach-template-file.ts";
import { CreateRuleSchema, createRule, deleteRule } from "./create-rule.ts";
import { followTrackedLink } from "./follow-tracked-link.ts";
import { getRule, listRules, listRuns, updateRule } from "./manage-rules.ts";
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  listTemplates,
  updateTemplate,
} from "./manage-templates.ts";
import { previewTemplate } from "./preview-template.ts";
import { RecordConsentSchema, recordConsent } from "./record-consent.ts";
import {
  approveDispatch,
  decideMany,
  getDispatch,
  listDispatches,
  rejectDispatch,
} from "./review-dispatches.ts";
import { runScheduledRule } from "./run-scheduled-rule.ts";
import {
  ApproveDispatchSchema,
  ApproveManySchema,
  CreateTemplateSchema,
  ListDispatchesQuerySchema,
  ListRunsQuerySchema,
  ListTemplatesQuerySchema,
  PreviewTemplateSchema,
  RejectDispatchSchema,
  RejectManySchema,
  UpdateRuleSchema,
  UpdateTemplateSchema,
} from "./schemas.ts";

const IdParams = z.object({ id: z.uuid() });
const tags = ["automation"];

export function registerAutomationRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/automation-rules",
    { schema: { tags, summary: "Automation rules (built-in first), each with its pending dispatches" } },
    async (request) => {
      const principal = authorize(request, "automation:read");
      return listRules(deps, { workspaceId: principal.workspaceId });
    },
  );

  app.post(
    "/api/v1/automation-rules",
    {
      schema: {
        tags,
        summary: "Make a rule: an event or a scheduled saved query, conditions, actions (suggest by default)",
        body: CreateRuleSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "automation:manage");
      const created = await createRule(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        rule: request.body,
      });
      return reply.status(201).send(created);
    },
  );

  app.delete(
    "/api/v1/automation-rules/:id",
    {
      schema: { tags, summary: "Delete a rule a person made (built-ins are switched off)", params: IdParams },
    },
    async (request, reply) => {
      const principal = authorize(request, "automation:manage");
      await deleteRule(deps, {
        workspaceId: principal.workspaceId,
        ruleId: request.params.id,
        actor: principal.actor,
      });
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/v1/automation-rules/:id",
    { schema: { tags, summary: "One rule: trigger, conditions, actions, mode", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "automation:read");
      return getRule(deps, { workspaceId: principal.workspaceId, ruleId: request.params.id });
    },
  );

  app.patch(
    "/api/v1/automation-rules/:id",
    {
      schema: {
        tags,
        summary: "Switch a rule between suggest and auto, on or off, or change what it does (audited)",
        params: IdParams,
        body: UpdateRuleSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "automation:manage");
      return updateRule(deps, {
        workspaceId: principal.workspaceId,
        ruleId: request.params.id,
        actor: principal.actor,
        change: request.body,
      });
    },
  );

  app.post(
    "/api/v1/automation-rules/:id/run",
    {
      schema: {
        tags,
        summary: "Run a scheduled rule now; answers the run with its counts",
        params: IdParams,
      },
    },
    async (request) => {
      const principal = authorize(request, "automation:manage");
      return runScheduledRule(deps, {
        workspaceId: principal.workspaceId,
        ruleId: request.params.id,
        cause: "manual",
      });
    },
  );

  app.get(
    "/api/v1/automation-rules/:id/runs",
    {
      schema: {
        tags,
        summary: "A rule's run history, newest first",
        params: IdParams,
        querystring: ListRunsQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "automation:read");
      return listRuns(deps, {
        workspaceId: principal.workspaceId,
        ruleId: request.params.id,
        ...request.query,
      });
    },
  );

  app.get(
    "/api/v1/dispatches",
    {
      schema: {
        tags,
        summary: "The dispatch queue: filter by status, rule, contact, channel or facet (module:Módulo 2)",
        querystring: ListDispatchesQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "automation:read");
      return listDispatches(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );

  app.get(
    "/api/v1/dispatches/:id",
    { schema: { tags, summary: "One dispatch with its preview and delivery status", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "automation:read");
      return getDispatch(deps, { workspaceId: principal.workspaceId, dispatchId: request.params.id });
    },
  );

  app.post(
    "/api/v1/dispatches/approve",
    {
      schema: {
        tags,
        summary: "Approve many pending dispatches: by ids, or all a filter selects (at most 5,000)",
        body: ApproveManySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "dispatches:review");
      return decideMany(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        status: "approved",
        ...request.body,
      });
    },
  );

  app.post(
    "/api/v1/dispatches/reject",
    {
      schema: {
        tags,
        summary: "Reject many pending dispatches: by ids or by filter",
        body: RejectManySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "dispatches:review");
      return decideMany(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        status: "rejected",
        ...request.body,
      });
    },
  );

  app.post(
    "/api/v1/dispatches/:id/approve",
    {
      schema: {
        tags,
        summary: "Approve one pending dispatch, optionally with an edited body (the original is kept)",
        params: IdParams,
        body: ApproveDispatchSchema.optional(),
      },
    },
    async (request) => {
      const principal = authorize(request, "dispatches:review");
      return approveDispatch(deps, {
        workspaceId: principal.workspaceId,
        dispatchId: request.params.id,
        actor: principal.actor,
        ...(request.body ?? {}),
      });
    },
  );

  app.post(
    "/api/v1/dispatches/:id/reject",
    {
      schema: {
        tags,
        summary: "Reject one pending dispatch",
        params: IdParams,
        body: RejectDispatchSchema.optional(),
      },
    },
    async (request) => {
      const principal = authorize(request, "dispatches:review");
      return rejectDispatch(deps, {
        workspaceId: principal.workspaceId,
        dispatchId: request.params.id,
        actor: principal.actor,
        ...(request.body ?? {}),
      });
    },
  );

  app.post(
    "/api/v1/consents",
    {
      schema: {
        tags,
        summary:
          "Record a consent or an opt-out for a contact (append-only ledger, checked before each send)",
        body: RecordConsentSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      const recorded = await recordConsent(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        consent: request.body,
      });
      return reply.status(201).send(recorded);
    },
  );

  app.get(
    "/api/v1/message-templates",
    {
      schema: {
        tags,
        summary: "Message templates: the workspace's defaults and the products' own, by purpose and channel",
        querystring: ListTemplatesQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "automation:read");
      return listTemplates(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );

  app.post(
    "/api/v1/message-templates",
    {
      schema: {
        tags,
        summary: "Add a product's own template or one for a new purpose (409 when it exists; audited)",
        body: CreateTemplateSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "automation:manage");
      const created = await createTemplate(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        template: request.body,
      });
      return reply.status(201).send(created);
    },
  );

  app.post(
    "/api/v1/message-templates/preview",
    {
      schema: {
        tags,
        summary: "Render a draft for a contact (and product), or with sample values",
        body: PreviewTemplateSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "automation:read");
      return previewTemplate(deps, { workspaceId: principal.workspaceId, preview: request.body });
    },
  );

  app.get(
    "/api/v1/message-templates/:id",
    { schema: { tags, summary: "One message template", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "automation:read");
      return getTemplate(deps, { workspaceId: principal.workspaceId, templateId: request.params.id });
    },
  );

  app.patch(
    "/api/v1/message-templates/:id",
    {
      schema: {
        tags,
        summary: "Edit a template's text, subject, Meta template name, category or language (audited)",
        params: IdParams,
        body: UpdateTemplateSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "automation:manage");
      return updateTemplate(deps, {
        workspaceId: principal.workspaceId,
        templateId: request.params.id,
        actor: principal.actor,
        change: request.body,
      });
    },
  );

  app.delete(
    "/api/v1/message-templates/:id",
    {
      schema: {
        tags,
        summary: "Delete a product's own or a custom template (a built-in default: 409)",
        params: IdParams,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "automation:manage");
      await deleteTemplate(deps, {
        workspaceId: principal.workspaceId,
        templateId: request.params.id,
        actor: principal.actor,
      });
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/v1/message-templates/:id/attachment",
    { schema: { tags, summary: "Download an e-mail template's attachment", params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request, "automation:read");
      const file = await openTemplateFile(deps, {
        workspaceId: principal.workspaceId,
        templateId: request.params.id,
      });
      return reply
        .type("application/pdf")
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "sandbox")
        .header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
        .send(file.content);
    },
  );

  app.delete(
    "/api/v1/message-templates/:id/attachment",
    { schema: { tags, summary: "Take the attachment off an e-mail template (audited)", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "automation:manage");
      return removeTemplateFile(deps, {
        workspaceId: principal.workspaceId,
        templateId: request.params.id,
        actor: principal.actor,
      });
    },
  );

  // Multipart is parsed only in this scope (the server itself accepts JSON alone).
  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    await scope.register(multipart, {
      // One byte over the limit reaches the store, which refuses it with a clear 413.
      limits: { fileSize: deps.config.attachments.maxBytes + 1, files: 1, fields: 2, fieldSize: 1024 },
    });
    scope.put(
      "/api/v1/message-templates/:id/attachment",
      {
        schema: {
          tags,
          summary: "Set the PDF an e-mail template attaches (multipart field `file`; size limited; audited)",
          params: IdParams,
        },
      },
      async (request) => {
        const principal = authorize(request, "automation:manage");
        if (!request.isMultipart()) {
          throw new AppError("unsupported_media_type", "Send the file as multipart/form-data, field `file`");
        }
        const part = await request.file();
        if (part?.fieldname !== "file") {
          part?.file.resume();
          throw new AppError("invalid_input", "The request is invalid", [
            { field: "body.file", message: "a file is required" },
          ]);
        }
        return attachTemplateFile(deps, {
          workspaceId: principal.workspaceId,
          templateId: request.params.id,
          actor: principal.actor,
          fileName: part.filename,
          contentType: part.mimetype,
          file: part.file,
        });
      },
    );
  });

  // Public: the short link in our messages. Records the click, then redirects to the course.
  app.get(
    "/r/:token",
    {
      schema: {
        tags,
        summary: "A tracked link: records the click and redirects (404 for an unknown token)",
        params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{6,40}$/) }),
      },
    },
    async (request, reply) => {
      const target = await followTrackedLink(deps, { token: request.params.token });
      return reply.header("cache-control", "no-store").redirect(target, 302);
    },
  );
}
