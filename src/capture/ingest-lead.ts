import { randomUUID } from "node:crypto";
import type { Actor } from "../auth/schemas.ts";
import type { ContactView } from "../contacts/get-contact.ts";
import { normalizeLead } from "../contacts/normalize-lead.ts";
import type { LeadInput } from "../contacts/schemas.ts";
import type { Deps } from "../deps.ts";
import { createBatcher } from "../platform/batcher.ts";
import { type IngestItem, type IngestResult, ingestLeads, RepeatedRequestError } from "./ingest-leads.ts";

export interface IngestLeadInput {
  workspaceId: string;
  lead: LeadInput;
  rawBody: Uint8Array;
  headers: Record<string, string>;
  contentType: string | null;
  /** The caller's Idempotency-Key: a repeat returns the first result instead of a second touch. */
  idempotencyKey: string | null;
  actor: Actor;
}

export interface IngestLeadResult {
  outcome: "created" | "merged" | "repeated";
  contactId: string;
  eventId: string;
  /** The contact as it stands after this lead (null for a repeat: read it with getContact). */
  contact: ContactView | null;
}

const batchers = new WeakMap<Deps, ReturnType<typeof createBatcher<IngestItem, IngestResult>>>();

/** Concurrent API requests share round trips: see ingestLeads. */
function batcherFor(deps: Deps) {
  let batcher = batchers.get(deps);
  if (!batcher) {
    const isPostgres = deps.database.kind === "postgres";
    batcher = createBatcher((items: IngestItem[]) => ingestLeads(deps, items), {
      maxBatch: 100,
      maxInFlight: isPostgres ? 4 : 1,
    });
    batchers.set(deps, batcher);
  }
  return batcher;
}

async function findRepeat(deps: Deps, workspaceId: string, idempotencyKey: string) {
  return deps.db
    .selectFrom("inbox_events")
    .select(["id", "contact_id"])
    .where("workspace_id", "=", workspaceId)
    .where("source", "=", "api")
    .where("idempotency_key", "=", idempotencyKey)
    .executeTakeFirst();
}

/**
 * The API door: the raw request is stored in the inbox and, in the same write, the person is resolved
 * and scored, so the caller learns at once whether the lead was new (201) or matched someone (200).
 */
export async function ingestLead(deps: Deps, input: IngestLeadInput): Promise<IngestLeadResult> {
  const lead = normalizeLead(input.lead, {
    defaultCountry: deps.config.contacts.defaultCountry,
    defaultSource: "api",
  });
  const repeat = async () => {
    const seen = input.idempotencyKey
      ? await findRepeat(deps, input.workspaceId, input.idempotencyKey)
      : undefined;
    return seen?.contact_id
      ? { outcome: "repeated" as const, contactId: seen.contact_id, eventId: seen.id, contact: null }
      : null;
  };
  const earlier = await repeat();
  if (earlier) return earlier;
  const eventId = randomUUID();
  try {
    const result = await batcherFor(deps).submit({
      workspaceId: input.workspaceId,
      lead,
      actor: input.actor,
      at: deps.clock.now(),
      eventId,
      event: {
        kind: "new",
        source: "api",
        idempotencyKey: input.idempotencyKey ?? eventId,
        contentType: input.contentType,
        headers: input.headers,
        body: input.rawBody,
      },
    });
    deps.metrics.inboxEvents.labels("api", "processed").inc();
    deps.metrics.contactsWritten.labels(result.outcome).inc();
    return { outcome: result.outcome, contactId: result.contact.id, eventId, contact: result.contact };
  } catch (error) {
    if (error instanceof RepeatedRequestError) {
      const first = await repeat();
      if (first) return first;
    }
    throw error;
  }
}
