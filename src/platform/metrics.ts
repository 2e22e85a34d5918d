import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** One Prometheus registry per app instance (tests build several apps in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "funil_" });
  return {
    registry,
    httpDuration: new Histogram({
      name: "funil_http_request_duration_seconds",
      help: "HTTP request duration by route and status",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    inboxEvents: new Counter({
      name: "funil_inbox_events_total",
      help: "Inbound events by source and outcome",
      labelNames: ["source", "outcome"] as const,
      registers: [registry],
    }),
    jobs: new Counter({
      name: "funil_jobs_total",
      help: "Jobs run by name and outcome",
      labelNames: ["job", "outcome"] as const,
      registers: [registry],
    }),
    contactsWritten: new Counter({
      name: "funil_contacts_written_total",
      help: "Contacts created or merged",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    enrichmentProviderCalls: new Counter({
      name: "funil_enrichment_provider_calls_total",
      help: "Enrichment provider runs per contact, by provider and outcome (enriched, partial's reason, failure code)",
      labelNames: ["provider", "outcome"] as const,
      registers: [registry],
    }),
    enrichmentProviderDuration: new Histogram({
      name: "funil_enrichment_provider_duration_seconds",
      help: "Time one provider took for one contact (budget waits and retries included)",
      labelNames: ["provider"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    enrichmentContacts: new Counter({
      name: "funil_enrichment_contacts_total",
      help: "Contacts enriched, by resulting status",
      labelNames: ["status"] as const,
      registers: [registry],
    }),
    enrichmentLeadDuration: new Histogram({
      name: "funil_enrichment_lead_duration_seconds",
      help: "Time to enrich one lead (all networks)",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    enrichmentCoverage: new Gauge({
      name: "funil_enrichment_coverage_ratio",
      help: "Share of contacts with a handle that are enriched (all workspaces; updated by the sweep)",
      registers: [registry],
    }),
    queueBacklog: new Gauge({
      name: "funil_inbox_backlog",
      help: "Inbox events waiting to be processed",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
