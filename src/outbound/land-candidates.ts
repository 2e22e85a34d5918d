import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Actor } from "../auth/schemas.ts";
import { findInboxEventsByKey } from "../capture/find-inbox-events.ts";
import { type IngestItem, ingestLeads, RepeatedRequestError } from "../capture/ingest-leads.ts";
import { type NormalizedLead, normalizeLead } from "../contacts/normalize-lead.ts";
import { LeadInputSchema } from "../contacts/schemas.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import {
  type CandidateOutcome,
  OUTBOUND_SOURCE,
  type OutboundCandidatesTable,
  outboundDb,
} from "./schemas.ts";

/** Candidates handed to the spine at once. */
const CHUNK = 200;

interface RunRef {
  id: string;
  workspace_id: string;
  source_id: string;
  created_by: string | null;
}

type Pending = Pick<
  OutboundCandidatesTable,
  "key" | "name" | "email" | "instagram" | "youtube" | "tiktok" | "found_on"
> & { id: string };

interface Decision {
  id: string;
  outcome: Exclude<CandidateOutcome, "pending">;
  contactId: string | null;
  reason: string | null;
}

const eventKey = (runId: string, key: string) => `${runId}:${key}`;

function describe(error: unknown): string {
  if (error instanceof AppError) {
    const fields = (error.errors ?? []).map((item) => `${item.field}: ${item.message}`);
    return (fields.length > 0 ? fields.join("; ") : error.message).slice(0, 300);
  }
  if (error && typeof error === "object" && "issues" in error && Array.isArray(error.issues)) {
    return (error.issues as { path: PropertyKey[]; message: string }[])
      .map((issue) => `${issue.path.map(String).join(".")}: ${issue.message}`)
      .join("; ")
      .slice(0, 300);
  }
  return "not a lead";
}

/**
 * The orchestrator: a run's pending candidates, deduplicated against the historical base (e-mail and
 * Instagram identities) and against earlier runs (profiles without either, by the person an earlier
 * sighting became), then the new ones land through the spine as leads with source `outbound` and
 * `custom.outbound = {runId, sourceId, foundOn}`. Each landing is an inbox event with idempotency key
 * `<runId>:<key>`, so a run redone after a crash creates nobody twice. Known people are only marked:
 * being listed on a public page is not something the person did, so it is no touch (no new source,
 * no re-scoring, no automation); the sighting stays in `outbound_candidates` with their contact id.
 * Enrichment and qualification pick new contacts with an Instagram handle up by themselves.
 */
export async function landCandidates(deps: Deps, run: RunRef): Promise<void> {
  const db = outboundDb(deps.db);
  const pending: Pending[] = await db
    .selectFrom("outbound_candidates")
    .select(["id", "key", "name", "email", "instagram", "youtube", "tiktok", "found_on"])
    .where("run_id", "=", run.id)
    .where("outcome", "=", "pending")
    .orderBy("seq")
    .execute();
  for (let start = 0; start < pending.length; start += CHUNK) {
    const decisions = await decide(deps, run, pending.slice(start, start + CHUNK));
    await record(deps, decisions);
  }
}

