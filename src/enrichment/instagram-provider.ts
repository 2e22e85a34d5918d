import {
  type BusinessDiscoveryPage,
  type DiscoveredMedia,
  fetchBusinessDiscovery,
  GraphApiError,
} from "../adapters/meta/business-discovery.ts";
import { MetaConfigSchema } from "../adapters/meta/schemas.ts";
import { findConnectionConfig } from "../capture/find-connection-config.ts";
import type { Deps } from "../deps.ts";
import { computeInstagramMetrics, needsOlderMedia } from "./compute-instagram-metrics.ts";
import { extractBioContacts } from "./extract-bio-contacts.ts";
import type { EnrichmentProvider, ProviderFailure, ProviderField, ProviderSession } from "./providers.ts";

export const INSTAGRAM_PROVIDER_ID = "meta_business_discovery";

export interface InstagramProviderOptions {
  /** N: media read for engagement and content mix. */
  mediaLimit: number;
  /** Media pages read at most (for the 30-day posting frequency). */
  maxMediaPages: number;
  ratePerSecond: number;
}

const NETWORK_ERRORS = /fetch failed|ECONNRESET|ECONNREFUSED|socket|network|terminated/i;

function classifyInstagram(error: unknown): ProviderFailure {
  if (error instanceof GraphApiError) {
    const usage = error.usage;
    switch (error.kind) {
      case "not_business_account":
        return {
          code: "not_business_account",
          message:
            "Instagram only shows professional (Business or Creator) accounts to business discovery; this one is personal, private or does not exist",
          retryable: false,
          fault: false,
          usage,
        };
      case "not_found":
        return {
          code: "not_found",
          message: "Instagram account not found",
          retryable: false,
          fault: false,
          usage,
        };
      case "throttled":
        return {
          code: "throttled",
          message: `Meta rate limit reached (code ${error.code ?? error.status})`,
          retryable: error.status === 429,
          // being rate limited is not the provider failing: it does not open the breaker
          fault: false,
          usage,
          pauseSeconds: usage?.regainSeconds || 300,
        };
      case "auth_failed":
        return {
          code: "auth_failed",
          message: "the Meta connection's access token was refused",
          retryable: false,
          fault: true,
          usage,
        };
      case "bad_request":
        return { code: "bad_request", message: error.message, retryable: false, fault: false, usage };
      case "upstream_error":
        return {
          code: "upstream_error",
          message: error.message,
          retryable: error.retryable,
          fault: true,
          usage,
        };
    }
  }
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
  if (NETWORK_ERRORS.test(text) || error instanceof TypeError) {
    return {
      code: "upstream_error",
      message: "network error reaching the Graph API",
      retryable: true,
      fault: true,
    };
  }
  return {
    code: "upstream_error",
    message: "unexpected error reading the Graph API",
    retryable: false,
    fault: true,
  };
}

function field(value: unknown, raw: unknown = value): ProviderField {
  return { value, raw };
}

/** Instagram through the workspace's Meta connection (`igUserId` + `accessToken`). */
export function instagramProvider(options: InstagramProviderOptions): EnrichmentProvider {
  return {
    id: INSTAGRAM_PROVIDER_ID,
    network: "instagram",
    ratePerSecond: options.ratePerSecond,
    handleFor: (subject) => subject.instagram,
    classify: classifyInstagram,
    async connect(deps: Deps, workspaceId: string) {
      const found = await findConnectionConfig(deps, { workspaceId, type: "meta" }, (config) => {
        const parsed = MetaConfigSchema.safeParse(config);
        return parsed.success && parsed.data.igUserId && parsed.data.accessToken
          ? { igUserId: parsed.data.igUserId, accessToken: parsed.data.accessToken }
          : null;
      });
      if (found) {
        return session(deps.config.outbound.metaGraphUrl, found.igUserId, found.accessToken, options);
      }
      return {
        skip: "no_connection" as const,
        message: "no Meta connection with an Instagram user id and an access token",
      };
    },
  };
}

function session(
  graphUrl: string,
  igUserId: string,
  accessToken: string,
  options: InstagramProviderOptions,
): ProviderSession {
  return {
    async fetch(handle, call, now) {
      const first = await call(
        (signal) =>
          fetchBusinessDiscovery({
            graphUrl,
            igUserId,
            accessToken,
            username: handle,
            mediaLimit: options.mediaLimit,
            signal,
          }),
        (page: BusinessDiscoveryPage) => page.usage,
      );
      const media: DiscoveredMedia[] = [...first.media];
      let after = first.after;
      let pages = 1;
      let error: ProviderFailure | undefined;
      while (
        after &&
        pages < options.maxMediaPages &&
        first.media.length > 0 &&
        needsOlderMedia(media, options.mediaLimit, now)
      ) {
        const cursor = after;
        try {
          const page = await call(
            (signal) =>
              fetchBusinessDiscovery({
                graphUrl,
                igUserId,
                accessToken,
                username: handle,
                mediaLimit: options.mediaLimit,
                after: cursor,
                signal,
              }),
            (next: BusinessDiscoveryPage) => next.usage,
          );
          media.push(...page.media);
          after = page.after;
          pages += 1;
        } catch (caught) {
          // Keep what the first pages said; the failure makes the result partial.
          error = classifyInstagram(caught);
          break;
        }
      }
      const profile = first.profile;
      const metrics = computeInstagramMetrics({
        followers: profile.followersCount,
        media,
        lastN: options.mediaLimit,
        now,
      });
      const bio = extractBioContacts(profile.biography);
      const fields: Record<string, ProviderField> = {
        igId: field(profile.id),
        followers: field(profile.followersCount ?? null, profile.followersCount ?? null),
        follows: field(profile.followsCount ?? null),
        mediaCount: field(profile.mediaCount ?? null),
        name: field(profile.name ?? null),
        bio: field(profile.biography ?? null),
        website: field(profile.website ?? null),
        engagementRate: field(metrics.engagementRate, metrics.raw.engagement),
        contentMix: field(metrics.contentMix, metrics.raw.mix),
        postsPerWeek: field(metrics.postsPerWeek, {
          posts: metrics.raw.postsInWindow,
          days: metrics.raw.windowDays,
          mediaRead: media.length,
        }),
        emailsInBio: field(bio.emails, profile.biography ?? null),
        phonesInBio: field(bio.phones, profile.biography ?? null),
        linksInBio: field(bio.links, profile.biography ?? null),
      };
      return error ? { fields, error } : { fields };
    },
  };
}
