import { ExponentialBackoff, halfJitterGenerator, handleWhen, retry } from "cockatiel";
import { z } from "zod";
import { type GraphUsage, readGraphAnswer } from "./graph-errors.ts";

/**
 * Meta Ad Library API `GET /ads_archive` (WIRE-FORMATS §1.5): ads matching a search term, delivered to
 * some countries within a window, page after page (`paging.next`). Vendor format and HTTP only: no
 * database, no queue, no logging. The access token travels in the query (as Graph expects) and comes
 * back inside `ad_snapshot_url` and `paging.next`: it is stripped from every URL this module returns
 * and never appears in an error message.
 *
 * Coverage: the official API returns commercial ads only when they were delivered to the EU or the UK
 * (political/issue ads everywhere). A Brazil-only advertiser will not appear.
 */

const AdSchema = z.object({
  id: z.string().min(1),
  page_id: z.string().min(1),
  page_name: z.string().optional(),
  ad_snapshot_url: z.string().optional(),
  ad_creation_time: z.string().optional(),
  ad_delivery_start_time: z.string().optional(),
  ad_delivery_stop_time: z.string().optional(),
  publisher_platforms: z.array(z.string()).optional(),
  languages: z.array(z.string()).optional(),
});

const PageSchema = z.object({
  data: z.array(z.unknown()).default([]),
  paging: z.object({ next: z.string().optional() }).optional(),
});

/** The fields asked for: what the capture needs, no creative text. */
export const ADS_ARCHIVE_FIELDS = [
  "id",
  "ad_creation_time",
  "ad_delivery_start_time",
  "ad_delivery_stop_time",
  "ad_snapshot_url",
  "languages",
  "page_id",
  "page_name",
  "publisher_platforms",
].join(",");

export interface AdsArchiveQuery {
  /** The Graph base URL with its version, e.g. `https://graph.facebook.com/v21.0`. */
  graphUrl: string;
  accessToken: string;
  searchTerms: string;
  /** ISO 3166-1 alpha-2 codes. */
  countries: string[];
  /** Inclusive dates, `YYYY-MM-DD`. */
  since: string;
  until: string;
  /** `facebook`, `instagram`, …; empty or absent = all. */
  publisherPlatforms?: string[];
  /** Ads per page. */
  limit?: number;
}

export interface ArchivedAd {
  /** The Library ID. */
  id: string;
  pageId: string;
  pageName: string | null;
  /** `ad_snapshot_url` without its access token. */
  snapshotUrl: string | null;
  platforms: string[];
  /** `YYYY-MM-DD` when Meta says. */
  deliveryStart: string | null;
  deliveryStop: string | null;
}

export interface AdsArchivePage {
  ads: ArchivedAd[];
  /** Ads Meta returned that were not readable (no id or page id). */
  skipped: number;
  usage: GraphUsage | null;
}

