import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { enqueueMany } from "../platform/queue/queue.ts";
import { SCORE_CONTACT_JOB } from "../scoring/schemas.ts";
import type { EnrichmentRuntime } from "./create-enrichment-runtime.ts";
import { decideContactStatus, decideProviderStatus } from "./decide-enrichment-status.ts";
import { decideTier } from "./decide-tier.ts";
import type { GuardedProvider } from "./guard-provider.ts";
import { getTierSettings } from "./manage-tiers.ts";
import type { EnrichmentSubject, ProviderFailure, ProviderField, ProviderSession } from "./providers.ts";
import {
  type EnrichmentErrorCode,
  type EnrichmentStatus,
  enrichmentDb,
  type Network,
  type ProviderStatus,
} from "./schemas.ts";

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

export interface EnrichJob {
  contactId: string;
  requestId?: string | undefined;
}

type SessionOrSkip = ProviderSession | { skip: EnrichmentErrorCode; message: string };

/** Provider sessions (credentials) resolved once per workspace for a batch. */
type Sessions = Map<string, Promise<SessionOrSkip>>;

interface ProviderRun {
  guarded: GuardedProvider;
  network: Network;
  status: ProviderStatus;
  errorCode: EnrichmentErrorCode | null;
  errorMessage: string | null;
  fields: Record<string, ProviderField> | null;
  durationMs: number;
  pauseSeconds: number | null;
  /** Consecutive failures of this provider on this contact, this run included. */
  failures?: number;
}

function youtubeOf(custom: Record<string, unknown>): string | null {
  const value = custom.youtube;
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/** `custom.website` as an http(s) URL ("marina.com.br" → "https://marina.com.br/"), or null. */
export function websiteOf(custom: Record<string, unknown>): string | null {
  const value = custom.website;
  if (typeof value !== "string" || value.trim() === "" || value.length > 2000) return null;
  const text = value.trim();
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : null;
  } catch {
    return null;
  }
}

/** What the handles were, without keeping them twice: a hash. */
function subjectKey(subject: EnrichmentSubject): string {
  return createHash("sha256")
    .update(`${subject.instagram ?? ""}\u0000${subject.youtube ?? ""}\u0000${subject.website ?? ""}`)
    .digest("hex")
    .slice(0, 32);
}

/** Handles the contact's website showed, for the networks the contact has none on. */
function withFoundHandles(subject: EnrichmentSubject, websiteRuns: ProviderRun[]): EnrichmentSubject {
  const fields = websiteRuns.find((run) => run.fields)?.fields;
  const found = (name: string) => {
    const value = fields?.[name]?.value;
    return typeof value === "string" && value !== "" ? value : null;
  };
  return {
    ...subject,
    instagram: subject.instagram ?? found("instagram"),
    youtube: subject.youtube ?? found("youtube"),
  };
}

function session(deps: Deps, sessions: Sessions, guarded: GuardedProvider, workspaceId: string) {
  const key = `${guarded.provider.id}:${workspaceId}`;
  let found = sessions.get(key);
  if (!found) {
    found = guarded.provider.connect(deps, workspaceId);
    sessions.set(key, found);
  }
  return found;
}

/** One network's waterfall: providers in order until one answers with the minimum data. */
async function runNetwork(
  deps: Deps,
  sessions: Sessions,
  providers: GuardedProvider[],
  network: Network,
  subject: EnrichmentSubject,
  now: Date,
): Promise<ProviderRun[]> {
  const runs: ProviderRun[] = [];
  for (const guarded of providers) {
    const handle = guarded.provider.handleFor(subject);
    if (!handle) continue;
    const started = performance.now();
    const connected = await session(deps, sessions, guarded, subject.workspaceId);
    let fields: Record<string, ProviderField> | null = null;
    let failure: ProviderFailure | null = null;
    if ("skip" in connected) {
      failure = { code: connected.skip, message: connected.message, retryable: false, fault: false };
    } else {
      try {
        const outcome = await connected.fetch(handle, guarded.call, now);
        fields = outcome.fields;
        failure = outcome.error ?? null;
      } catch (error) {
        failure = guarded.classify(error);
      }
    }
    const durationMs = Math.round(performance.now() - started);
    const decided = decideProviderStatus(network, fields, failure);
    runs.push({
      guarded,
      network,
      status: decided.status,
      errorCode: decided.errorCode,
      errorMessage: decided.errorCode ? (failure?.message ?? "the provider returned too little data") : null,
      fields,
      durationMs,
      pauseSeconds: failure?.pauseSeconds ?? null,
    });
    deps.metrics.enrichmentProviderCalls.inc({
      provider: guarded.provider.id,
      outcome: decided.status === "enriched" ? "enriched" : (decided.errorCode ?? decided.status),
    });
    if (decided.status !== "skipped") {
      deps.metrics.enrichmentProviderDuration.observe({ provider: guarded.provider.id }, durationMs / 1000);
    }
    if (decided.status === "enriched" || decided.status === "partial") break;
  }
  return runs;
}

