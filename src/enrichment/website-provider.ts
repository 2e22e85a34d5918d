import { loadBuffer } from "cheerio";
import type { Deps } from "../deps.ts";
import { createPoliteFetcher, type FetchOutcome, htmlEncodingOf } from "../outbound/fetch-politely.ts";
import { extractSiteContacts } from "./extract-site-contacts.ts";
import type { EnrichmentProvider, ProviderFailure, ProviderField } from "./providers.ts";

export const WEBSITE_PROVIDER_ID = "website";

/** The contact's site could not be read: the polite fetcher's refusal or failure reason. */
export class WebsiteFetchError extends Error {
  constructor(
    readonly outcome: "refused" | "failed",
    readonly reason: string,
  ) {
    super(`website ${outcome}: ${reason}`);
    this.name = "WebsiteFetchError";
  }
}

export interface WebsiteProviderOptions {
  ratePerSecond: number;
  /** Between two requests to one host (robots.txt's Crawl-delay wins when longer). */
  hostIntervalMs: number;
  /** Tests stub DNS; default: the system resolver. */
  resolve?: (host: string) => Promise<string[]>;
}

/**
 * Failures of one contact's site say nothing about the provider: none of them opens the breaker
 * (the guard's own timeout still counts). Server errors and resets are worth another try.
 */
function classifyWebsite(error: unknown): ProviderFailure {
  if (error instanceof WebsiteFetchError) {
    const { reason } = error;
    if (error.outcome === "refused") {
      return {
        code: "refused",
        message:
          reason === "robots"
            ? "the site's robots.txt does not allow reading this page"
            : "the address guard refused the site (private, local or not http/https)",
        retryable: false,
        fault: false,
      };
    }
    if (reason === "http_404" || reason === "http_410" || reason === "dns") {
      return {
        code: "not_found",
        message: "the site or page does not exist",
        retryable: false,
        fault: false,
      };
    }
    if (reason === "http_429") {
      return {
        code: "throttled",
        message: "the site asked us to slow down (429)",
        retryable: true,
        fault: false,
        pauseSeconds: 600,
      };
    }
    if (/^http_5\d\d$/.test(reason) || reason === "network") {
      return {
        code: "upstream_error",
        message: `the site answered with an error (${reason})`,
        retryable: true,
        fault: false,
      };
    }
    if (reason === "timeout") {
      return { code: "timeout", message: "the site did not answer in time", retryable: true, fault: false };
    }
    return {
      code: "bad_request",
      message: `the site's answer is not a readable page (${reason})`,
      retryable: false,
      fault: false,
    };
  }
  return {
    code: "upstream_error",
    message: "unexpected error reading the site",
    retryable: false,
    fault: false,
  };
}

const field = (value: unknown, raw: unknown = value): ProviderField => ({ value, raw });

/**
 * The contact's own website (`custom.website`): one page, fetched through the SSRF guard, robots.txt
 * and per-host pacing (the outbound fetcher), read for social profiles, e-mails and phones. Runs
 * before the Instagram and YouTube waterfalls, which then use a handle found here when the contact
 * has none.
 */
export function websiteProvider(options: WebsiteProviderOptions): EnrichmentProvider {
  return {
    id: WEBSITE_PROVIDER_ID,
    network: "website",
    ratePerSecond: options.ratePerSecond,
    handleFor: (subject) => subject.website,
    classify: classifyWebsite,
    async connect(deps: Deps) {
      // One fetcher per batch and workspace: robots.txt read once per host, hosts paced.
      const fetcher = createPoliteFetcher({
        allowHosts: deps.config.outbound.fetchAllowHosts,
        rateLimitMs: options.hostIntervalMs,
        ...(options.resolve ? { resolve: options.resolve } : {}),
      });
      return {
        async fetch(url, call) {
          const page = await call(
            async (): Promise<Extract<FetchOutcome, { status: "ok" }>> => {
              const outcome = await fetcher.fetch(url, "page");
              if (outcome.status !== "ok") throw new WebsiteFetchError(outcome.status, outcome.reason);
              return outcome;
            },
            () => null,
          );
          const found = extractSiteContacts(
            loadBuffer(page.body, htmlEncodingOf(page.contentType)),
            page.url,
          );
          const count = found.profiles.length + found.emails.length + found.phones.length;
          return {
            fields: {
              url: field(page.url, url),
              title: field(found.title),
              instagram: field(found.instagram, found.profiles),
              youtube: field(found.youtube, found.profiles),
              tiktok: field(found.tiktok, found.profiles),
              emails: field(found.emails),
              phones: field(found.phones),
              // null when the page showed nothing: the read counts as partial (EXPECTED_FIELDS).
              contactsFound: field(count > 0 ? count : null, count),
            },
          };
        },
      };
    },
  };
}
