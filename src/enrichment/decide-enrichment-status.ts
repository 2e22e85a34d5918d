import {
  EXPECTED_FIELDS,
  hasFields,
  MINIMUM_FIELDS,
  type ProviderFailure,
  type ProviderField,
} from "./providers.ts";
import type { EnrichmentErrorCode, EnrichmentStatus, Network, ProviderStatus } from "./schemas.ts";

/** How one provider did on one contact. */
export function decideProviderStatus(
  network: Network,
  fields: Record<string, ProviderField> | null,
  failure: ProviderFailure | null | undefined,
): { status: ProviderStatus; errorCode: EnrichmentErrorCode | null } {
  if (fields && hasFields(fields, MINIMUM_FIELDS[network])) {
    if (!failure && hasFields(fields, EXPECTED_FIELDS[network]))
      return { status: "enriched", errorCode: null };
    return { status: "partial", errorCode: failure?.code ?? "insufficient_data" };
  }
  if (!failure) return { status: "failed", errorCode: "insufficient_data" };
  if (failure.code === "not_business_account")
    return { status: "not_business_account", errorCode: failure.code };
  if (failure.code === "no_connection") return { status: "skipped", errorCode: failure.code };
  return { status: "failed", errorCode: failure.code };
}

/**
 * The minimum-data rule for a contact: enriched when every network it has a handle on met its expected
 * fields; partial when at least one network met its minimum fields (followers and media count on
 * Instagram, channel and video count on YouTube); otherwise the most telling failure.
 */
export function decideContactStatus(
  networks: { network: Network; status: ProviderStatus; errorCode: EnrichmentErrorCode | null }[],
): { status: Exclude<EnrichmentStatus, "pending">; errorCode: EnrichmentErrorCode | null } {
  if (networks.length === 0) return { status: "skipped", errorCode: "no_handle" };
  if (networks.every((entry) => entry.status === "enriched")) return { status: "enriched", errorCode: null };
  const failing = networks.find((entry) => entry.status !== "enriched");
  if (networks.some((entry) => entry.status === "enriched" || entry.status === "partial")) {
    return { status: "partial", errorCode: failing?.errorCode ?? null };
  }
  const notBusiness = networks.find((entry) => entry.status === "not_business_account");
  if (notBusiness) return { status: "not_business_account", errorCode: "not_business_account" };
  const failed = networks.find((entry) => entry.status === "failed");
  if (failed) return { status: "failed", errorCode: failed.errorCode };
  return { status: "skipped", errorCode: networks[0]?.errorCode ?? null };
}