/** The network's outcome: the provider that answered, else the first that really ran, else a skip. */
function networkOutcome(runs: ProviderRun[]): ProviderRun | undefined {
  return (
    runs.find((run) => run.status === "enriched" || run.status === "partial") ??
    runs.find((run) => run.status !== "skipped") ??
    runs[0]
  );
}

function nextDue(
  deps: Deps,
  now: Date,
  status: string,
  errorCode: EnrichmentErrorCode | null,
  failures: number,
  pauseSeconds: number | null,
): Date | null {
  const fresh = deps.config.enrichment.freshDays * DAY_MS;
  const at = (ms: number) => new Date(now.getTime() + ms);
  if (status === "enriched" || status === "not_business_account") return at(fresh);
  if (errorCode === "no_handle") return null;
  if (pauseSeconds) return at(Math.max(60_000, pauseSeconds * 1000));
  if (status === "partial" || status === "skipped") return at(Math.min(fresh, DAY_MS));
  // failed: 15 min, 30 min, 1 h … up to a day
  return at(Math.min(DAY_MS, 15 * 60_000 * 2 ** Math.max(0, failures - 1)));
}

type ContactRow = {
  id: string;
  workspace_id: string;
  instagram: string | null;
  custom: Record<string, unknown>;
  updated_at: Date;
  deleted_at: Date | null;
  merged_into: string | null;
};

type StateRow = {
  status: string;
  tier: string | null;
  request_id: string | null;
  finished_at: Date | null;
  next_due_at: Date | null;
  contact_version: Date | null;
  subject_key: string | null;
};

/** What one batch reads up front, in three statements whatever its size. */
interface Loaded {
  contacts: Map<string, ContactRow>;
  states: Map<string, StateRow>;
  /** Consecutive failures per contact and provider. */
  failures: Map<string, number>;
  /** Fields the tier is computed from, kept from earlier runs: `contactId network field` → value. */
  tierFields: Map<string, unknown>;
}

const TIER_FIELDS = ["followers", "engagementRate", "subscribers"];

async function load(deps: Deps, contactIds: string[]): Promise<Loaded> {
  const db = enrichmentDb(deps.db);
  const [contacts, states, providers, fields] = await Promise.all([
    db
      .selectFrom("contacts")
      .select(["id", "workspace_id", "instagram", "custom", "updated_at", "deleted_at", "merged_into"])
      .where("id", "in", contactIds)
      .execute(),
    db
      .selectFrom("contact_enrichments")
      .select([
        "contact_id",
        "status",
        "tier",
        "request_id",
        "finished_at",
        "next_due_at",
        "contact_version",
        "subject_key",
      ])
      .where("contact_id", "in", contactIds)
      .execute(),
    db
      .selectFrom("contact_enrichment_providers")
      .select(["contact_id", "provider", "attempts"])
      .where("contact_id", "in", contactIds)
      .execute(),
    db
      .selectFrom("contact_enrichment_fields")
      .select(["contact_id", "network", "field", "value"])
      .where("contact_id", "in", contactIds)
      .where("field", "in", TIER_FIELDS)
      .execute(),
  ]);
  return {
    contacts: new Map(contacts.map((row) => [row.id, row])),
    states: new Map(states.map((row) => [row.contact_id, row])),
    failures: new Map(providers.map((row) => [`${row.contact_id} ${row.provider}`, row.attempts])),
    tierFields: new Map(fields.map((row) => [`${row.contact_id} ${row.network} ${row.field}`, row.value])),
  };
}

/** One contact's outcome, ready to be written with others. */
interface Outcome {
  contact: ContactRow;
  /** The explicit request this run answered (cleared when written). */
  requestId: string | null;
  hadState: boolean;
  previousTier: string | null;
  status: Exclude<EnrichmentStatus, "pending">;
  errorCode: EnrichmentErrorCode | null;
  tierInput: { followers: number | null; engagementRate: number | null; subscribers: number | null };
  runs: ProviderRun[];
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  nextDueAt: Date | null;
  subjectKey: string;
}

