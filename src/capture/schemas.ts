import { z } from "zod";

export const PROCESS_EVENT_JOB = "capture.process-event";
export const PRUNE_EVENTS_JOB = "capture.prune-events";
export const RECOVER_EVENTS_JOB = "capture.recover-events";

export const EVENT_STATUSES = ["received", "processed", "failed"] as const;

export const ListEventsQuerySchema = z.object({
  connectionId: z.string().uuid().optional(),
  status: z.enum(EVENT_STATUSES).optional(),
  source: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

/** A connection: the type names its adapter (capture/sources.ts), which validates `config`. */
export const CreateConnectionSchema = z
  .object({
    type: z.string().min(1).max(40),
    name: z.string().trim().min(1).max(120),
    config: z.record(z.string(), z.unknown()).default({}),
    /** Flag the source when nothing arrives for this long. */
    silentAfterHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .optional(),
  })
  .strict();

/** Request headers kept with a raw event (never credentials). */
export const KEPT_HEADERS = [
  "content-type",
  "content-length",
  "user-agent",
  "idempotency-key",
  "x-request-id",
  "webhook-id",
  "webhook-timestamp",
  "x-forwarded-for",
] as const;

export function keepHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (typeof value === "string") kept[name] = value.slice(0, 500);
  }
  return kept;
}
