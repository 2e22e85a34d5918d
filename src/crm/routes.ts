import multipart from "@fastify/multipart";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { listAudit } from "../audit/list-audit.ts";
import { authorize } from "../auth/authorize.ts";
import { assertContact } from "../contacts/assert-contact.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { createDeal } from "./create-deal.ts";
import { deleteDeal, restoreDeal } from "./delete-deal.ts";
import { listDealOwners } from "./find-deal-owners.ts";
import { getDeal, listDeals } from "./list-deals.ts";
import { getMyDay, getTask, listTasks } from "./list-tasks.ts";
import { attachFile, LogInteractionSchema, logInteraction, openAttachment } from "./log-interaction.ts";
import {
  createAssignmentRule,
  deleteAssignmentRule,
  listAssignmentRules,
  updateAssignmentRule,
} from "./manage-assignment-rules.ts";
import { createPipeline, getPipeline, listPipelines, updatePipeline } from "./manage-pipelines.ts";
import {
  createSlaPolicy,
  getCalendar,
  getLeadSla,
  listSlaPolicies,
  reportSla,
  setCalendar,
  updateSlaPolicy,
} from "./manage-sla.ts";
import { createTask, deleteTask, updateTask } from "./manage-tasks.ts";
import { reportPipeline } from "./report-pipeline.ts";
import {
  AssignDealSchema,
  BulkDealsSchema,
  BusinessCalendarSchema,
  CreateAssignmentRuleSchema,
  CreateDealSchema,
  CreatePipelineSchema,
  CreateSlaPolicySchema,
  CreateTaskSchema,
  ListDealsQuerySchema,
  ListTasksQuerySchema,
  MoveDealSchema,
  MyDayQuerySchema,
  SlaReportQuerySchema,
  UpdateAssignmentRuleSchema,
  UpdateDealSchema,
  UpdatePipelineSchema,
  UpdateSlaPolicySchema,
  UpdateTaskSchema,
} from "./schemas.ts";
import { sweepSla } from "./sweep-sla.ts";
import { assignDeal, changeDeals, moveDeal, updateDeal } from "./update-deal.ts";

const IdParams = z.object({ id: z.string().uuid() });
const tags = ["crm"];

