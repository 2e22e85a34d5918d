// Scales of the chart kit (pure: tested in scales.test.ts).

/** The round step (1, 2, 5 × 10ⁿ, at least 1) at or above `raw`: the charts count whole things. */
export function niceStep(raw: number): number {
  if (!Number.isFinite(raw) || raw <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5]) {
    if (step * magnitude >= raw) return step * magnitude;
  }
  return 10 * magnitude;
}

/** Axis ticks from 0 in a round step, about `count` of them, the last one at or above `max`. */
export function niceTicks(max: number, count = 4): number[] {
  const top = Math.max(1, max);
  const step = niceStep(top / Math.max(1, count));
  const ticks = [0];
  while ((ticks.at(-1) ?? 0) < top) ticks.push((ticks.at(-1) ?? 0) + step);
  return ticks;
}

/** value ↦ position, linearly from `domain` onto `range` (a flat domain maps to the range's start). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  return (value: number) => (span === 0 ? r0 : r0 + ((value - d0) / span) * (r1 - r0));
}

/** `count` equal bands over `range`, `padding` (0–1) of each step left empty, half on each side. */
export function bandScale(count: number, range: readonly [number, number], padding = 0.2) {
  const [r0, r1] = range;
  const step = count > 0 ? (r1 - r0) / count : 0;
  const bandwidth = step * (1 - padding);
  return { step, bandwidth, x: (index: number) => r0 + index * step + (step - bandwidth) / 2 };
}

/** Label every n-th of `count` categories so that at most `maxLabels` show. */
export function labelEvery(count: number, maxLabels: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, maxLabels)));
}

export interface StackSegment {
  key: string;
  value: number;
  /** Where the segment starts and ends, in value units (stacked from 0). */
  from: number;
  to: number;
}

/** The segments of one stacked bar, in series order, empty ones left out. */
export function stack(values: readonly { key: string; value: number }[]): StackSegment[] {
  let at = 0;
  const segments: StackSegment[] = [];
  for (const { key, value } of values) {
    if (value <= 0) continue;
    segments.push({ key, value, from: at, to: at + value });
    at += value;
  }
  return segments;
}
