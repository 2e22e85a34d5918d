import type { Deps } from "../deps.ts";
import { notFound } from "../platform/http/errors.ts";
import type { ContentMix } from "./compute-instagram-metrics.ts";
import { type EnrichmentErrorCode, type EnrichmentStatus, enrichmentDb } from "./schemas.ts";

export interface InstagramEnrichmentView {
  followers: number | null;
  mediaCount: number | null;
  /** A fraction: 0.034 = 3.4%. */
  engagementRate: number | null;
  postsPerWeek: number | null;
  /** Fractions of the last N posts. */
  contentMix: ContentMix | null;
  bio: string | null;
  website: string | null;
  emailsInBio: string[];
  phonesInBio: string[];
  linksInBio: string[];
  fetchedAt: string | null;
}

export interface YouTubeEnrichmentView {
  channelId: string | null;
  title: string | null;
  subscribers: number | null;
  videos: number | null;
  views: number | null;
  fetchedAt: string | null;
}

/** What the contact's own website showed. */
export interface WebsiteEnrichmentView {
  /** The page read (after redirects). */
  url: string | null;
  title: string | null;
  instagram: string | null;
  youtube: string | null;
  tiktok: string | null;
  emails: string[];
  phones: string[];
  fetchedAt: string | null;
}

/** `enrichment` on the lead (CONTRACT.md): null until the contact was looked at. */
export interface LeadEnrichmentView {
  status: EnrichmentStatus;
  errorCode: EnrichmentErrorCode | null;
  tier: string | null;
  enrichedAt: string | null;
  nextDueAt: string | null;
  instagram: InstagramEnrichmentView | null;
  youtube: YouTubeEnrichmentView | null;
  website: WebsiteEnrichmentView | null;
}

export interface LeadEnrichmentDetail extends LeadEnrichmentView {
  contactId: string;
  attempts: number;
  queued: boolean;
  requestedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** Past its freshness date (the sweep will run it again). */
  stale: boolean;
  providers: {
    provider: string;
    network: string;
    status: string;
    errorCode: string | null;
    errorMessage: string | null;
    /** Consecutive failures (0 after a success). */
    failures: number;
    durationMs: number | null;
    fetchedAt: string | null;
    updatedAt: string;
  }[];
  fields: {
    network: string;
    field: string;
    value: unknown;
    raw: unknown;
    provider: string;
    fetchedAt: string;
  }[];
}

type FieldRow = { network: string; field: string; value: unknown; fetched_at: Date };

function pick(rows: FieldRow[], network: string) {
  const mine = rows.filter((row) => row.network === network);
  if (mine.length === 0) return null;
  const values = new Map(mine.map((row) => [row.field, row.value]));
  const num = (field: string) => {
    const value = values.get(field);
    return typeof value === "number" ? value : null;
  };
  const str = (field: string) => {
    const value = values.get(field);
    return typeof value === "string" ? value : null;
  };
  const list = (field: string) => {
    const value = values.get(field);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
  };
  const fetchedAt = new Date(Math.max(...mine.map((row) => row.fetched_at.getTime()))).toISOString();
  return { values, num, str, list, fetchedAt };
}

function toView(
  state: {
    status: EnrichmentStatus;
    error_code: string | null;
    tier: string | null;
    enriched_at: Date | null;
    next_due_at: Date | null;
  },
  fields: FieldRow[],
): LeadEnrichmentView {
  const ig = pick(fields, "instagram");
  const yt = pick(fields, "youtube");
  const site = pick(fields, "website");
  const mix = ig?.values.get("contentMix");
  return {
    status: state.status,
    errorCode: state.error_code as EnrichmentErrorCode | null,
    tier: state.tier,
    enrichedAt: state.enriched_at?.toISOString() ?? null,
    nextDueAt: state.next_due_at?.toISOString() ?? null,
    instagram: ig
      ? {
          followers: ig.num("followers"),
          mediaCount: ig.num("mediaCount"),
          engagementRate: ig.num("engagementRate"),
          postsPerWeek: ig.num("postsPerWeek"),
          contentMix: mix && typeof mix === "object" ? (mix as ContentMix) : null,
          bio: ig.str("bio"),
          website: ig.str("website"),
          emailsInBio: ig.list("emailsInBio"),
          phonesInBio: ig.list("phonesInBio"),
          linksInBio: ig.list("linksInBio"),
          fetchedAt: ig.fetchedAt,
        }
      : null,
    youtube: yt
      ? {
          channelId: yt.str("channelId"),
          title: yt.str("title"),
          subscribers: yt.num("subscribers"),
          videos: yt.num("videos"),
          views: yt.num("views"),
          fetchedAt: yt.fetchedAt,
        }
      : null,
    website: site
      ? {
          url: site.str("url"),
          title: site.str("title"),
          instagram: site.str("instagram"),
          youtube: site.str("youtube"),
          tiktok: site.str("tiktok"),
          emails: site.list("emails"),
          phones: site.list("phones"),
          fetchedAt: site.fetchedAt,
        }
      : null,
  };
}

