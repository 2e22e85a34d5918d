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
    queueBacklog: new Gauge({
      name: "funil_inbox_backlog",
      help: "Inbox events waiting to be processed",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
