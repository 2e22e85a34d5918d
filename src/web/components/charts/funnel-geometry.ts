// Geometry of the funnel chart (pure: tested in funnel-geometry.test.ts).

export interface FunnelInput {
  key: string;
  label: string;
  value: number;
  /** The share of this stage's entries that went on (shown between it and the next bar), or null. */
  rate: number | null;
}

export interface FunnelBar extends FunnelInput {
  x: number;
  y: number;
  width: number;
  height: number;
  /** value ÷ the widest stage's value (0 when every stage is empty). */
  share: number;
}

export interface FunnelStep {
  from: string;
  to: string;
  rate: number | null;
  /** The connector between two bars: a trapezoid from one bar's bottom edge to the next one's top. */
  points: string;
  /** Where its label sits (the middle of the gap). */
  labelY: number;
}

export interface FunnelLayout {
  width: number;
  height: number;
  bars: FunnelBar[];
  steps: FunnelStep[];
}

/**
 * Horizontal bars, centred and narrowing with the values (each as wide as its share of the widest),
 * stacked top to bottom with a gap holding the conversion between each pair. A non-empty stage is never
 * narrower than `minWidth`; an empty one is a hairline.
 */
export function funnelGeometry(
  stages: readonly FunnelInput[],
  options: { width: number; barHeight: number; gap: number; minWidth?: number; top?: number },
): FunnelLayout {
  const { width, barHeight, gap } = options;
  const minWidth = Math.min(options.minWidth ?? 24, width);
  const top = options.top ?? 0;
  const widest = Math.max(0, ...stages.map((stage) => stage.value));
  const bars = stages.map((stage, index): FunnelBar => {
    const share = widest === 0 ? 0 : stage.value / widest;
    const barWidth = stage.value <= 0 ? 2 : Math.max(minWidth, share * width);
    return {
      ...stage,
      share,
      width: barWidth,
      height: barHeight,
      x: (width - barWidth) / 2,
      y: top + index * (barHeight + gap),
    };
  });
  const steps = bars.slice(0, -1).flatMap((bar, index): FunnelStep[] => {
    const next = bars[index + 1];
    if (!next) return [];
    const y0 = bar.y + bar.height;
    const y1 = next.y;
    const points = [
      [bar.x, y0],
      [bar.x + bar.width, y0],
      [next.x + next.width, y1],
      [next.x, y1],
    ]
      .map(([x, y]) => `${round(x ?? 0)},${round(y ?? 0)}`)
      .join(" ");
    return [{ from: bar.key, to: next.key, rate: bar.rate, points, labelY: (y0 + y1) / 2 }];
  });
  const height = bars.length === 0 ? top : top + bars.length * barHeight + (bars.length - 1) * gap;
  return { width, height, bars, steps };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export interface DonutArc {
  key: string;
  value: number;
  share: number;
  /** An SVG path of the ring segment. */
  path: string;
}

/**
 * The ring segments of a donut for `values` (clockwise from 12 o'clock); empty values are left out,
 * and a single segment that is the whole ring is drawn as two halves (one arc cannot close a circle).
 */
export function donutArcs(
  values: readonly { key: string; value: number }[],
  options: { cx: number; cy: number; radius: number; innerRadius: number },
): DonutArc[] {
  const total = values.reduce((sum, item) => sum + Math.max(0, item.value), 0);
  if (total === 0) return [];
  const { cx, cy, radius, innerRadius } = options;
  const point = (angle: number, r: number) =>
    `${round(cx + r * Math.sin(angle))},${round(cy - r * Math.cos(angle))}`;
  const ring = (start: number, end: number) => {
    const large = end - start > Math.PI ? 1 : 0;
    return [
      `M${point(start, radius)}`,
      `A${radius},${radius} 0 ${large} 1 ${point(end, radius)}`,
      `L${point(end, innerRadius)}`,
      `A${innerRadius},${innerRadius} 0 ${large} 0 ${point(start, innerRadius)}`,
      "Z",
    ].join(" ");
  };
  let angle = 0;
  return values.flatMap((item) => {
    if (item.value <= 0) return [];
    const share = item.value / total;
    const start = angle;
    const end = angle + share * 2 * Math.PI;
    angle = end;
    const path = share >= 1 ? `${ring(0, Math.PI)} ${ring(Math.PI, 2 * Math.PI)}` : ring(start, end);
    return [{ key: item.key, value: item.value, share, path }];
  });
}
