import type { Deps } from "../deps.ts";
import type { EnrichmentErrorCode, Network } from "./schemas.ts";

/**
 * The provider interface: a data source for one network. A paid data provider is one new file that
 * implements this, plus one entry in the waterfall (`create-enrichment-runtime.ts`).
 */

/** What a provider may look at on a contact. */
export interface EnrichmentSubject {
  contactId: string;
  workspaceId: string;
  /** Normalised Instagram username, without "@". */
  instagram: string | null;
  /** `@handle` or `channel/<id>`. */
  youtube: string | null;
  /** The contact's own site (`custom.website`), an http(s) URL. */
  website: string | null;
}

/** One field as a provider reported it: the value we show, and what it was computed from. */
export interface ProviderField {
  value: unknown;
  raw: unknown;
}

/** A provider's answer for one contact. `error` set means some of it failed (partial results kept). */
export interface ProviderOutcome {
  fields: Record<string, ProviderField>;
  error?: ProviderFailure;
}

/** Meta's (or another vendor's) usage report: percent of the allowance used, and when it is back. */
export interface Usage {
  percent: number;
  regainSeconds: number;
}

/** A provider error, classified. */
export interface ProviderFailure {
  code: EnrichmentErrorCode;
  /** Our own words, never the vendor's (which may echo personal data). */
  message: string;
  /** Worth another try now (5xx, 429, timeout, network). */
  retryable: boolean;
  /** Counts against the circuit breaker (the provider misbehaves, not the contact). */
  fault: boolean;
  usage?: Usage | null;
  /** Throttled: how long to stay away. */
  pauseSeconds?: number;
}

/**
 * Runs one vendor request through the provider's guard (request budget, timeout, retries with
 * jittered backoff, circuit breaker) and returns what `request` returned.
 */
export type GuardedCall = <T>(
  request: (signal: AbortSignal) => Promise<T>,
  usageOf: (value: T) => Usage | null,
) => Promise<T>;

/** Credentials of one workspace for a provider, resolved once per batch. */
export interface ProviderSession {
  fetch(handle: string, call: GuardedCall, now: Date): Promise<ProviderOutcome>;
}

export interface EnrichmentProvider {
  /** Stable id, stored as provenance: `meta_business_discovery`, `youtube_data_api`, … */
  readonly id: string;
  readonly network: Network;
  /** Requests per second before the usage headers slow it down. */
  readonly ratePerSecond: number;
  handleFor(subject: EnrichmentSubject): string | null;
  /** The workspace's credentials, or why the provider cannot run there. */
  connect(
    deps: Deps,
    workspaceId: string,
  ): Promise<ProviderSession | { skip: EnrichmentErrorCode; message: string }>;
  classify(error: unknown): ProviderFailure;
}

/** The fields a network must have for a contact to count as enriched there (the minimum-data rule). */
export const MINIMUM_FIELDS: Record<Network, string[]> = {
  website: ["url"],
  instagram: ["followers", "mediaCount"],
  youtube: ["channelId", "videos"],
};

/** The fields a network is expected to have; fewer (above the minimum) is a partial result. */
export const EXPECTED_FIELDS: Record<Network, string[]> = {
  // A site read is enriched when it showed a social profile, an e-mail or a phone (else partial).
  website: ["url", "contactsFound"],
  instagram: ["followers", "mediaCount", "engagementRate", "contentMix", "postsPerWeek"],
  youtube: ["channelId", "subscribers", "videos", "views"],
};

export function hasFields(fields: Record<string, unknown>, names: string[]): boolean {
  return names.every((name) => {
    const field = fields[name] as ProviderField | undefined;
    return field !== undefined && field.value !== null && field.value !== undefined;
  });
}