export function registerCrmRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/deal-owners",
    { schema: { tags, summary: "Members who can own deals (everyone but viewers)" } },
    async (request) => {
      const principal = authorize(request, "deals:read");
      return { items: await listDealOwners(deps.db, principal.workspaceId) };
    },
  );

  app.get(
    "/api/v1/pipelines",
    { schema: { tags, summary: "Pipelines with their stages" } },
    async (request) => {
      const principal = authorize(request, "deals:read");
      return listPipelines(deps, { workspaceId: principal.workspaceId });
    },
  );

  app.post(
    "/api/v1/pipelines",
    {
      schema: {
        tags,
        summary: "Create a pipeline (its stages, or a template's: sales, real-estate)",
        body: CreatePipelineSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "pipelines:manage");
      const pipeline = await createPipeline(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        ...request.body,
      });
      return reply.status(201).send(pipeline);
    },
  );

  app.get(
    "/api/v1/pipelines/:id",
    { schema: { tags, summary: "One pipeline", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "deals:read");
      return getPipeline(deps, { workspaceId: principal.workspaceId, pipelineId: request.params.id });
    },
  );

  app.patch(
    "/api/v1/pipelines/:id",
    {
      schema: {
        tags,
        summary: "Rename, reorder, add or remove stages (a stage with deals is kept)",
        params: IdParams,
        body: UpdatePipelineSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "pipelines:manage");
      return updatePipeline(deps, {
        workspaceId: principal.workspaceId,
        pipelineId: request.params.id,
        actor: principal.actor,
        ...request.body,
      });
    },
  );

  app.get(
    "/api/v1/deals",
    { schema: { tags, summary: "Deals: filter, search, page", querystring: ListDealsQuerySchema } },
    async (request) => {
      const principal = authorize(request, "deals:read");
      return listDeals(deps, { ...request.query, viewer: principal });
    },
  );

  app.post(
    "/api/v1/deals",
    { schema: { tags, summary: "Open a deal for a lead", body: CreateDealSchema } },
    async (request, reply) => {
      const principal = authorize(request, "deals:write");
      return reply.status(201).send(await createDeal(deps, { viewer: principal, ...request.body }));
    },
  );

  app.post(
    "/api/v1/deals/bulk",
    {
      schema: {
        tags,
        summary: "Move, assign or delete many deals; each one's outcome is listed",
        body: BulkDealsSchema,
      },
    },
    async (request) => {
      const body = request.body;
      const principal = authorize(
        request,
        body.action === "delete" ? "deals:delete" : body.action === "assign" ? "deals:assign" : "deals:write",
      );
      return changeDeals({
        ids: body.ids,
        run: (dealId) => {
          switch (body.action) {
            case "move":
              return moveDeal(deps, {
                viewer: principal,
                dealId,
                stageId: body.stageId,
                reason: body.reason,
              });
            case "assign":
              return assignDeal(deps, { viewer: principal, dealId, ownerId: body.ownerId, reason: "bulk" });
            case "delete":
              return deleteDeal(deps, { viewer: principal, dealId });
          }
        },
      });
    },
  );

  app.get(
    "/api/v1/deals/:id",
    {
      schema: {
        tags,
        summary: "One deal",
        params: IdParams,
        querystring: z.object({ includeDeleted: z.coerce.boolean().default(false) }).strict(),
      },
    },
    async (request) => {
      const principal = authorize(request, "deals:read");
      return getDeal(deps, {
        viewer: principal,
        dealId: request.params.id,
        includeDeleted: request.query.includeDeleted,
      });
    },
  );

  app.patch(
    "/api/v1/deals/:id",
    { schema: { tags, summary: "Change a deal (null clears)", params: IdParams, body: UpdateDealSchema } },
    async (request) => {
      const principal = authorize(request, "deals:write");
      return updateDeal(deps, { viewer: principal, dealId: request.params.id, changes: request.body });
    },
  );

  app.post(
    "/api/v1/deals/:id/move",
    {
      schema: {
        tags,
        summary: "Move to another stage: 422 names each entry rule that blocks it",
        params: IdParams,
        body: MoveDealSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "deals:write");
      return moveDeal(deps, { viewer: principal, dealId: request.params.id, ...request.body });
    },
  );

  app.post(
    "/api/v1/deals/:id/assign",
    {
      schema: {
        tags,
        summary:
          "Give a deal to someone (reason kept in the audit), or leave out ownerId for the rules to choose",
        params: IdParams,
        body: AssignDealSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "deals:assign");
      return assignDeal(deps, { viewer: principal, dealId: request.params.id, ...request.body });
    },
  );

  app.get(
    "/api/v1/assignment-rules",
    { schema: { tags, summary: "Assignment rules, in the order they are tried" } },
    async (request) => {
      const principal = authorize(request, "deals:read");
      return listAssignmentRules(deps, { workspaceId: principal.workspaceId });
    },
  );

  app.post(
    "/api/v1/assignment-rules",
    {
      schema: {
        tags,
        summary: "Round-robin or least-loaded among owners, per pipeline and/or source, with caps and hours",
        body: CreateAssignmentRuleSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "pipelines:manage");
      const rule = await createAssignmentRule(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        rule: request.body,
      });
      return reply.status(201).send(rule);
    },
  );

  app.patch(
    "/api/v1/assignment-rules/:id",
    {
      schema: {
        tags,
        summary: "Change an assignment rule",
        params: IdParams,
        body: UpdateAssignmentRuleSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "pipelines:manage");
      return updateAssignmentRule(deps, {
        workspaceId: principal.workspaceId,
        ruleId: request.params.id,
        actor: principal.actor,
        changes: request.body,
      });
    },
  );

  app.delete(
    "/api/v1/assignment-rules/:id",
    { schema: { tags, summary: "Remove an assignment rule", params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request, "pipelines:manage");
      await deleteAssignmentRule(deps, {
        workspaceId: principal.workspaceId,
        ruleId: request.params.id,
        actor: principal.actor,
      });
      return reply.status(204).send();
    },
  );

  app.delete(
    "/api/v1/deals/:id",
    { schema: { tags, summary: "Soft delete", params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request, "deals:delete");
      await deleteDeal(deps, { viewer: principal, dealId: request.params.id });
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/v1/deals/:id/restore",
    { schema: { tags, summary: "Restore a deleted deal", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "deals:delete");
      return restoreDeal(deps, { viewer: principal, dealId: request.params.id });
    },
  );

  app.get(
    "/api/v1/deals/:id/audit",
    { schema: { tags, summary: "Who changed what, when", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "deals:read");
      await getDeal(deps, { viewer: principal, dealId: request.params.id, includeDeleted: true });
      const items = await listAudit(deps, {
        workspaceId: principal.workspaceId,
        entityType: "deal",
        entityId: request.params.id,
      });
      return { items };
    },
  );

  app.get(
    "/api/v1/tasks",
    {
      schema: {
        tags,
        summary: "Tasks by due time: filter by owner (me), status, lead, deal",
        querystring: ListTasksQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "deals:read");
      return listTasks(deps, { ...request.query, viewer: principal });
    },
  );

  app.post(
    "/api/v1/tasks",
    {
      schema: {
        tags,
        summary: "A task or follow-up with a due time and an optional reminder",
        body: CreateTaskSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "deals:write");
      return reply.status(201).send(await createTask(deps, { viewer: principal, task: request.body }));
    },
  );

  app.get(
    "/api/v1/tasks/:id",
    { schema: { tags, summary: "One task", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "deals:read");
      return getTask(deps, { viewer: principal, taskId: request.params.id });
    },
  );

  app.patch(
    "/api/v1/tasks/:id",
    {
      schema: {
        tags,
        summary: "Change, complete (status done), reopen or cancel a task",
        params: IdParams,
        body: UpdateTaskSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "deals:write");
      return updateTask(deps, { viewer: principal, taskId: request.params.id, changes: request.body });
    },
  );

  app.delete(
    "/api/v1/tasks/:id",
    { schema: { tags, summary: "Delete a task", params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request, "deals:write");
      await deleteTask(deps, { viewer: principal, taskId: request.params.id });
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/v1/my-day",
    {
      schema: {
        tags,
        summary:
          "The caller's day: overdue, today, next 7 days, due reminders, open deals with nothing planned",
        querystring: MyDayQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "deals:read");
      return getMyDay(deps, { viewer: principal, timeZone: request.query.timeZone });
    },
  );

  app.post(
    "/api/v1/leads/:id/interactions",
    {
      schema: {
        tags,
        summary: "Log a call, meeting, visit, message or note with the lead (who, when, result)",
        params: IdParams,
        body: LogInteractionSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      const logged = await logInteraction(deps, {
        viewer: principal,
        contactId: request.params.id,
        interaction: request.body,
      });
      return reply.status(201).send(logged);
    },
  );

  app.get(
    "/api/v1/attachments/:id",
    { schema: { tags, summary: "Download an interaction's file", params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request, "leads:read");
      const file = await openAttachment(deps, {
        workspaceId: principal.workspaceId,
        attachmentId: request.params.id,
      });
      return reply
        .type(file.contentType)
        .header("content-length", String(file.size))
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "sandbox")
        .header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
        .send(file.stream);
    },
  );

  // Multipart is parsed only in this scope (the server itself accepts JSON alone).
  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    await scope.register(multipart, {
      // One byte over the limit reaches the store, which refuses it with a clear 413.
      limits: { fileSize: deps.config.attachments.maxBytes + 1, files: 1, fields: 2, fieldSize: 1024 },
    });
    scope.post(
      "/api/v1/interactions/:id/attachments",
      {
        schema: {
          tags,
          summary: "Attach a file to an interaction (multipart field `file`; size and type limited)",
          params: IdParams,
        },
      },
      async (request, reply) => {
        const principal = authorize(request, "leads:write");
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
        const stored = await attachFile(deps, {
          viewer: principal,
          interactionId: request.params.id,
          fileName: part.filename,
          contentType: part.mimetype,
          file: part.file,
        });
        return reply.status(201).send(stored);
      },
    );
  });

  app.get(
    "/api/v1/business-calendar",
    { schema: { tags, summary: "Working days, hours and holidays (SLA time runs only inside them)" } },
    async (request) => {
      const principal = authorize(request, "deals:read");
      return getCalendar(deps, { workspaceId: principal.workspaceId });
    },
  );

  app.put(
    "/api/v1/business-calendar",
    { schema: { tags, summary: "Set working days, hours and holidays", body: BusinessCalendarSchema } },
    async (request) => {
      const principal = authorize(request, "pipelines:manage");
      return setCalendar(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        calendar: request.body,
      });
    },
  );

  app.get(
    "/api/v1/sla-policies",
    { schema: { tags, summary: "First-response targets" } },
    async (request) => {
      const principal = authorize(request, "deals:read");
      return listSlaPolicies(deps, { workspaceId: principal.workspaceId });
    },
  );

  app.post(
    "/api/v1/sla-policies",
    {
      schema: {
        tags,
        summary: "A first-response target in business minutes, for one lead source or every other",
        body: CreateSlaPolicySchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "pipelines:manage");
      const policy = await createSlaPolicy(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        policy: request.body,
      });
      return reply.status(201).send(policy);
    },
  );

  app.patch(
    "/api/v1/sla-policies/:id",
    {
      schema: {
        tags,
        summary: "Change a first-response target",
        params: IdParams,
        body: UpdateSlaPolicySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "pipelines:manage");
      return updateSlaPolicy(deps, {
        workspaceId: principal.workspaceId,
        policyId: request.params.id,
        actor: principal.actor,
        changes: request.body,
      });
    },
  );

  app.get(
    "/api/v1/leads/:id/sla",
    {
      schema: { tags, summary: "The lead's first-response SLA: running, met or breached", params: IdParams },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      await assertContact(deps, principal.workspaceId, request.params.id);
      return {
        sla: await getLeadSla(deps, { workspaceId: principal.workspaceId, contactId: request.params.id }),
      };
    },
  );

  app.get(
    "/api/v1/pipelines/:id/report",
    {
      schema: {
        tags,
        summary:
          "Funnel and conversion by stage, outcomes by owner and source, time in stage, won/lost reasons",
        params: IdParams,
        querystring: SlaReportQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:export");
      return reportPipeline(deps, {
        workspaceId: principal.workspaceId,
        pipelineId: request.params.id,
        ...request.query,
      });
    },
  );

  app.post(
    "/api/v1/sla/sweep",
    {
      schema: {
        tags,
        summary: "Run the SLA pass now (it also runs every minute): start, close and breach timers",
      },
    },
    async (request) => {
      const principal = authorize(request, "pipelines:manage");
      return sweepSla(deps, { workspaceId: principal.workspaceId });
    },
  );

  app.get(
    "/api/v1/sla/report",
    { schema: { tags, summary: "SLA compliance by owner and by stage", querystring: SlaReportQuerySchema } },
    async (request) => {
      const principal = authorize(request, "leads:export");
      return reportSla(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );
}
