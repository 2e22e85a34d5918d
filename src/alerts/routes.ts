import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { listAlerts } from "./list-alerts.ts";
import { ListAlertsQuerySchema } from "./schemas.ts";

export function registerAlertRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/alerts",
    {
      schema: {
        tags: ["alerts"],
        summary: "Alerts raised for the workspace and whether they reached Slack",
        querystring: ListAlertsQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "events:read");
      return listAlerts(deps, { workspaceId: principal.workspaceId, ...request.query });
    },
  );
}