export interface AdsArchiveOptions {
  /** Stop after this many pages (the rest of the search is left unread). */
  maxPages?: number;
  /** Retries of one page after a 5xx, a 429 or a network failure. */
  retries?: number;
  /** First backoff delay between retries (then doubled). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Waits (the usage slow-down); tests replace it. */
  sleep?: (ms: number) => Promise<void>;
  /** Per-request deadline. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A failed Ad Library call, in words safe to show and store (Meta's message and codes, no token). */
export class AdsArchiveError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | undefined,
    readonly type: string | undefined,
  ) {
    super(message);
    this.name = "AdsArchiveError";
  }

  /** 5xx, 429 and Graph's throttling codes are worth retrying; other answers will be the same again. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429 || isThrottle(this.code);
  }
}

const THROTTLE_CODES = new Set([4, 17, 32, 613]);
const isThrottle = (code: number | undefined) =>
  code !== undefined && (THROTTLE_CODES.has(code) || (code >= 80000 && code <= 80014));

/** Removes `access_token` (and any other credential-looking parameter) from a URL. */
export function stripAccessToken(raw: string): string {
  try {
    const url = new URL(raw);
    for (const key of [...url.searchParams.keys()]) {
      if (/token|secret|signature|appsecret_proof/i.test(key)) url.searchParams.delete(key);
    }
    return url.toString();
  } catch {
    return raw.replace(/([?&])(access_token|appsecret_proof)=[^&#\s]*/gi, "$1").replace(/[?&]+$/, "");
  }
}

/** Meta's words with every trace of the token removed. */
function cleanMessage(message: string, accessToken: string): string {
  let cleaned = message.replace(/access_token=[^&\s"']*/gi, "access_token=***");
  if (accessToken.length >= 8) cleaned = cleaned.split(accessToken).join("***");
  return cleaned.slice(0, 300);
}

/** The first page's URL. */
export function adsArchiveUrl(query: AdsArchiveQuery): string {
  const url = new URL(`${query.graphUrl.replace(/\/+$/, "")}/ads_archive`);
  url.searchParams.set("search_terms", query.searchTerms);
  url.searchParams.set("ad_reached_countries", JSON.stringify(query.countries));
  url.searchParams.set("ad_type", "ALL");
  // Active or not: an ad that ran on any day of the window counts; ads that stopped before it are
  // dropped below by their stop date.
  url.searchParams.set("ad_active_status", "ALL");
  url.searchParams.set("ad_delivery_date_min", query.since);
  url.searchParams.set("ad_delivery_date_max", query.until);
  if (query.publisherPlatforms && query.publisherPlatforms.length > 0) {
    url.searchParams.set(
      "publisher_platforms",
      JSON.stringify(query.publisherPlatforms.map((platform) => platform.toUpperCase())),
    );
  }
  url.searchParams.set("fields", ADS_ARCHIVE_FIELDS);
  url.searchParams.set("limit", String(query.limit ?? 100));
  url.searchParams.set("access_token", query.accessToken);
  return url.toString();
}

/** A `paging.next` is followed only on the configured Graph host and version path. */
function isSameBase(next: string, graphUrl: string): boolean {
  try {
    const base = new URL(graphUrl);
    const url = new URL(next);
    const prefix = base.pathname.replace(/\/+$/, "");
    return url.origin === base.origin && url.pathname.startsWith(`${prefix}/`);
  } catch {
    return false;
  }
}

const dateOnly = (value: string | undefined) => {
  if (!value) return null;
  const match = /^\d{4}-\d{2}-\d{2}/.exec(value);
  return match ? match[0] : null;
};

function toAd(raw: unknown): ArchivedAd | null {
  const parsed = AdSchema.safeParse(raw);
  if (!parsed.success) return null;
  const ad = parsed.data;
  return {
    id: ad.id,
    pageId: ad.page_id,
    pageName: ad.page_name?.trim() || null,
    snapshotUrl: ad.ad_snapshot_url ? stripAccessToken(ad.ad_snapshot_url) : null,
    platforms: [...new Set((ad.publisher_platforms ?? []).map((platform) => platform.toLowerCase()))],
    deliveryStart: dateOnly(ad.ad_delivery_start_time),
    deliveryStop: dateOnly(ad.ad_delivery_stop_time),
  };
}

/** How long to wait before the next page, from the usage Meta reported (0 when usage is low). */
export function usagePause(usage: GraphUsage | null): number {
  if (!usage) return 0;
  if (usage.percent >= 100) return Math.min(Math.max(usage.regainSeconds, 60), 15 * 60) * 1000;
  if (usage.percent >= 90) return 30_000;
  if (usage.percent >= 75) return 5_000;
  return 0;
}

async function fetchPage(url: string, query: AdsArchiveQuery, options: AdsArchiveOptions) {
  const deadline = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" }, signal });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const reason = error instanceof Error && error.name === "TimeoutError" ? "timed out" : "unreachable";
    throw new AdsArchiveError(`Meta Ad Library ${reason}`, 0, undefined, undefined);
  }
  const { usage, body, failed, error } = await readGraphAnswer(response);
  if (failed) {
    const words = error?.message ? cleanMessage(error.message, query.accessToken) : `HTTP ${response.status}`;
    const codes = [
      error?.code !== undefined ? `code ${error.code}` : null,
      error?.type ? `type ${error.type}` : null,
      `HTTP ${response.status}`,
    ].filter(Boolean);
    throw new AdsArchiveError(
      `Meta Ad Library: ${words} (${codes.join(", ")})`,
      response.status,
      error?.code,
      error?.type,
    );
  }
  const page = PageSchema.safeParse(body);
  if (!page.success) {
    throw new AdsArchiveError(
      "Meta Ad Library answered something that is not a page of ads",
      502,
      undefined,
      undefined,
    );
  }
  return { page: page.data, usage };
}

/**
 * Pages through one search: follows `paging.next` until it is absent or a page is empty, retrying a
 * failed page (5xx, 429, throttling, network) up to `retries` times with exponential backoff, and
 * slowing down when `X-App-Usage` is high. Ads whose delivery stopped before `since` are dropped.
 * Throws AdsArchiveError when a page cannot be read, or when `next` leaves the configured Graph host.
 */
export async function* fetchAdsArchive(
  query: AdsArchiveQuery,
  options: AdsArchiveOptions = {},
): AsyncGenerator<AdsArchivePage> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const policy = retry(
    handleWhen((error) => error instanceof AdsArchiveError && error.retryable),
    {
      maxAttempts: options.retries ?? 3,
      backoff: new ExponentialBackoff({
        generator: halfJitterGenerator,
        initialDelay: options.initialDelayMs ?? 1000,
        maxDelay: options.maxDelayMs ?? 30_000,
      }),
    },
  );
  const maxPages = options.maxPages ?? 50;
  let url: string | null = adsArchiveUrl(query);
  for (let pages = 0; url && pages < maxPages; pages++) {
    const current: string = url;
    const { page, usage } = await policy.execute(() => fetchPage(current, query, options), options.signal);
    const ads: ArchivedAd[] = [];
    let skipped = 0;
    for (const raw of page.data) {
      const ad = toAd(raw);
      if (!ad) skipped++;
      else if (!ad.deliveryStop || ad.deliveryStop >= query.since) ads.push(ad);
    }
    yield { ads, skipped, usage };
    if (page.data.length === 0) return;
    const next = page.paging?.next;
    if (!next) return;
    if (!isSameBase(next, query.graphUrl)) {
      throw new AdsArchiveError(
        "Meta Ad Library: the next page is on another host than the configured Graph URL; not followed",
        502,
        undefined,
        undefined,
      );
    }
    const pause = usagePause(usage);
    if (pause > 0) await sleep(pause);
    const following = new URL(next);
    if (!following.searchParams.has("access_token"))
      following.searchParams.set("access_token", query.accessToken);
    url = following.toString();
  }
}
