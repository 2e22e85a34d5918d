import { z } from "zod";

// Query shapes and answers of the Painel (dashboards): the overview, its live stream and the funnel.
// Periods are whole days in the workspace's time zone (`from` and `to` both included).

const Day = z.iso.date();
const Source = z.string().trim().min(1).max(100);
/** `csv` answers text/csv (UTF-8 with BOM, formula-safe cells) with one of the report's tables. */
const Format = z.enum(["json", "csv"]).default("json");

export const OVERVIEW_TABLES = ["leads", "temperature", "intake", "live", "failed", "silent"] as const;
export type OverviewTable = (typeof OVERVIEW_TABLES)[number];

export const OverviewQuerySchema = z
  .object({
    /** First day (default: 29 days before `to`). */
    from: Day.optional(),
    /** Last day, included (default: today in the workspace's time zone). */
    to: Day.optional(),
    /** Only leads whose first source is this (the lead figures; the event figures are the workspace's). */
    source: Source.optional(),
    format: Format,
    /** Which table the CSV holds. */
    table: z.enum(OVERVIEW_TABLES).default("leads"),
  })
  .strict();
export type OverviewQuery = z.infer<typeof OverviewQuerySchema>;

export const StreamQuerySchema = z
  .object({
    /** The stream ticket from POST …/stream-ticket (EventSource cannot send an Authorization header). */
    ticket: z.string().max(4096).optional(),
    source: Source.optional(),
  })
  .strict();

export const FUNNEL_TABLES = ["stages", "owners", "sources", "reasons", "sla-owners", "sla-stages"] as const;
export type FunnelTable = (typeof FUNNEL_TABLES)[number];

export const FunnelQuerySchema = z
  .object({
    /** Default: the workspace's first pipeline. */
    pipelineId: z.uuid().optional(),
    from: Day.optional(),
    to: Day.optional(),
    /** Only this owner's deals (and SLA timers); a sales rep always sees their own only. */
    ownerId: z.uuid().optional(),
    /** Only deals (and SLA timers) of leads whose first source is this. */
    source: Source.optional(),
    format: Format,
    table: z.enum(FUNNEL_TABLES).default("stages"),
  })
  .strict();
export type FunnelQuery = z.infer<typeof FunnelQuerySchema>;

/** A period of whole local days and the instants it spans ([start, end)). */
export interface Period {
  from: string;
  to: string;
  timeZone: string;
  start: string;
  end: string;
  /** Every day of the period, oldest first. */
  days: string[];
}

/** The figures the stream pushes; the overview carries the same object. */
export interface LiveFigures {
  at: string;
  /** Today in the workspace's time zone. */
  today: string;
  /** Leads created today (with the source filter). */
  newLeadsToday: number;
  intake: {
    /** Events received in the last 60 minutes. */
    lastHour: number;
    /** Events received in the last minute. */
    lastMinute: number;
    /** lastHour ÷ 60. */
    perMinute: number;
    /** Events per minute over the last hour, oldest first (60 buckets; the last ends now). */
    minutes: number[];
  };
  /** Events received and not processed yet. */
  backlog: number;
  backlogOldestAt: string | null;
  /** Events whose processing failed (waiting for a replay). */
  failed: number;
}

export interface LeadSourceSeries {
  source: string | null;
  total: number;
  /** Leads per day, aligned with `period.days`. */
  perDay: number[];
}

export interface OverviewReport {
  period: Period;
  filters: { source: string | null };
  leads: { total: number; perDay: number[]; sources: LeadSourceSeries[] };
  /** The current temperature of the period's leads. */
  temperature: { hot: number; warm: number; cold: number; unscored: number };
  live: LiveFigures;
  /** The latest failed events (their error only for roles that read events). */
  failedEvents: { id: string; source: string; error: string | null; attempts: number; receivedAt: string }[];
  /** Enabled connections that received nothing within their silence threshold. */
  silentSources: {
    id: string;
    type: string;
    name: string;
    lastReceivedAt: string | null;
    silentAfterHours: number | null;
  }[];
}

export interface FunnelStage {
  id: string;
  name: string;
  kind: "open" | "won" | "lost";
  /** Deals of the period that entered the stage. */
  entered: number;
  /** Of those, the deals that went on to a later stage, not lost (null for won and lost stages). */
  converted: number | null;
  /** converted ÷ entered (null when nothing entered or the stage is won or lost). */
  rate: number | null;
  /** Hours per stay in the stage (open stages; null when none). */
  hours: { average: number; median: number; p90: number } | null;
}

interface Outcomes {
  deals: number;
  open: number;
  won: number;
  lost: number;
  wonValue: number;
  winRate: number | null;
}

export interface SlaRow {
  key: string;
  label: string | null;
  met: number;
  breached: number;
  running: number;
  compliance: number | null;
}

export interface FunnelReport {
  period: Period;
  filters: { pipelineId: string | null; ownerId: string | null; source: string | null };
  /** null when the workspace has no pipeline yet. */
  pipeline: { id: string; name: string } | null;
  pipelines: { id: string; name: string }[];
  deals: number;
  stages: FunnelStage[];
  byOwner: (Outcomes & { ownerId: string | null; owner: string | null })[];
  bySource: (Outcomes & { source: string | null })[];
  reasons: {
    won: { reason: string | null; deals: number }[];
    lost: { reason: string | null; deals: number }[];
  };
  sla: { byOwner: SlaRow[]; byStage: SlaRow[] };
}
