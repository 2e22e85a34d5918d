import { z } from "zod";
import { authorize } from "../auth/authorize.ts";
import { assertContact } from "../contacts/assert-contact.ts";
import type { Deps } from "../deps.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { assignCohort } from "./assign-cohort.ts";
import { listAccessLog } from "./list-access-log.ts";
import { listEnrollments } from "./list-enrollments.ts";
import { listOffers } from "./list-offers.ts";
import { listProducts } from "./list-products.ts";
import { listPurchases } from "./list-purchases.ts";
import { reportAccessKpis } from "./report-access-kpis.ts";
import {
  AccessKpisQuerySchema,
  AssignCohortSchema,
  ListEnrollmentsQuerySchema,
  ListPurchasesQuerySchema,
  SetCohortSchema,
  UpdateProductSchema,
} from "./schemas.ts";
import { setEnrollmentCohort } from "./set-enrollment-cohort.ts";
import { updateProduct } from "./update-product.ts";

const IdParams = z.object({ id: z.string().uuid() });

export function registerStudentRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/purchases",
    {
      schema: {
        tags: ["students"],
        summary: "Purchases and their status",
        querystring: ListPurchasesQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      await assertContact(deps, principal.workspaceId, request.query.contactId);
      return listPurchases(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );

  app.get(
    "/api/v1/enrollments",
    {
      schema: {
        tags: ["students"],
        summary: "Enrollments: first access and modules completed",
        querystring: ListEnrollmentsQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      await assertContact(deps, principal.workspaceId, request.query.contactId);
      return listEnrollments(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );

  app.get(
    "/api/v1/enrollments/:id/access-log",
    {
      schema: {
        tags: ["students"],
        summary: "An enrollment's access log: purchases, our messages, link clicks, first access, modules",
        params: IdParams,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return listAccessLog(deps, { workspaceId: principal.workspaceId, enrollmentId: request.params.id });
    },
  );

  app.get(
    "/api/v1/offers",
    {
      schema: {
        tags: ["students"],
        summary: "Offers per product: purchases, active, refunded, revenue",
        querystring: z.object({ productId: z.string().uuid().optional() }),
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return listOffers(deps, { workspaceId: principal.workspaceId, productId: request.query.productId });
    },
  );

  app.patch(
    "/api/v1/enrollments/:id",
    {
      schema: {
        tags: ["students"],
        summary: "Put an enrollment in a cohort (turma), or in none (audited)",
        params: IdParams,
        body: SetCohortSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:write");
      return setEnrollmentCohort(deps, {
        workspaceId: principal.workspaceId,
        enrollmentId: request.params.id,
        cohort: request.body.cohort,
        actor: principal.actor,
      });
    },
  );

  app.post(
    "/api/v1/enrollments/cohort",
    {
      schema: {
        tags: ["students"],
        summary: "Put a product's enrollments that began (were bought) in a date range in a cohort (audited)",
        body: AssignCohortSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:write");
      return assignCohort(deps, {
        workspaceId: principal.workspaceId,
        actor: principal.actor,
        assignment: request.body,
      });
    },
  );

  app.get(
    "/api/v1/access-kpis",
    {
      schema: {
        tags: ["students"],
        summary:
          "Access KPIs per product (and cohort): first accesses by origin, our share, messages sent, clicks, time to access",
        querystring: AccessKpisQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return reportAccessKpis(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );

  app.get("/api/v1/products", { schema: { tags: ["students"], summary: "Products" } }, async (request) => {
    const principal = authorize(request, "leads:read");
    return listProducts(deps, { workspaceId: principal.workspaceId });
  });

  app.patch(
    "/api/v1/products/:id",
    {
      schema: {
        tags: ["students"],
        summary: "Turn a product's monitoring on or off, set its welcome template",
        params: IdParams,
        body: UpdateProductSchema,
      },
    },
    async (request) => {
      // Managers and admins.
      const principal = authorize(request, "leads:delete");
      return updateProduct(deps, {
        workspaceId: principal.workspaceId,
        productId: request.params.id,
        changes: request.body,
        actor: principal.actor,
      });
    },
  );
}