type Decision =
  | { kind: "gone" }
  | { kind: "done" }
  | { kind: "fresh"; contact: ContactRow }
  | {
      kind: "run";
      contact: ContactRow;
      state: StateRow | undefined;
      subject: EnrichmentSubject;
      key: string;
    };

/** Whether a job has anything to do. Explicit requests run once; the sweep's jobs only when due. */
function decide(loaded: Loaded, job: EnrichJob, now: Date): Decision {
  const contact = loaded.contacts.get(job.contactId);
  if (!contact || contact.deleted_at || contact.merged_into) return { kind: "gone" };
  const state = loaded.states.get(contact.id);
  const subject: EnrichmentSubject = {
    contactId: contact.id,
    workspaceId: contact.workspace_id,
    instagram: contact.instagram,
    youtube: youtubeOf(contact.custom),
    website: websiteOf(contact.custom),
  };
  const key = subjectKey(subject);
  if (job.requestId) {
    // A repeat (or a superseded request) finds its id cleared.
    if (state?.request_id !== job.requestId) return { kind: "done" };
  } else if (state?.finished_at && !state.request_id) {
    const due = state.next_due_at !== null && state.next_due_at <= now;
    const changed = state.contact_version === null || contact.updated_at > state.contact_version;
    // Fresh, and whatever changed was not a handle: nothing to ask anyone.
    if (!due && (!changed || state.subject_key === key)) return { kind: "fresh", contact };
  }
  return { kind: "run", contact, state, subject, key };
}

async function enrichOne(
  deps: Deps,
  runtime: EnrichmentRuntime,
  sessions: Sessions,
  loaded: Loaded,
  decision: Extract<Decision, { kind: "run" }>,
  requestId: string | null,
): Promise<Outcome> {
  const { contact, state, subject } = decision;
  const now = deps.clock.now();
  const started = performance.now();
  const forNetwork = (network: Network) =>
    runtime.providers.filter((guarded) => guarded.provider.network === network);
  // The website first: a handle found there is what the Instagram and YouTube providers then use.
  const websiteRuns = await runNetwork(deps, sessions, forNetwork("website"), "website", subject, now);
  const social = withFoundHandles(subject, websiteRuns);
  const socialNetworks: Network[] = ["instagram", "youtube"];
  const runsByNetwork = [
    websiteRuns,
    ...(await Promise.all(
      socialNetworks.map((network) => runNetwork(deps, sessions, forNetwork(network), network, social, now)),
    )),
  ];
  const runs = runsByNetwork.flat();
  const outcomes = runsByNetwork.flatMap((networkRuns) => {
    const outcome = networkOutcome(networkRuns);
    return outcome ? [outcome] : [];
  });
  // The website is a source of handles and contacts: it decides the contact's status only when the
  // contact has nothing else (a site without a social profile), not on top of Instagram/YouTube.
  const socialOutcomes = outcomes.filter((run) => run.network !== "website");
  const decided = decideContactStatus(
    (socialOutcomes.length > 0 ? socialOutcomes : outcomes).map((run) => ({
      network: run.network,
      status: run.status,
      errorCode: run.errorCode,
    })),
  );
  const durationMs = Math.round(performance.now() - started);
  const failures = runs.map((run) =>
    run.status === "enriched" || run.status === "partial"
      ? 0
      : (loaded.failures.get(`${contact.id} ${run.guarded.provider.id}`) ?? 0) + 1,
  );
  const pauseSeconds = Math.max(0, ...outcomes.map((run) => run.pauseSeconds ?? 0)) || null;
  // The tier reads this run's fields over the ones kept from earlier runs (partial results stay).
  const number = (network: Network, field: string) => {
    const fresh = runs.find((run) => run.network === network && run.fields)?.fields?.[field]?.value;
    const value = fresh !== undefined ? fresh : loaded.tierFields.get(`${contact.id} ${network} ${field}`);
    return typeof value === "number" ? value : null;
  };
  return {
    contact,
    requestId: state ? requestId : null,
    hadState: state !== undefined,
    previousTier: state?.tier ?? null,
    status: decided.status,
    errorCode: decided.errorCode,
    tierInput: {
      followers: number("instagram", "followers"),
      engagementRate: number("instagram", "engagementRate"),
      subscribers: number("youtube", "subscribers"),
    },
    runs: runs.map((run, index) => ({ ...run, failures: failures[index] ?? 0 })),
    startedAt: now,
    finishedAt: deps.clock.now(),
    durationMs,
    nextDueAt: nextDue(deps, now, decided.status, decided.errorCode, Math.max(0, ...failures), pauseSeconds),
    subjectKey: decision.key,
  };
}

