import {
  type ChannelStatistics,
  fetchChannelStatistics,
  YouTubeApiError,
} from "../adapters/youtube/channel-statistics.ts";
import type { Deps } from "../deps.ts";
import type { EnrichmentProvider, ProviderFailure } from "./providers.ts";

export const YOUTUBE_PROVIDER_ID = "youtube_data_api";

function classifyYouTube(error: unknown): ProviderFailure {
  if (error instanceof YouTubeApiError) {
    switch (error.kind) {
      case "not_found":
        return { code: "not_found", message: "YouTube channel not found", retryable: false, fault: false };
      case "throttled":
        return {
          code: "throttled",
          message: `YouTube quota or rate limit reached (${error.reason ?? error.status})`,
          retryable: error.status === 429,
          // being rate limited is not the provider failing: it does not open the breaker
          fault: false,
          pauseSeconds: error.status === 429 ? 60 : 3600,
        };
      case "auth_failed":
        return {
          code: "auth_failed",
          message: "the YouTube API key was refused",
          retryable: false,
          fault: true,
        };
      case "bad_request":
        return { code: "bad_request", message: error.message, retryable: false, fault: false };
      case "upstream_error":
        return { code: "upstream_error", message: error.message, retryable: error.retryable, fault: true };
    }
  }
  if (error instanceof TypeError) {
    return {
      code: "upstream_error",
      message: "network error reaching the YouTube API",
      retryable: true,
      fault: true,
    };
  }
  return {
    code: "upstream_error",
    message: "unexpected error reading the YouTube API",
    retryable: false,
    fault: true,
  };
}

/** YouTube channel statistics with the instance's API key (FUNIL_YOUTUBE_API_KEY). */
export function youtubeProvider(options: { ratePerSecond: number }): EnrichmentProvider {
  return {
    id: YOUTUBE_PROVIDER_ID,
    network: "youtube",
    ratePerSecond: options.ratePerSecond,
    handleFor: (subject) => subject.youtube,
    classify: classifyYouTube,
    async connect(deps: Deps) {
      const apiKey = deps.config.outbound.youtubeApiKey;
      if (!apiKey) return { skip: "no_connection" as const, message: "no YouTube API key configured" };
      const apiUrl = deps.config.outbound.youtubeApiUrl;
      return {
        async fetch(handle, call) {
          const channel = await call(
            (signal) => fetchChannelStatistics({ apiUrl, apiKey, channel: handle, signal }),
            (_: ChannelStatistics) => null,
          );
          return {
            fields: {
              channelId: { value: channel.channelId, raw: channel.channelId },
              title: { value: channel.title ?? null, raw: channel.title ?? null },
              subscribers: {
                value: channel.subscribers ?? null,
                raw: channel.subscribersHidden ? "hidden" : (channel.subscribers ?? null),
              },
              videos: { value: channel.videos ?? null, raw: channel.videos ?? null },
              views: { value: channel.views ?? null, raw: channel.views ?? null },
            },
          };
        },
      };
    },
  };
}
