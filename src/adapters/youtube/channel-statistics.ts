import { z } from "zod";

/**
 * YouTube Data API v3 `channels.list` (part=snippet,statistics) by handle or channel id. Vendor
 * format only: no database, no queue, no logging.
 */

const ChannelsSchema = z.object({
  items: z
    .array(
      z.object({
        id: z.string(),
        snippet: z
          .object({
            title: z.string().optional(),
            description: z.string().optional(),
            customUrl: z.string().optional(),
          })
          .optional(),
        statistics: z
          .object({
            viewCount: z.string().optional(),
            subscriberCount: z.string().optional(),
            hiddenSubscriberCount: z.boolean().optional(),
            videoCount: z.string().optional(),
          })
          .optional(),
      }),
    )
    .default([]),
});

const YouTubeErrorSchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional() })).optional(),
  }),
});

export type YouTubeFailureKind = "not_found" | "throttled" | "auth_failed" | "bad_request" | "upstream_error";

export class YouTubeApiError extends Error {
  constructor(
    readonly kind: YouTubeFailureKind,
    readonly status: number,
    readonly reason: string | undefined,
  ) {
    super(`youtube ${kind} (http ${status}${reason ? `, ${reason}` : ""})`);
    this.name = "YouTubeApiError";
  }

  get retryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

export interface ChannelStatistics {
  channelId: string;
  title?: string;
  description?: string;
  customUrl?: string;
  subscribers?: number;
  subscribersHidden: boolean;
  videos?: number;
  views?: number;
}

const QUOTA_REASONS = new Set([
  "quotaExceeded",
  "rateLimitExceeded",
  "userRateLimitExceeded",
  "dailyLimitExceeded",
]);

function toCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** `@handle` or `channel/<id>` (how outbound stores it), or a bare handle. */
export function channelQuery(reference: string): { forHandle: string } | { id: string } {
  const trimmed = reference.trim();
  const channel = /^(?:https?:\/\/(?:www\.)?youtube\.com\/)?channel\/([\w-]{10,64})/i.exec(trimmed);
  if (channel?.[1]) return { id: channel[1] };
  const handle = /^(?:https?:\/\/(?:www\.)?youtube\.com\/)?@?([\w.-]{1,100})/i.exec(trimmed);
  return { forHandle: `@${handle?.[1] ?? trimmed.replace(/^@/, "")}` };
}

export async function fetchChannelStatistics(request: {
  apiUrl: string;
  apiKey: string;
  channel: string;
  signal?: AbortSignal;
}): Promise<ChannelStatistics> {
  const url = new URL(`${request.apiUrl.replace(/\/+$/, "")}/channels`);
  url.searchParams.set("part", "snippet,statistics");
  const query = channelQuery(request.channel);
  if ("id" in query) url.searchParams.set("id", query.id);
  else url.searchParams.set("forHandle", query.forHandle);
  url.searchParams.set("key", request.apiKey);
  const response = await fetch(url, {
    headers: { accept: "application/json" },
    ...(request.signal ? { signal: request.signal } : {}),
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = YouTubeErrorSchema.safeParse(body);
    const reason = error.success ? error.data.error.errors?.[0]?.reason : undefined;
    const kind: YouTubeFailureKind =
      response.status === 429 || (reason !== undefined && QUOTA_REASONS.has(reason))
        ? "throttled"
        : response.status === 401 || reason === "keyInvalid" || response.status === 403
          ? "auth_failed"
          : response.status === 404
            ? "not_found"
            : response.status >= 500
              ? "upstream_error"
              : "bad_request";
    throw new YouTubeApiError(kind, response.status, reason);
  }
  const parsed = ChannelsSchema.safeParse(body);
  if (!parsed.success) throw new YouTubeApiError("upstream_error", response.status, "unreadable");
  const item = parsed.data.items[0];
  if (!item) throw new YouTubeApiError("not_found", 200, "no channel");
  const stats = item.statistics;
  const subscribers = stats?.hiddenSubscriberCount ? undefined : toCount(stats?.subscriberCount);
  const videos = toCount(stats?.videoCount);
  const views = toCount(stats?.viewCount);
  return {
    channelId: item.id,
    ...(item.snippet?.title !== undefined ? { title: item.snippet.title } : {}),
    ...(item.snippet?.description !== undefined ? { description: item.snippet.description } : {}),
    ...(item.snippet?.customUrl !== undefined ? { customUrl: item.snippet.customUrl } : {}),
    ...(subscribers !== undefined ? { subscribers } : {}),
    subscribersHidden: stats?.hiddenSubscriberCount === true,
    ...(videos !== undefined ? { videos } : {}),
    ...(views !== undefined ? { views } : {}),
  };
}