/**
 * Stores outcomes of many contacts in one transaction: per-provider rows, every field with its
 * provenance, the contact's status and tier, and a re-score enqueued for each contact whose tier changed.
 */
async function writeOutcomes(deps: Deps, outcomes: Outcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const tierSettings = new Map<string, Awaited<ReturnType<typeof getTierSettings>>>();
  for (const workspaceId of new Set(outcomes.map((outcome) => outcome.contact.workspace_id))) {
    tierSettings.set(workspaceId, await getTierSettings(deps.db, workspaceId));
  }
  const providerRows = outcomes.flatMap((outcome) =>
    outcome.runs.map((run) => ({
      contact_id: outcome.contact.id,
      provider: run.guarded.provider.id,
      workspace_id: outcome.contact.workspace_id,
      network: run.network,
      status: run.status,
      error_code: run.errorCode,
      error_message: run.errorMessage,
      attempts: run.failures ?? 0,
      duration_ms: run.durationMs,
      fetched_at: run.status === "enriched" || run.status === "partial" ? outcome.finishedAt : null,
      updated_at: outcome.finishedAt,
    })),
  );
  const fieldRows = outcomes.flatMap((outcome) =>
    outcome.runs.flatMap((run) =>
      run.fields
        ? Object.entries(run.fields).map(([field, value]) => ({
            contact_id: outcome.contact.id,
            network: run.network,
            field,
            workspace_id: outcome.contact.workspace_id,
            value: JSON.stringify(value.value ?? null),
            raw: JSON.stringify(value.raw ?? null),
            provider: run.guarded.provider.id,
            fetched_at: outcome.finishedAt,
          }))
        : [],
    ),
  );
  const rescore: string[] = [];
  const stateRows = outcomes.map((outcome) => {
    const settings = tierSettings.get(outcome.contact.workspace_id);
    const tier = settings ? decideTier(settings, outcome.tierInput) : null;
    if (tier !== outcome.previousTier) rescore.push(outcome.contact.id);
    const succeeded = outcome.status === "enriched" || outcome.status === "partial";
    return {
      contact_id: outcome.contact.id,
      workspace_id: outcome.contact.workspace_id,
      status: outcome.status,
      error_code: outcome.errorCode,
      tier,
      attempts: 1,
      started_at: outcome.startedAt,
      finished_at: outcome.finishedAt,
      duration_ms: outcome.durationMs,
      enriched_at: succeeded ? outcome.finishedAt : null,
      next_due_at: outcome.nextDueAt,
      contact_version: outcome.contact.updated_at,
      subject_key: outcome.subjectKey,
      queued_at: null,
      // On insert no request is pending; on update this names the request answered (cleared below).
      request_id: outcome.requestId,
      updated_at: outcome.finishedAt,
    };
  });

  await deps.db.transaction().execute(async (trx) => {
    const tx = enrichmentDb(trx);
    if (providerRows.length > 0) {
      await tx
        .insertInto("contact_enrichment_providers")
        .values(providerRows)
        .onConflict((oc) =>
          oc.columns(["contact_id", "provider"]).doUpdateSet((eb) => ({
            status: eb.ref("excluded.status"),
            error_code: eb.ref("excluded.error_code"),
            error_message: eb.ref("excluded.error_message"),
            attempts: eb.ref("excluded.attempts"),
            duration_ms: eb.ref("excluded.duration_ms"),
            fetched_at: sql<Date | null>`coalesce(excluded.fetched_at, contact_enrichment_providers.fetched_at)`,
            updated_at: eb.ref("excluded.updated_at"),
          })),
        )
        .execute();
    }
    if (fieldRows.length > 0) {
      await tx
        .insertInto("contact_enrichment_fields")
        .values(fieldRows)
        .onConflict((oc) =>
          oc.columns(["contact_id", "network", "field"]).doUpdateSet((eb) => ({
            value: eb.ref("excluded.value"),
            raw: eb.ref("excluded.raw"),
            provider: eb.ref("excluded.provider"),
            fetched_at: eb.ref("excluded.fetched_at"),
          })),
        )
        .execute();
    }
    const answered = sql<boolean>`excluded.request_id is not null and contact_enrichments.request_id = excluded.request_id`;
    await tx
      .insertInto("contact_enrichments")
      .values(stateRows.map((row) => (row.request_id ? row : { ...row, request_id: null })))
      .onConflict((oc) =>
        oc.column("contact_id").doUpdateSet((eb) => ({
          status: eb.ref("excluded.status"),
          error_code: eb.ref("excluded.error_code"),
          tier: eb.ref("excluded.tier"),
          attempts: eb("contact_enrichments.attempts", "+", 1),
          started_at: eb.ref("excluded.started_at"),
          finished_at: eb.ref("excluded.finished_at"),
          duration_ms: eb.ref("excluded.duration_ms"),
          enriched_at: sql<Date | null>`coalesce(excluded.enriched_at, contact_enrichments.enriched_at)`,
          next_due_at: eb.ref("excluded.next_due_at"),
          contact_version: eb.ref("excluded.contact_version"),
          subject_key: eb.ref("excluded.subject_key"),
          queued_at: null,
          updated_at: eb.ref("excluded.updated_at"),
          // A request that came in while this ran stays for the next run.
          request_id: sql<
            string | null
          >`case when ${answered} then null else contact_enrichments.request_id end`,
          requested_at: sql<Date | null>`case when ${answered} then null else contact_enrichments.requested_at end`,
        })),
      )
      .execute();
    await enqueueMany(
      trx,
      rescore.map((contactId) => ({ queue: SCORE_CONTACT_JOB, payload: { contactId } })),
    );
  });
  for (const outcome of outcomes) {
    deps.metrics.enrichmentContacts.inc({ status: outcome.status });
    deps.metrics.enrichmentLeadDuration.observe(outcome.durationMs / 1000);
  }
}

