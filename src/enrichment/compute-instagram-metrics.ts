import type { DiscoveredMedia } from "../adapters/meta/business-discovery.ts";

export interface ContentMix {
  image: number;
  video: number;
  carousel: number;
  reels: number;
}

export interface InstagramMetrics {
  /** Mean of (likes + comments) / followers over the last N posts with counts; a fraction. */
  engagementRate: number | null;
  /** Share of each content type among the last N posts; fractions that add up to 1. */
  contentMix: ContentMix | null;
  /** Posts in the 30 days before `now`, per week. */
  postsPerWeek: number;
  /** What the numbers were computed from (stored as the raw value of each field). */
  raw: {
    engagement: { id: string; likes: number; comments: number }[];
    mix: Record<keyof ContentMix, number>;
    postsInWindow: number;
    windowDays: number;
  };
}

const WINDOW_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

/** Graph timestamps look like `2026-01-09T21:14:09+0000`; Date wants `+00:00`. */
export function parseGraphTime(value: string | undefined): Date | null {
  if (!value) return null;
  const fixed = value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  const date = new Date(fixed);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function contentTypeOf(media: DiscoveredMedia): keyof ContentMix {
  const type = (media.media_type ?? "").toUpperCase();
  const product = (media.media_product_type ?? "").toUpperCase();
  if (product === "REELS" || (type === "VIDEO" && /\/reels?\//.test(media.permalink ?? ""))) return "reels";
  if (type === "CAROUSEL_ALBUM") return "carousel";
  if (type === "VIDEO") return "video";
  return "image";
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * The Instagram numbers of a profile: engagement and content mix over the last `lastN` posts (newest
 * first by timestamp), posting frequency over the 30 days before `now`.
 */
export function computeInstagramMetrics(input: {
  followers: number | undefined;
  media: DiscoveredMedia[];
  lastN: number;
  now: Date;
}): InstagramMetrics {
  const dated = input.media
    .map((media, index) => ({ media, at: parseGraphTime(media.timestamp), index }))
    .sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0) || a.index - b.index);
  const recent = dated.slice(0, input.lastN).map((entry) => entry.media);

  const engagement = recent
    .filter((media) => media.like_count !== undefined || media.comments_count !== undefined)
    .map((media) => ({ id: media.id, likes: media.like_count ?? 0, comments: media.comments_count ?? 0 }));
  const followers = input.followers ?? 0;
  const engagementRate =
    followers > 0 && engagement.length > 0
      ? round(
          engagement.reduce((sum, post) => sum + (post.likes + post.comments) / followers, 0) /
            engagement.length,
          6,
        )
      : null;

  const mix = { image: 0, video: 0, carousel: 0, reels: 0 };
  for (const media of recent) mix[contentTypeOf(media)] += 1;
  const contentMix =
    recent.length > 0
      ? {
          image: round(mix.image / recent.length, 4),
          video: round(mix.video / recent.length, 4),
          carousel: round(mix.carousel / recent.length, 4),
          reels: round(mix.reels / recent.length, 4),
        }
      : null;

  const from = input.now.getTime() - WINDOW_DAYS * DAY_MS;
  const postsInWindow = dated.filter(
    (entry) => entry.at && entry.at.getTime() > from && entry.at.getTime() <= input.now.getTime(),
  ).length;
  return {
    engagementRate,
    contentMix,
    postsPerWeek: round(postsInWindow / (WINDOW_DAYS / 7), 2),
    raw: { engagement, mix, postsInWindow, windowDays: WINDOW_DAYS },
  };
}

/** Whether older media may still fall inside the posting-frequency window (another page is worth it). */
export function needsOlderMedia(media: DiscoveredMedia[], lastN: number, now: Date): boolean {
  if (media.length < lastN) return true;
  const times = media.map((item) => parseGraphTime(item.timestamp)?.getTime() ?? 0);
  const oldest = Math.min(...times);
  return oldest > now.getTime() - WINDOW_DAYS * DAY_MS;
}
