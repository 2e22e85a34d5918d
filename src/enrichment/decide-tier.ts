import type { TierSettings } from "./schemas.ts";

export interface TierInput {
  followers?: number | null;
  engagementRate?: number | null;
  subscribers?: number | null;
}

/**
 * The highest tier the creator reaches. Instagram followers count with the engagement minimum (when
 * the engagement is unknown the Instagram audience does not qualify); YouTube subscribers count on
 * their own (the Data API gives no engagement). Null below the first tier.
 */
export function decideTier(settings: TierSettings, input: TierInput): string | null {
  for (const tier of [...settings.tiers].reverse()) {
    const instagram =
      typeof input.followers === "number" &&
      input.followers >= tier.minFollowers &&
      typeof input.engagementRate === "number" &&
      input.engagementRate >= tier.minEngagementRate;
    const youtube = typeof input.subscribers === "number" && input.subscribers >= tier.minFollowers;
    if (instagram || youtube) return tier.id;
  }
  return null;
}