const WRITE_EVERY = 25;

/**
 * Enriches a batch of contacts: reads them at once, runs several at a time (each provider's budget
 * paces the vendor requests; each network's waterfall falls back provider by provider), and writes
 * the outcomes in groups. Returns the jobs whose outcome could not be stored (to be retried);
 * provider failures are outcomes, not job failures. Safe to run twice.
 */
export async function enrichContacts(
  deps: Deps,
  runtime: EnrichmentRuntime,
  jobs: { id: string; data: EnrichJob }[],
): Promise<{ id: string; error: string }[]> {
  if (jobs.length === 0) return [];
  const loaded = await load(deps, [...new Set(jobs.map((job) => job.data.contactId))]);
  const now = deps.clock.now();
  const sessions: Sessions = new Map();
  const failures: { id: string; error: string }[] = [];
  const db = enrichmentDb(deps.db);

  const toRun: { id: string; decision: Extract<Decision, { kind: "run" }>; requestId: string | null }[] = [];
  const seen = new Set<string>();
  for (const job of jobs) {
    const decision = decide(loaded, job.data, now);
    try {
      if (decision.kind === "gone") {
        await db
          .updateTable("contact_enrichments")
          .set({ queued_at: null, request_id: null, requested_at: null })
          .where("contact_id", "=", job.data.contactId)
          .execute();
      } else if (decision.kind === "fresh") {
        await db
          .updateTable("contact_enrichments")
          .set({ queued_at: null, contact_version: decision.contact.updated_at })
          .where("contact_id", "=", decision.contact.id)
          .execute();
      } else if (decision.kind === "run" && !seen.has(decision.contact.id)) {
        seen.add(decision.contact.id);
        toRun.push({ id: job.id, decision, requestId: job.data.requestId ?? null });
      }
    } catch (error) {
      failures.push({ id: job.id, error: error instanceof Error ? error.message : String(error) });
    }
  }

  let pending: { id: string; outcome: Outcome }[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    const group = pending;
    pending = [];
    if (group.length === 0) return writing;
    writing = writing.then(async () => {
      try {
        await writeOutcomes(
          deps,
          group.map((entry) => entry.outcome),
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        for (const entry of group) failures.push({ id: entry.id, error: message });
      }
    });
    return writing;
  };

  let next = 0;
  const worker = async () => {
    while (next < toRun.length) {
      const item = toRun[next++];
      if (!item) break;
      try {
        const outcome = await enrichOne(deps, runtime, sessions, loaded, item.decision, item.requestId);
        pending.push({ id: item.id, outcome });
        if (pending.length >= WRITE_EVERY) void flush();
      } catch (error) {
        failures.push({ id: item.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(runtime.concurrency, toRun.length) }, worker));
  await flush();
  await writing;
  deps.log.debug({ contacts: toRun.length, failed: failures.length }, "enrichment batch done");
  return failures;
}
