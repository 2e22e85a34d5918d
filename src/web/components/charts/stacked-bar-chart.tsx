import { useId } from "react";
import { formatNumber } from "../../format.ts";
import { FONT, GRID, INK, MUTED_INK } from "./palette.ts";
import { bandScale, labelEvery, linearScale, niceTicks, stack } from "./scales.ts";

export interface BarSeries {
  key: string;
  label: string;
  color: string;
  /** One value per category, in the categories' order. */
  values: readonly number[];
}

const LEFT = 44;
const RIGHT = 8;
const TOP = 10;
const AXIS = 22;
const LEGEND_ROW = 20;
const CHAR = 6.6;

/** Legend items laid out in rows across the width (widths estimated from the label lengths). */
function legendLayout(series: readonly BarSeries[], width: number) {
  let x = LEFT;
  let row = 0;
  return series.map((item) => {
    const itemWidth = 14 + item.label.length * CHAR + 18;
    if (x + itemWidth > width - RIGHT && x > LEFT) {
      row += 1;
      x = LEFT;
    }
    const place = { ...item, x, row };
    x += itemWidth;
    return place;
  });
}

/**
 * Stacked bars, one per category (a day, a minute…), one segment per series; a hover title per bar with
 * its total and parts; the legend drawn inside the SVG so a PNG of it carries it. Categories carry
 * `data-category` and `data-total` for anyone reading the chart by machine.
 */
export function StackedBarChart({
  title,
  summary,
  categories,
  categoryLabel = (category) => category,
  series,
  width = 720,
  height = 240,
  maxLabels = 10,
  showLegend = series.length > 1,
}: {
  title: string;
  /** A sentence saying what the chart shows (read by screen readers). */
  summary: string;
  categories: readonly string[];
  categoryLabel?: (category: string, index: number) => string;
  series: readonly BarSeries[];
  /** The view box's width: about the width the chart is shown at, so its text keeps its size. */
  width?: number;
  height?: number;
  maxLabels?: number;
  showLegend?: boolean;
}) {
  const titleId = useId();
  const descId = useId();
  const legend = showLegend ? legendLayout(series, width) : [];
  const legendHeight =
    legend.length > 0 ? (Math.max(...legend.map((item) => item.row)) + 1) * LEGEND_ROW + 6 : 0;
  const plotBottom = height - AXIS - legendHeight;
  const totals = categories.map((_, index) =>
    series.reduce((sum, item) => sum + (item.values[index] ?? 0), 0),
  );
  const ticks = niceTicks(Math.max(0, ...totals));
  const top = ticks.at(-1) ?? 1;
  const y = linearScale([0, top], [plotBottom, TOP]);
  const band = bandScale(categories.length, [LEFT, width - RIGHT], categories.length > 40 ? 0.1 : 0.25);
  const every = labelEvery(categories.length, maxLabels);
  const text = { fontFamily: FONT, fontSize: 11, fill: MUTED_INK };

  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-labelledby={titleId}
      aria-describedby={descId}
      className="chart chart-stacked-bars"
      preserveAspectRatio="xMidYMid meet"
    >
      <title id={titleId}>{title}</title>
      <desc id={descId}>{summary}</desc>
      <rect x={0} y={0} width={width} height={height} fill="#ffffff" />
      {ticks.map((tick) => (
        <g key={tick}>
          <line x1={LEFT} x2={width - RIGHT} y1={y(tick)} y2={y(tick)} stroke={GRID} strokeWidth={1} />
          <text x={LEFT - 6} y={y(tick) + 4} textAnchor="end" {...text}>
            {formatNumber(tick)}
          </text>
        </g>
      ))}
      {categories.map((category, index) => {
        const segments = stack(series.map((item) => ({ key: item.key, value: item.values[index] ?? 0 })));
        const parts = segments
          .map(
            (segment) =>
              `${series.find((item) => item.key === segment.key)?.label}: ${formatNumber(segment.value)}`,
          )
          .join(", ");
        const label = categoryLabel(category, index);
        return (
          <g key={category} data-category={category} data-total={totals[index]} className="chart-bar">
            <title>{`${label}: ${formatNumber(totals[index] ?? 0)}${parts ? ` (${parts})` : ""}`}</title>
            {/* The whole column answers the hover, not only its coloured part. */}
            <rect
              x={band.x(index)}
              y={TOP}
              width={band.bandwidth}
              height={plotBottom - TOP}
              fill="transparent"
            />
            {segments.map((segment) => (
              <rect
                key={segment.key}
                data-series={segment.key}
                x={band.x(index)}
                y={y(segment.to)}
                width={band.bandwidth}
                height={Math.max(0, y(segment.from) - y(segment.to))}
                fill={series.find((item) => item.key === segment.key)?.color ?? MUTED_INK}
              />
            ))}
            {index % every === 0 && (
              <text x={band.x(index) + band.bandwidth / 2} y={plotBottom + 15} textAnchor="middle" {...text}>
                {label}
              </text>
            )}
          </g>
        );
      })}
      <line x1={LEFT} x2={width - RIGHT} y1={plotBottom} y2={plotBottom} stroke={MUTED_INK} strokeWidth={1} />
      {legend.map((item) => {
        const legendY = plotBottom + AXIS + item.row * LEGEND_ROW + 6;
        return (
          <g key={item.key}>
            <rect x={item.x} y={legendY} width={10} height={10} rx={2} fill={item.color} />
            <text x={item.x + 14} y={legendY + 9} fontFamily={FONT} fontSize={11} fill={INK}>
              {item.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
