import { randomUUID } from "node:crypto";
import type { Actor } from "../auth/schemas.ts";
import { findInboxEventsByKey } from "../capture/find-inbox-events.ts";
import { type IngestItem, ingestLeads, RepeatedRequestError } from "../capture/ingest-leads.ts";
import { normalizeLead } from "../contacts/normalize-lead.ts";
import { LeadInputSchema, UpdateContactSchema } from "../contacts/schemas.ts";
import { updateContact } from "../contacts/update-contact.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import { adLibraryDb, LEAD_SNAPSHOTS, META_ADS_SOURCE } from "./schemas.ts";

/** Advertisers handed to the spine at once. */
const CHUNK = 200;
/** Merges followed from a linked contact to the person it was merged into. */
const MERGE_HOPS = 5;

const ACTOR: Actor = { type: "integration", id: null, label: META_ADS_SOURCE };

interface Advertiser {
  id: string;
  page_id: string;
  page_name: string | null;
  ads_seen: number;
  first_seen_at: Date;
  last_seen_at: Date;
  snapshot_urls: string[];
  platforms: string[];
  contact_id: string | null;
}

const eventKey = (runId: string, pageId: string) => `${runId}:${pageId}`;

/** What the lead carries of its advertiser (`custom.metaAds`). */
function metaAds(advertiser: Advertiser) {
  return {
    pageId: advertiser.page_id,
    pageName: advertiser.page_name,
    adsSeen: advertiser.ads_seen,
    firstSeenAt: advertiser.first_seen_at.toISOString(),
    lastSeenAt: advertiser.last_seen_at.toISOString(),
    snapshotUrls: advertiser.snapshot_urls.slice(0, LEAD_SNAPSHOTS),
    platforms: advertiser.platforms,
  };
}

/**
 * The run's advertisers become leads. A page never seen as a lead lands through the spine (ingestLeads)
 * with source `meta_ads`, its page name as the name and `custom.metaAds`, stored as an inbox event with
 * idempotency key `<runId>:<pageId>`; the contact it became is kept on the advertiser. A page has no
 * e-mail or phone, and the spine matches on those keys only, so two pages with the same name stay two
 * people: the page id is the key, through `ad_library_advertisers.contact_id`. An advertiser already
 * linked updates that contact's `custom.metaAds` (ads seen, last seen…), following merges to the
 * surviving person; a contact someone deleted is left alone. A retried run skips what it already did.
 */
export async function landAdvertisers(deps: Deps, run: { id: string; workspaceId: string }): Promise<void> {
  const db = adLibraryDb(deps.db);
  const advertisers: Advertiser[] = await db
    .selectFrom("ad_library_run_advertisers as ra")
    .innerJoin("ad_library_advertisers as a", "a.id", "ra.advertiser_id")
    .select([
      "a.id",
      "a.page_id",
      "a.page_name",
      "a.ads_seen",
      "a.first_seen_at",
      "a.last_seen_at",
      "a.snapshot_urls",
      "a.platforms",
      "a.contact_id",
    ])
    .where("ra.run_id", "=", run.id)
    .orderBy("a.page_id")
    .execute();
  for (let start = 0; start < advertisers.length; start += CHUNK) {
    await landChunk(deps, run, advertisers.slice(start, start + CHUNK));
  }
}

