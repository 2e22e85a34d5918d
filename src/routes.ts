import { registerAdLibraryRoutes } from "./ad-library/routes.ts";
import { registerAlertRoutes } from "./alerts/routes.ts";
import { registerDashboardRoutes } from "./analytics/dashboard-routes.ts";
import { registerValueReportRoutes } from "./analytics/value-report-routes.ts";
import { registerAuditRoutes } from "./audit/routes.ts";
import { registerAuthRoutes } from "./auth/routes.ts";
import { registerAutomationRoutes } from "./automation/routes.ts";
import { registerCaptureRoutes } from "./capture/routes.ts";
import { registerContactRoutes } from "./contacts/routes.ts";
import { registerConversationRoutes } from "./conversations/routes.ts";
import { registerCrmRoutes } from "./crm/routes.ts";
import type { Deps } from "./deps.ts";
import { registerEnrichmentRoutes } from "./enrichment/routes.ts";
import { registerImportRoutes } from "./imports/routes.ts";
import { registerOperationsRoutes } from "./operations/routes.ts";
import { registerOutboundRoutes } from "./outbound/routes.ts";
import { registerPartnerWebhookRoutes } from "./partner-webhooks/routes.ts";
import type { HttpServer } from "./platform/http/server.ts";
import { registerRealEstateRoutes } from "./realestate/routes.ts";
import { registerScoringRoutes } from "./scoring/routes.ts";
import { registerStudentRoutes } from "./students/routes.ts";

/** Every route group, in one explicit list. */
export function registerRoutes(app: HttpServer, deps: Deps) {
  registerAuthRoutes(app, deps);
  registerCaptureRoutes(app, deps);
  registerContactRoutes(app, deps);
  registerScoringRoutes(app, deps);
  registerOperationsRoutes(app, deps);
  registerImportRoutes(app, deps);
  registerStudentRoutes(app, deps);
  registerConversationRoutes(app, deps);
  registerOutboundRoutes(app, deps);
  registerEnrichmentRoutes(app, deps);
  registerAdLibraryRoutes(app, deps);
  registerAlertRoutes(app, deps);
  registerCrmRoutes(app, deps);
  registerRealEstateRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerPartnerWebhookRoutes(app, deps);
  registerAutomationRoutes(app, deps);
  registerDashboardRoutes(app, deps);
  registerValueReportRoutes(app, deps);
}
