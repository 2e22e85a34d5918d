import { useId } from "react";
import { formatNumber } from "../../format.ts";
import { type FunnelInput, funnelGeometry } from "./funnel-geometry.ts";
import { FONT, GRID, INK, MUTED_INK, PRIMARY } from "./palette.ts";

const WIDTH = 720;
const LABELS = 170;
const BAR_AREA = 440;
const BAR_HEIGHT = 34;
const GAP = 26;

/**
 * A funnel: one horizontal bar per stage, centred and as wide as its share of the widest, with what
 * became of each stage (its conversion onward) in the band between it and the next. Stages carry
 * `data-stage` and `data-value`.
 */
export function FunnelChart({
  title,
  summary,
  stages,
  rateLabel,
  colorOf = () => PRIMARY,
}: {
  title: string;
  summary: string;
  stages: readonly FunnelInput[];
  rateLabel: (rate: number) => string;
  colorOf?: (stage: FunnelInput, index: number) => string;
}) {
  const titleId = useId();
  const descId = useId();
  const layout = funnelGeometry(stages, {
    width: BAR_AREA,
    barHeight: BAR_HEIGHT,
    gap: GAP,
    minWidth: 28,
    top: 8,
  });
  const height = layout.height + 8;
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-labelledby={titleId}
      aria-describedby={descId}
      className="chart chart-funnel"
      preserveAspectRatio="xMidYMid meet"
    >
      <title id={titleId}>{title}</title>
      <desc id={descId}>{summary}</desc>
      <rect x={0} y={0} width={WIDTH} height={height} fill="#ffffff" />
      <g transform={`translate(${LABELS}, 0)`}>
        {layout.steps.map((step) => (
          <g key={`${step.from}-${step.to}`} data-step={step.from}>
            <polygon points={step.points} fill={GRID} />
            {step.rate !== null && (
              <text
                x={BAR_AREA / 2}
                y={step.labelY + 4}
                textAnchor="middle"
                fontFamily={FONT}
                fontSize={11}
                fontWeight={600}
                fill={INK}
              >
                {rateLabel(step.rate)}
              </text>
            )}
          </g>
        ))}
        {layout.bars.map((bar, index) => (
          <g key={bar.key} data-stage={bar.label} data-value={bar.value}>
            <title>{`${bar.label}: ${formatNumber(bar.value)}`}</title>
            <rect
              x={bar.x}
              y={bar.y}
              width={bar.width}
              height={bar.height}
              rx={3}
              fill={colorOf(bar, index)}
            />
            <text
              x={bar.x + bar.width + 8}
              y={bar.y + bar.height / 2 + 5}
              fontFamily={FONT}
              fontSize={14}
              fontWeight={600}
              fill={INK}
            >
              {formatNumber(bar.value)}
            </text>
          </g>
        ))}
      </g>
      {layout.bars.map((bar) => (
        <text
          key={bar.key}
          x={LABELS - 12}
          y={bar.y + bar.height / 2 + 4}
          textAnchor="end"
          fontFamily={FONT}
          fontSize={12}
          fill={MUTED_INK}
        >
          {bar.label}
        </text>
      ))}
    </svg>
  );
}