async function landChunk(deps: Deps, run: { id: string; workspaceId: string }, advertisers: Advertiser[]) {
  const db = adLibraryDb(deps.db);
  const now = deps.clock.now();
  const events = await findInboxEventsByKey(deps, {
    workspaceId: run.workspaceId,
    source: META_ADS_SOURCE,
    keys: advertisers.map((advertiser) => eventKey(run.id, advertiser.page_id)),
  });

  const people = await resolveContacts(
    deps,
    run.workspaceId,
    advertisers.flatMap((advertiser) => (advertiser.contact_id ? [advertiser.contact_id] : [])),
  );

  const links: { advertiserId: string; contactId: string }[] = [];
  const updates: { advertiser: Advertiser; contactId: string }[] = [];
  const items: IngestItem[] = [];
  const itemOf: Advertiser[] = [];
  for (const advertiser of advertisers) {
    const event = events.get(eventKey(run.id, advertiser.page_id));
    if (event?.status === "processed") {
      // Done by an earlier attempt of this run.
      if (event.contact_id && advertiser.contact_id !== event.contact_id) {
        links.push({ advertiserId: advertiser.id, contactId: event.contact_id });
      }
      continue;
    }
    if (advertiser.contact_id) {
      const person = people.get(advertiser.contact_id);
      if (person?.deleted) continue;
      if (person) {
        if (person.id !== advertiser.contact_id)
          links.push({ advertiserId: advertiser.id, contactId: person.id });
        updates.push({ advertiser, contactId: person.id });
        continue;
      }
    }
    const fields = {
      name: (advertiser.page_name ?? `Página ${advertiser.page_id}`).slice(0, 200),
      source: META_ADS_SOURCE,
      custom: { metaAds: metaAds(advertiser) },
    };
    const lead = normalizeLead(LeadInputSchema.parse(fields), {
      defaultCountry: deps.config.contacts.defaultCountry,
      defaultSource: META_ADS_SOURCE,
    });
    items.push({
      workspaceId: run.workspaceId,
      lead,
      actor: ACTOR,
      at: now,
      eventId: event?.id ?? randomUUID(),
      event: event
        ? { kind: "stored", isFirstDelivery: event.status === "received" }
        : {
            kind: "new",
            source: META_ADS_SOURCE,
            idempotencyKey: eventKey(run.id, advertiser.page_id),
            contentType: "application/json",
            headers: {},
            body: Buffer.from(JSON.stringify(fields)),
          },
    });
    itemOf.push(advertiser);
  }

  if (items.length > 0) {
    const results = await ingestLeads(deps, items);
    const repeated: { advertiserId: string; key: string }[] = [];
    let created = 0;
    results.forEach((result, index) => {
      const advertiser = itemOf[index] as Advertiser;
      const item = items[index] as IngestItem;
      if (result.ok) {
        created++;
        links.push({ advertiserId: advertiser.id, contactId: result.value.contact.id });
      } else if (result.error instanceof RepeatedRequestError && item.event.kind === "new") {
        repeated.push({ advertiserId: advertiser.id, key: item.event.idempotencyKey });
      } else if (!(result.error instanceof AppError)) {
        // The database, not the advertiser: the run is retried (and lands nobody twice).
        throw result.error;
      }
    });
    deps.metrics.inboxEvents.labels(META_ADS_SOURCE, "processed").inc(created);
    if (repeated.length > 0) {
      const landed = await findInboxEventsByKey(deps, {
        workspaceId: run.workspaceId,
        source: META_ADS_SOURCE,
        keys: repeated.map((item) => item.key),
      });
      for (const item of repeated) {
        const contactId = landed.get(item.key)?.contact_id;
        if (contactId) links.push({ advertiserId: item.advertiserId, contactId });
      }
    }
  }

  // Links first: a crash during the updates below leaves no advertiser without its person.
  for (const link of links) {
    await db
      .updateTable("ad_library_advertisers")
      .set({ contact_id: link.contactId })
      .where("id", "=", link.advertiserId)
      .execute();
  }

  for (const { advertiser, contactId } of updates) {
    const patch = UpdateContactSchema.parse({ custom: { metaAds: metaAds(advertiser) } });
    try {
      await updateContact(deps, { workspaceId: run.workspaceId, contactId, patch, actor: ACTOR });
    } catch (error) {
      // Deleted meanwhile: left alone.
      if (error instanceof AppError && error.code === "not_found") continue;
      throw error;
    }
    await db
      .insertInto("inbox_events")
      .values({
        workspace_id: run.workspaceId,
        source: META_ADS_SOURCE,
        idempotency_key: eventKey(run.id, advertiser.page_id),
        content_type: "application/json",
        headers: JSON.stringify({}),
        body: Buffer.from(JSON.stringify({ custom: { metaAds: metaAds(advertiser) } })),
        status: "processed",
        attempts: 1,
        contact_id: contactId,
        received_at: now,
        processed_at: now,
      })
      .onConflict((oc) => oc.columns(["workspace_id", "source", "idempotency_key"]).doNothing())
      .execute();
  }
}

/** Linked contacts, each resolved to the person it was merged into (if any), with its deletion state. */
async function resolveContacts(
  deps: Deps,
  workspaceId: string,
  contactIds: string[],
): Promise<Map<string, { id: string; deleted: boolean }>> {
  const resolved = new Map<string, { id: string; deleted: boolean }>();
  let pending = new Map(contactIds.map((id) => [id, id]));
  for (let hop = 0; hop <= MERGE_HOPS && pending.size > 0; hop++) {
    const rows = await deps.db
      .selectFrom("contacts")
      .select(["id", "deleted_at", "merged_into"])
      .where("workspace_id", "=", workspaceId)
      .where("id", "in", [...new Set(pending.values())])
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    const next = new Map<string, string>();
    for (const [origin, current] of pending) {
      const row = byId.get(current);
      if (!row) continue;
      if (row.merged_into && hop < MERGE_HOPS) next.set(origin, row.merged_into);
      else resolved.set(origin, { id: row.id, deleted: row.deleted_at !== null });
    }
    pending = next;
  }
  return resolved;
}
