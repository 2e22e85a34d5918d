import { adLibraryJobs } from "./ad-library/jobs.ts";
import { alertJobs } from "./alerts/jobs.ts";
import { auditJobs } from "./audit/jobs.ts";
import { automationJobs } from "./automation/jobs.ts";
import { captureJobs } from "./capture/jobs.ts";
import { crmJobs } from "./crm/jobs.ts";
import type { Deps } from "./deps.ts";
import { enrichmentJobs } from "./enrichment/jobs.ts";
import { importJobs } from "./imports/jobs.ts";
import { operationsJobs } from "./operations/jobs.ts";
import { outboundJobs } from "./outbound/jobs.ts";
import { partnerWebhookJobs } from "./partner-webhooks/jobs.ts";
import type { JobDefinition } from "./platform/queue/queue.ts";
import { scoringJobs } from "./scoring/jobs.ts";

/** Every background job, in one explicit list. */
export function allJobs(deps: Deps): JobDefinition[] {
  return [
    ...captureJobs(deps),
    ...scoringJobs(deps),
    ...importJobs(deps),
    ...outboundJobs(deps),
    ...enrichmentJobs(deps),
    ...alertJobs(deps),
    ...adLibraryJobs(deps),
    ...auditJobs(deps),
    ...crmJobs(deps),
    ...partnerWebhookJobs(deps),
    ...automationJobs(deps),
    ...operationsJobs(deps),
  ];
}