/** The lead's enrichment for `GET /api/v1/leads/{id}`; the caller has checked the workspace. */
export async function getLeadEnrichment(
  deps: Deps,
  input: { workspaceId: string; contactId: string },
): Promise<LeadEnrichmentView | null> {
  const db = enrichmentDb(deps.db);
  const [state, fields] = await Promise.all([
    db
      .selectFrom("contact_enrichments")
      .select(["status", "error_code", "tier", "enriched_at", "next_due_at"])
      .where("contact_id", "=", input.contactId)
      .where("workspace_id", "=", input.workspaceId)
      .executeTakeFirst(),
    db
      .selectFrom("contact_enrichment_fields")
      .select(["network", "field", "value", "fetched_at"])
      .where("contact_id", "=", input.contactId)
      .where("workspace_id", "=", input.workspaceId)
      .execute(),
  ]);
  if (!state) return null;
  return toView(state, fields);
}

/** Per-provider status, errors and per-field provenance; 404 for another workspace's lead. */
export async function getLeadEnrichmentDetail(
  deps: Deps,
  input: { workspaceId: string; contactId: string },
): Promise<LeadEnrichmentDetail> {
  const db = enrichmentDb(deps.db);
  const contact = await db
    .selectFrom("contacts")
    .select("id")
    .where("id", "=", input.contactId)
    .where("workspace_id", "=", input.workspaceId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!contact) throw notFound("Lead");
  const [state, providers, fields] = await Promise.all([
    db.selectFrom("contact_enrichments").selectAll().where("contact_id", "=", contact.id).executeTakeFirst(),
    db
      .selectFrom("contact_enrichment_providers")
      .selectAll()
      .where("contact_id", "=", contact.id)
      .orderBy("network")
      .orderBy("provider")
      .execute(),
    db
      .selectFrom("contact_enrichment_fields")
      .selectAll()
      .where("contact_id", "=", contact.id)
      .orderBy("network")
      .orderBy("field")
      .execute(),
  ]);
  const now = deps.clock.now();
  const base = state ?? {
    status: "pending" as const,
    error_code: null,
    tier: null,
    enriched_at: null,
    next_due_at: null,
  };
  return {
    contactId: contact.id,
    ...toView(base, fields),
    attempts: state?.attempts ?? 0,
    queued: Boolean(state?.queued_at || state?.request_id),
    requestedAt: state?.requested_at?.toISOString() ?? null,
    startedAt: state?.started_at?.toISOString() ?? null,
    finishedAt: state?.finished_at?.toISOString() ?? null,
    durationMs: state?.duration_ms ?? null,
    stale: Boolean(state?.next_due_at && state.next_due_at <= now),
    providers: providers.map((row) => ({
      provider: row.provider,
      network: row.network,
      status: row.status,
      errorCode: row.error_code,
      errorMessage: row.error_message,
      failures: row.attempts,
      durationMs: row.duration_ms,
      fetchedAt: row.fetched_at?.toISOString() ?? null,
      updatedAt: row.updated_at.toISOString(),
    })),
    fields: fields.map((row) => ({
      network: row.network,
      field: row.field,
      value: row.value,
      raw: row.raw,
      provider: row.provider,
      fetchedAt: row.fetched_at.toISOString(),
    })),
  };
}
