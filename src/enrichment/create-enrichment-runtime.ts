import type { Deps } from "../deps.ts";
import { DEFAULT_GUARD, type GuardedProvider, type GuardOptions, guardProvider } from "./guard-provider.ts";
import { instagramProvider } from "./instagram-provider.ts";
import type { EnrichmentProvider } from "./providers.ts";
import { realTimer } from "./request-budget.ts";
import { websiteProvider } from "./website-provider.ts";
import { youtubeProvider } from "./youtube-provider.ts";

export interface EnrichmentRuntimeOptions extends Partial<GuardOptions> {
  /** The waterfall, in order of preference per network (default: website, Instagram, YouTube). */
  providers?: EnrichmentProvider[];
  /** Contacts enriched at once by one worker batch. */
  concurrency?: number;
  /** N: media read for engagement and content mix. */
  mediaLimit?: number;
}

/** Providers with their resilience state (breakers, budgets): one per process. */
export interface EnrichmentRuntime {
  providers: GuardedProvider[];
  concurrency: number;
}

/**
 * The waterfall. A paid provider is one file implementing `EnrichmentProvider`, listed here after the
 * free one of its network: it is asked when the one before fails (or cannot see the account).
 */
export function defaultProviders(options: { mediaLimit?: number } = {}): EnrichmentProvider[] {
  return [
    // The contact's own site, read first: the handles found there feed the two below.
    websiteProvider({ ratePerSecond: 5, hostIntervalMs: 1000 }),
    // Meta's BUC allowance is large but shared with messaging: a gentle default pace.
    instagramProvider({ mediaLimit: options.mediaLimit ?? 12, maxMediaPages: 4, ratePerSecond: 5 }),
    // 10,000 quota units a day by default; channels.list costs 1.
    youtubeProvider({ ratePerSecond: 5 }),
  ];
}

export function createEnrichmentRuntime(options: EnrichmentRuntimeOptions = {}): EnrichmentRuntime {
  const guard: GuardOptions = {
    ...DEFAULT_GUARD,
    timer: realTimer,
    ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
  };
  const providers =
    options.providers ??
    defaultProviders({ ...(options.mediaLimit ? { mediaLimit: options.mediaLimit } : {}) });
  return {
    providers: providers.map((provider) => guardProvider(provider, guard)),
    concurrency: options.concurrency ?? 8,
  };
}

const runtimes = new WeakMap<Deps, EnrichmentRuntime>();

/** The process's runtime for these deps (created on first use). */
export function enrichmentRuntime(deps: Deps): EnrichmentRuntime {
  let runtime = runtimes.get(deps);
  if (!runtime) {
    runtime = createEnrichmentRuntime();
    runtimes.set(deps, runtime);
  }
  return runtime;
}

/** Replaces the runtime (tests and the bench: small delays, fake providers, a given rate). */
export function replaceEnrichmentRuntime(deps: Deps, options: EnrichmentRuntimeOptions): EnrichmentRuntime {
  const runtime = createEnrichmentRuntime(options);
  runtimes.set(deps, runtime);
  return runtime;
}
