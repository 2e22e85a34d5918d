import type { Deps } from "../deps.ts";
import { getLeadEnrichment, type LeadEnrichmentView } from "../enrichment/get-lead-enrichment.ts";
import type { ContactRow, ScoreReason, Temperature } from "../platform/db/schema.ts";
import { notFound } from "../platform/http/errors.ts";

export interface TouchView {
  id: string;
  source: string;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  eventId: string | null;
  at: string;
}

export interface ContactView {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  emails: string[];
  phones: string[];
  instagram: string | null;
  /** Instagram-scoped ids (IGSID) of conversations with the business. */
  instagramIds: string[];
  city: string | null;
  interest: string | null;
  income: number | null;
  custom: Record<string, unknown>;
  secondary: Record<string, string[]>;
  invalid: Record<string, string>;
  tags: string[];
  ownerId: string | null;
  score: number;
  temperature: Temperature;
  scoreReasons: ScoreReason[];
  scoredAt: string | null;
  sources: string[];
  firstSource: string | null;
  lastSource: string | null;
  firstTouchAt: string;
  lastTouchAt: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  mergedInto: string | null;
}

export interface ContactDetailView extends ContactView {
  touches: TouchView[];
  merges: {
    id: string;
    at: string;
    sourceId: string | null;
    touchId: string | null;
    undoneAt: string | null;
  }[];
  scoreHistory: { score: number; temperature: string; ruleSetVersion: number; at: string }[];
  enrichment: LeadEnrichmentView | null;
}

type ScoreRow =
  | { score: number; temperature: Temperature; reasons: ScoreReason[]; scored_at: Date }
  | undefined;

/** Primary value first, then the others, in the order they were learnt. */
function orderedIdentities(primary: string | null, values: string[]): string[] {
  const rest = values.filter((value) => value !== primary);
  return primary && values.includes(primary) ? [primary, ...rest] : rest;
}

export function toContactView(
  row: ContactRow,
  identities: { kind: string; value: string }[],
  sources: string[],
  score: ScoreRow,
): ContactView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    emails: orderedIdentities(
      row.email,
      identities.filter((i) => i.kind === "email").map((i) => i.value),
    ),
    phones: orderedIdentities(
      row.phone,
      identities.filter((i) => i.kind === "phone").map((i) => i.value),
    ),
    instagram: row.instagram,
    instagramIds: identities.filter((i) => i.kind === "instagram_id").map((i) => i.value),
    city: row.city,
    interest: row.interest,
    income: row.income,
    custom: row.custom,
    secondary: row.secondary,
    invalid: row.invalid,
    tags: row.tags,
    ownerId: row.owner_id,
    score: score?.score ?? 0,
    temperature: score?.temperature ?? "cold",
    scoreReasons: score?.reasons ?? [],
    scoredAt: score?.scored_at.toISOString() ?? null,
    sources,
    firstSource: row.first_source,
    lastSource: row.last_source,
    firstTouchAt: row.first_touch_at.toISOString(),
    lastTouchAt: row.last_touch_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    deletedAt: row.deleted_at?.toISOString() ?? null,
    mergedInto: row.merged_into,
  };
}

/** One contact with identities, touches, score and merges; 404 when unknown, deleted or elsewhere. */
export async function getContact(
  deps: Deps,
  input: { workspaceId: string; contactId: string; includeDeleted?: boolean },
): Promise<ContactDetailView> {
  const row = await deps.db
    .selectFrom("contacts")
    .selectAll()
    .where("id", "=", input.contactId)
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  if (!row || (row.deleted_at && !input.includeDeleted)) throw notFound("Lead");
  const [identities, touches, score, merges, history, enrichment] = await Promise.all([
    deps.db
      .selectFrom("contact_identities")
      .select(["kind", "value"])
      .where("contact_id", "=", row.id)
      .orderBy("created_at")
      .execute(),
    deps.db
      .selectFrom("contact_touches")
      .selectAll()
      .where("contact_id", "=", row.id)
      .orderBy("at")
      .execute(),
    deps.db
      .selectFrom("contact_scores")
      .select(["score", "temperature", "reasons", "scored_at"])
      .where("contact_id", "=", row.id)
      .executeTakeFirst(),
    deps.db
      .selectFrom("contact_merges")
      .select(["id", "at", "source_id", "touch_id", "undone_at"])
      .where("target_id", "=", row.id)
      .orderBy("at", "desc")
      .limit(100)
      .execute(),
    deps.db
      .selectFrom("score_history")
      .select(["score", "temperature", "rule_set_version", "at"])
      .where("contact_id", "=", row.id)
      .orderBy("id", "desc")
      .limit(50)
      .execute(),
    getLeadEnrichment(deps, { workspaceId: row.workspace_id, contactId: row.id }),
  ]);
  const sources = [...new Set(touches.map((touch) => touch.source))];
  return {
    ...toContactView(row, identities, sources, score),
    touches: touches.map((touch) => ({
      id: touch.id,
      source: touch.source,
      utmSource: touch.utm_source,
      utmMedium: touch.utm_medium,
      utmCampaign: touch.utm_campaign,
      eventId: touch.event_id,
      at: touch.at.toISOString(),
    })),
    merges: merges.map((merge) => ({
      id: merge.id,
      at: merge.at.toISOString(),
      sourceId: merge.source_id,
      touchId: merge.touch_id,
      undoneAt: merge.undone_at?.toISOString() ?? null,
    })),
    scoreHistory: history.map((entry) => ({
      score: entry.score,
      temperature: entry.temperature,
      ruleSetVersion: entry.rule_set_version,
      at: entry.at.toISOString(),
    })),
    enrichment,
  };
}
