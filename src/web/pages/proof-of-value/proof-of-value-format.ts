import type { ProofHeadline, ProofWeek } from "../../../analytics/report-proof-of-value.ts";
import type { PERMISSIONS } from "../../../auth/schemas.ts";

// Pure helpers of the Prova de valor page and of what a client may open (no React: tested in
// proof-of-value-format.test.ts). The shapes are the server's types, so a contract change fails `tsc`.

export const PROOF_PATH = "/proof-of-value";

/** Who may open the page, as the server's PERMISSIONS say (copied without importing zod into the bundle). */
const PROOF_ROLES: (typeof PERMISSIONS)["analytics:proof"] = ["admin", "manager", "cs", "viewer", "client"];

export function canSeeProofOfValue(role: string | null | undefined): boolean {
  return (PROOF_ROLES as readonly string[]).includes(role ?? "");
}

/** An agency's client: the proof of value is the only page they have. */
export function isClientRole(role: string | null | undefined): boolean {
  return role === "client";
}

/** Where a member lands after signing in (and where the brand links to). */
export function homePathFor(role: string | null | undefined): string {
  return isClientRole(role) ? PROOF_PATH : "/leads";
}

/** Whether a client may open `path` (everything else shows the no-access page). */
export function clientMayOpen(path: string): boolean {
  return path === PROOF_PATH;
}

/** 0.6667 → "67%", null → "—". */
export function formatShare(share: number | null, language: string): string {
  if (share === null) return "—";
  return new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 0 }).format(share);
}

/** Which sentence heads the page: about a cohort, a product, everything, or nothing to say yet. */
export type HeadlineKind = "cohort" | "product" | "all" | "none";

export function headlineKind(headline: ProofHeadline): HeadlineKind {
  if (headline.firstAccesses === 0 || headline.ourShare === null) return "none";
  if (headline.cohort) return "cohort";
  if (headline.productName) return "product";
  return "all";
}

/** "2026-11-16" as the week's short label in `language` (16/11, 11/16); a calendar day, so in UTC. */
export function weekLabel(week: string, language: string): string {
  const date = new Date(`${week}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return week;
  return new Intl.DateTimeFormat(language, { day: "2-digit", month: "2-digit", timeZone: "UTC" }).format(
    date,
  );
}

/** The chart's vertical scale: a round top (1, 2, 5 × 10ⁿ) at or above the largest week, at least 1. */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

export const ORIGINS = ["whatsapp_link", "hotmart_email", "other"] as const;
export type Origin = (typeof ORIGINS)[number];

export interface BarSegment {
  origin: Origin;
  count: number;
  y: number;
  height: number;
}

export interface WeekBar {
  week: string;
  total: number;
  x: number;
  width: number;
  segments: BarSegment[];
}

/**
 * Stacked bars for the weeks in a plot of `width` × `height` (SVG units, y down): our link at the
 * bottom, then Hotmart's e-mail, then the rest; empty origins have no segment.
 */
export function weekBars(
  weeks: readonly ProofWeek[],
  width: number,
  height: number,
): { max: number; bars: WeekBar[] } {
  const max = niceMax(Math.max(0, ...weeks.map((week) => week.total)));
  const slot = weeks.length === 0 ? 0 : width / weeks.length;
  const barWidth = Math.max(2, Math.min(48, slot * 0.6));
  const bars = weeks.map((week, index) => {
    let base = height;
    const segments: BarSegment[] = [];
    for (const origin of ORIGINS) {
      const count = week[origin];
      if (count === 0) continue;
      const segmentHeight = (count / max) * height;
      base -= segmentHeight;
      segments.push({ origin, count, y: base, height: segmentHeight });
    }
    return {
      week: week.week,
      total: week.total,
      x: index * slot + (slot - barWidth) / 2,
      width: barWidth,
      segments,
    };
  });
  return { max, bars };
}

/** `Content-Disposition`'s file name, or `fallback`. */
export function fileNameFrom(disposition: string | null, fallback: string): string {
  const match = /filename="?([^";]+)"?/i.exec(disposition ?? "");
  return match?.[1] ?? fallback;
}
