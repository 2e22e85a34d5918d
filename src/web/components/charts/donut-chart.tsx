import { useId } from "react";
import { formatNumber } from "../../format.ts";
import { donutArcs } from "./funnel-geometry.ts";
import { FONT, INK, MUTED_INK } from "./palette.ts";

export interface DonutSegment {
  key: string;
  label: string;
  color: string;
  value: number;
}

const WIDTH = 400;
const HEIGHT = 200;
const CX = 100;
const CY = 100;

/** Parts of a whole as a ring, the total in the middle, a legend with counts and shares beside it. */
export function DonutChart({
  title,
  summary,
  segments,
  centerLabel,
  formatShare,
}: {
  title: string;
  summary: string;
  segments: readonly DonutSegment[];
  centerLabel: string;
  formatShare: (share: number) => string;
}) {
  const titleId = useId();
  const descId = useId();
  const total = segments.reduce((sum, segment) => sum + segment.value, 0);
  const arcs = donutArcs(segments, { cx: CX, cy: CY, radius: 84, innerRadius: 54 });
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-labelledby={titleId}
      aria-describedby={descId}
      className="chart chart-donut"
      preserveAspectRatio="xMidYMid meet"
    >
      <title id={titleId}>{title}</title>
      <desc id={descId}>{summary}</desc>
      <rect x={0} y={0} width={WIDTH} height={HEIGHT} fill="#ffffff" />
      {arcs.map((arc) => {
        const segment = segments.find((item) => item.key === arc.key);
        return (
          <path
            key={arc.key}
            d={arc.path}
            fill={segment?.color ?? MUTED_INK}
            data-segment={arc.key}
            data-value={arc.value}
          >
            <title>{`${segment?.label}: ${formatNumber(arc.value)} (${formatShare(arc.share)})`}</title>
          </path>
        );
      })}
      <text
        x={CX}
        y={CY + 2}
        textAnchor="middle"
        fontFamily={FONT}
        fontSize={26}
        fontWeight={600}
        fill={INK}
        data-total={total}
      >
        {formatNumber(total)}
      </text>
      <text x={CX} y={CY + 22} textAnchor="middle" fontFamily={FONT} fontSize={11} fill={MUTED_INK}>
        {centerLabel}
      </text>
      {segments.map((segment, index) => {
        const y = 48 + index * 28;
        return (
          <g key={segment.key} data-legend={segment.key}>
            <rect x={204} y={y - 10} width={12} height={12} rx={2} fill={segment.color} />
            <text x={222} y={y} fontFamily={FONT} fontSize={12} fill={INK}>
              {segment.label}
            </text>
            <text
              x={WIDTH - 8}
              y={y}
              textAnchor="end"
              fontFamily={FONT}
              fontSize={12}
              fill={INK}
              fontWeight={600}
            >
              {`${formatNumber(segment.value)} · ${total === 0 ? "—" : formatShare(segment.value / total)}`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
