import { z } from "zod";
import { type GraphUsage, parseGraphUsage, readGraphAnswer } from "./graph-errors.ts";

/** Usage parsing lives in graph-errors.ts; still exported here for existing importers. */

/**
 * Instagram Graph API `business_discovery` (WIRE-FORMATS §1.4): a Business/Creator account's public
 * profile and recent media, read through the workspace's own IG user and token. Vendor format only:
 * no database, no queue, no logging (the answers carry personal data).
 */

const MediaSchema = z.object({
  id: z.string(),
  caption: z.string().optional(),
  like_count: z.number().int().nonnegative().optional(),
  comments_count: z.number().int().nonnegative().optional(),
  timestamp: z.string().optional(),
  media_type: z.string().optional(),
  media_product_type: z.string().optional(),
  permalink: z.string().optional(),
});

export type DiscoveredMedia = z.infer<typeof MediaSchema>;

const MediaEdgeSchema = z.object({
  data: z.array(MediaSchema).default([]),
  paging: z.object({ cursors: z.object({ after: z.string().optional() }).optional() }).optional(),
});

const DiscoverySchema = z.object({
  business_discovery: z.object({
    id: z.string(),
    username: z.string().optional(),
    name: z.string().optional(),
    biography: z.string().optional(),
    website: z.string().optional(),
    followers_count: z.number().int().nonnegative().optional(),
    follows_count: z.number().int().nonnegative().optional(),
    media_count: z.number().int().nonnegative().optional(),
    media: MediaEdgeSchema.optional(),
  }),
  id: z.string().optional(),
});

export interface DiscoveredProfile {
  id: string;
  username?: string;
  name?: string;
  biography?: string;
  website?: string;
  followersCount?: number;
  followsCount?: number;
  mediaCount?: number;
}

export type GraphFailureKind =
  | "not_business_account"
  | "not_found"
  | "throttled"
  | "auth_failed"
  | "bad_request"
  | "upstream_error";

/** A failed Graph call: the HTTP status, Meta's codes, and whether trying again may help. */
export class GraphApiError extends Error {
  constructor(
    readonly kind: GraphFailureKind,
    readonly status: number,
    readonly code: number | undefined,
    readonly subcode: number | undefined,
    readonly usage: GraphUsage | null,
  ) {
    // Meta's message can echo the username: keep only our own words and the codes.
    super(
      `graph ${kind} (http ${status}${code !== undefined ? `, code ${code}` : ""}${subcode ? `/${subcode}` : ""})`,
    );
    this.name = "GraphApiError";
  }

  /** 5xx and 429 are worth retrying; a 4xx answer will be the same next time. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

/** Throttling codes (WIRE-FORMATS §1.4): app, user, page, custom and BUC limits. */
const THROTTLE_CODES = new Set([4, 17, 32, 613]);
const NOT_BUSINESS_SUBCODES = new Set([2207013]);

function classify(status: number, code: number | undefined, subcode: number | undefined, message: string) {
  if (
    status === 429 ||
    (code !== undefined && (THROTTLE_CODES.has(code) || (code >= 80000 && code <= 80014)))
  )
    return "throttled" as const;
  if (code === 190 || status === 401) return "auth_failed" as const;
  // Graph cannot see personal accounts: it answers "cannot find user" (110 / 2207013) for them.
  if (
    code === 110 ||
    (subcode !== undefined && NOT_BUSINESS_SUBCODES.has(subcode)) ||
    /business|creator|professional/i.test(message)
  )
    return "not_business_account" as const;
  if ((code === 100 && subcode === 33) || status === 404) return "not_found" as const;
  if (status >= 500) return "upstream_error" as const;
  return "bad_request" as const;
}

const PROFILE_FIELDS = "id,username,name,biography,website,followers_count,follows_count,media_count";
const MEDIA_FIELDS = "id,caption,like_count,comments_count,timestamp,media_type,media_product_type,permalink";

export interface BusinessDiscoveryRequest {
  graphUrl: string;
  igUserId: string;
  accessToken: string;
  username: string;
  /** Media asked for per page. */
  mediaLimit: number;
  /** Cursor of the media page to read (`paging.cursors.after` of the previous one). */
  after?: string;
  signal?: AbortSignal;
}

export interface BusinessDiscoveryPage {
  profile: DiscoveredProfile;
  media: DiscoveredMedia[];
  after: string | null;
  usage: GraphUsage | null;
}

/** The URL of one business_discovery call (the token travels in the query, as Graph expects). */
export function businessDiscoveryUrl(request: BusinessDiscoveryRequest): string {
  const media = `media${request.after ? `.after(${request.after})` : ""}.limit(${request.mediaLimit}){${MEDIA_FIELDS}}`;
  const fields = `business_discovery.username(${request.username}){${PROFILE_FIELDS},${media}}`;
  const url = new URL(`${request.graphUrl.replace(/\/+$/, "")}/${encodeURIComponent(request.igUserId)}`);
  url.searchParams.set("fields", fields);
  url.searchParams.set("access_token", request.accessToken);
  return url.toString();
}

/** One business_discovery call. Throws GraphApiError on an error answer. */
export async function fetchBusinessDiscovery(
  request: BusinessDiscoveryRequest,
): Promise<BusinessDiscoveryPage> {
  const response = await fetch(businessDiscoveryUrl(request), {
    headers: { accept: "application/json" },
    ...(request.signal ? { signal: request.signal } : {}),
  });
  const { usage, body, failed, error } = await readGraphAnswer(response);
  if (failed) {
    const kind = classify(response.status, error?.code, error?.error_subcode, error?.message ?? "");
    throw new GraphApiError(kind, response.status, error?.code, error?.error_subcode, usage);
  }
  const parsed = DiscoverySchema.safeParse(body);
  if (!parsed.success)
    throw new GraphApiError("upstream_error", response.status, undefined, undefined, usage);
  const found = parsed.data.business_discovery;
  return {
    profile: {
      id: found.id,
      ...(found.username !== undefined ? { username: found.username } : {}),
      ...(found.name !== undefined ? { name: found.name } : {}),
      ...(found.biography !== undefined ? { biography: found.biography } : {}),
      ...(found.website !== undefined ? { website: found.website } : {}),
      ...(found.followers_count !== undefined ? { followersCount: found.followers_count } : {}),
      ...(found.follows_count !== undefined ? { followsCount: found.follows_count } : {}),
      ...(found.media_count !== undefined ? { mediaCount: found.media_count } : {}),
    },
    media: found.media?.data ?? [],
    after: found.media?.paging?.cursors?.after ?? null,
    usage,
  };
}