async function decide(deps: Deps, run: RunRef, candidates: Pending[]): Promise<Decision[]> {
  const db = outboundDb(deps.db);
  const decisions: Decision[] = [];

  // 1. The historical base: who already owns one of the candidates' e-mails or handles.
  const emails = candidates.flatMap((c) => (c.email ? [c.email] : []));
  const handles = candidates.flatMap((c) => (c.instagram ? [c.instagram] : []));
  const owners = new Map<string, string>();
  if (emails.length + handles.length > 0) {
    const rows = await db
      .selectFrom("contact_identities")
      .select(["kind", "value", "contact_id"])
      .where("workspace_id", "=", run.workspace_id)
      .where((eb) =>
        eb.or([
          ...(emails.length > 0 ? [eb.and([eb("kind", "=", "email"), eb("value", "in", emails)])] : []),
          ...(handles.length > 0 ? [eb.and([eb("kind", "=", "instagram"), eb("value", "in", handles)])] : []),
        ]),
      )
      .execute();
    for (const row of rows) owners.set(`${row.kind}:${row.value}`, row.contact_id);
  }

  // 2. Earlier runs: a profile seen before (same key, YouTube channel or TikTok handle) and who it became.
  const keys = candidates.map((c) => c.key);
  const youtubes = candidates.flatMap((c) => (c.youtube ? [c.youtube] : []));
  const tiktoks = candidates.flatMap((c) => (c.tiktok ? [c.tiktok] : []));
  const seen = new Map<string, string>();
  const earlier = await db
    .selectFrom("outbound_candidates")
    .select(["key", "youtube", "tiktok", "contact_id"])
    .where("workspace_id", "=", run.workspace_id)
    .where("run_id", "<>", run.id)
    .where("contact_id", "is not", null)
    .where((eb) =>
      eb.or([
        eb("key", "in", keys),
        ...(youtubes.length > 0 ? [eb("youtube", "in", youtubes)] : []),
        ...(tiktoks.length > 0 ? [eb("tiktok", "in", tiktoks)] : []),
      ]),
    )
    .execute();
  for (const row of earlier) {
    if (!row.contact_id) continue;
    seen.set(row.key, row.contact_id);
    if (row.youtube) seen.set(`youtube:${row.youtube}`, row.contact_id);
    if (row.tiktok) seen.set(`tiktok:${row.tiktok}`, row.contact_id);
  }

  // 3. Landings a crashed attempt of this run already made.
  const events = await findInboxEventsByKey(deps, {
    workspaceId: run.workspace_id,
    source: OUTBOUND_SOURCE,
    keys: keys.map((key) => eventKey(run.id, key)),
  });

  const actor: Actor = {
    type: run.created_by ? "user" : "system",
    id: run.created_by,
    label: OUTBOUND_SOURCE,
  };
  const now = deps.clock.now();
  const items: IngestItem[] = [];
  const itemOf: string[] = [];
  for (const candidate of candidates) {
    const known =
      (candidate.instagram ? owners.get(`instagram:${candidate.instagram}`) : undefined) ??
      (candidate.email ? owners.get(`email:${candidate.email}`) : undefined) ??
      seen.get(candidate.key) ??
      (candidate.youtube ? seen.get(`youtube:${candidate.youtube}`) : undefined) ??
      (candidate.tiktok ? seen.get(`tiktok:${candidate.tiktok}`) : undefined);
    const event = events.get(eventKey(run.id, candidate.key));
    if (event?.status === "processed" && event.contact_id) {
      decisions.push({ id: candidate.id, outcome: "landed", contactId: event.contact_id, reason: null });
      continue;
    }
    if (known) {
      decisions.push({ id: candidate.id, outcome: "known", contactId: known, reason: null });
      continue;
    }
    const fields = {
      ...(candidate.name ? { name: candidate.name } : {}),
      ...(candidate.email ? { email: candidate.email } : {}),
      ...(candidate.instagram ? { instagram: candidate.instagram } : {}),
      source: OUTBOUND_SOURCE,
      custom: {
        outbound: { runId: run.id, sourceId: run.source_id, foundOn: candidate.found_on },
        ...(candidate.youtube ? { youtube: candidate.youtube } : {}),
        ...(candidate.tiktok ? { tiktok: candidate.tiktok } : {}),
      },
    };
    let lead: NormalizedLead;
    try {
      if (!candidate.name && !candidate.email && !candidate.instagram) {
        throw new AppError("unprocessable", "a profile without a name, an e-mail or an Instagram handle");
      }
      lead = normalizeLead(LeadInputSchema.parse(fields), {
        defaultCountry: deps.config.contacts.defaultCountry,
        defaultSource: OUTBOUND_SOURCE,
      });
    } catch (error) {
      decisions.push({ id: candidate.id, outcome: "invalid", contactId: null, reason: describe(error) });
      continue;
    }
    items.push({
      workspaceId: run.workspace_id,
      lead,
      actor,
      at: now,
      eventId: event?.id ?? randomUUID(),
      event: event
        ? { kind: "stored", isFirstDelivery: event.status === "received" }
        : {
            kind: "new",
            source: OUTBOUND_SOURCE,
            idempotencyKey: eventKey(run.id, candidate.key),
            contentType: "application/json",
            headers: {},
            body: Buffer.from(JSON.stringify(fields)),
          },
    });
    itemOf.push(candidate.id);
  }

  if (items.length > 0) {
    const results = await ingestLeads(deps, items, { matchesInOneTransaction: true });
    const repeated: { id: string; key: string }[] = [];
    results.forEach((result, index) => {
      const id = itemOf[index] as string;
      const item = items[index] as IngestItem;
      if (result.ok) {
        decisions.push({
          id,
          // Someone matched meanwhile (another door, or two candidates of one person): known.
          outcome: result.value.outcome === "created" ? "landed" : "known",
          contactId: result.value.contact.id,
          reason: null,
        });
      } else if (result.error instanceof RepeatedRequestError && item.event.kind === "new") {
        repeated.push({ id, key: item.event.idempotencyKey });
      } else if (result.error instanceof AppError) {
        decisions.push({ id, outcome: "invalid", contactId: null, reason: describe(result.error) });
      } else {
        // The database, not the candidate: the run is retried (and lands nobody twice).
        throw result.error;
      }
    });
    if (repeated.length > 0) {
      const landed = await findInboxEventsByKey(deps, {
        workspaceId: run.workspace_id,
        source: OUTBOUND_SOURCE,
        keys: repeated.map((item) => item.key),
      });
      for (const item of repeated) {
        decisions.push({
          id: item.id,
          outcome: "landed",
          contactId: landed.get(item.key)?.contact_id ?? null,
          reason: null,
        });
      }
    }
  }
  return decisions;
}

async function record(deps: Deps, decisions: Decision[]) {
  if (decisions.length === 0) return;
  const rows = decisions.map(
    (decision) =>
      sql`(${decision.id}::uuid, ${decision.outcome}::text, ${decision.contactId}::uuid, ${decision.reason}::text)`,
  );
  await sql`
    update outbound_candidates as c
    set outcome = v.outcome, contact_id = v.contact_id, reason = v.reason
    from (values ${sql.join(rows)}) as v(id, outcome, contact_id, reason)
    where c.id = v.id
  `.execute(deps.db);
}
