import { z } from "zod";
import { listAudit } from "../audit/list-audit.ts";
import { authorize } from "../auth/authorize.ts";
import { assertContact } from "../contacts/assert-contact.ts";
import type { Deps } from "../deps.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { acceptTriageSender, decideTriage, declineTriageSender } from "./decide-triage.ts";
import { listInteractions, listTagEvents, summarizeTagEvents } from "./list-interactions.ts";
import { getTriageSender, listTriage } from "./list-triage.ts";
import {
  DecideTriageSchema,
  ListInteractionsQuerySchema,
  ListTagEventsQuerySchema,
  ListTriageQuerySchema,
  TagSummaryQuerySchema,
} from "./schemas.ts";

const IdParams = z.object({ id: z.uuid() });

export function registerConversationRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/triage",
    {
      schema: {
        tags: ["conversations"],
        summary: "Unknown senders waiting for a decision (or accepted/declined), latest message first",
        querystring: ListTriageQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return listTriage(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );

  app.get(
    "/api/v1/triage/:id",
    { schema: { tags: ["conversations"], summary: "One sender with its messages", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return getTriageSender(deps, { workspaceId: principal.workspaceId, senderId: request.params.id });
    },
  );

  app.get(
    "/api/v1/triage/:id/audit",
    { schema: { tags: ["conversations"], summary: "Who accepted or declined the sender", params: IdParams } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      await getTriageSender(deps, { workspaceId: principal.workspaceId, senderId: request.params.id });
      const items = await listAudit(deps, {
        workspaceId: principal.workspaceId,
        entityType: "triage_sender",
        entityId: request.params.id,
      });
      return { items };
    },
  );

  app.post(
    "/api/v1/triage/:id/accept",
    {
      schema: {
        tags: ["conversations"],
        summary: "Accept a sender as a lead (also undoes a decline); audited",
        params: IdParams,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:write");
      return acceptTriageSender(deps, {
        workspaceId: principal.workspaceId,
        senderId: request.params.id,
        actor: principal.actor,
      });
    },
  );

  app.post(
    "/api/v1/triage/:id/decline",
    {
      schema: { tags: ["conversations"], summary: "Decline a sender: ignored, audited", params: IdParams },
    },
    async (request) => {
      const principal = authorize(request, "leads:write");
      return declineTriageSender(deps, {
        workspaceId: principal.workspaceId,
        senderId: request.params.id,
        actor: principal.actor,
      });
    },
  );

  app.post(
    "/api/v1/triage/decide",
    {
      schema: {
        tags: ["conversations"],
        summary: "Accept or decline many senders; a result per sender",
        body: DecideTriageSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:write");
      return decideTriage(deps, {
        workspaceId: principal.workspaceId,
        ...request.body,
        actor: principal.actor,
      });
    },
  );

  app.get(
    "/api/v1/leads/:id/interactions",
    {
      schema: {
        tags: ["conversations"],
        summary: "A lead's messages in and out (with delivery status), newest first",
        params: IdParams,
        querystring: ListInteractionsQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      await assertContact(deps, principal.workspaceId, request.params.id);
      return listInteractions(deps, {
        workspaceId: principal.workspaceId,
        contactId: request.params.id,
        ...request.query,
      });
    },
  );

  app.get(
    "/api/v1/tag-events",
    {
      schema: {
        tags: ["conversations"],
        summary: "Chatwoot labels added to and removed from conversations",
        querystring: ListTagEventsQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      await assertContact(deps, principal.workspaceId, request.query.contactId);
      return listTagEvents(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );

  app.get(
    "/api/v1/tag-events/summary",
    {
      schema: {
        tags: ["conversations"],
        summary: "Per label: times added and removed in a period",
        querystring: TagSummaryQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return summarizeTagEvents(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );
}
