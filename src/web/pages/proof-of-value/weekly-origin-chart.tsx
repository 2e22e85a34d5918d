import type { ProofWeek } from "../../../analytics/report-proof-of-value.ts";
import { formatNumber } from "../../format.ts";
import { useLanguage, useT } from "../../i18n.ts";
import { ORIGINS, weekBars, weekLabel } from "./proof-of-value-format.ts";

const WIDTH = 720;
const HEIGHT = 220;
const LEFT = 36;
const BOTTOM = 28;
const TOP = 12;

/** First accesses per week as stacked bars by origin (a plain SVG), with a legend. */
export function WeeklyOriginChart({ weeks }: { weeks: readonly ProofWeek[] }) {
  const t = useT();
  const language = useLanguage();
  const plotWidth = WIDTH - LEFT - 8;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const { max, bars } = weekBars(weeks, plotWidth, plotHeight);
  // Every label when they fit, else every second or third one.
  const labelEvery = Math.max(1, Math.ceil(bars.length / 12));
  return (
    <figure className="proof-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={t("proof.chartLabel")}
        preserveAspectRatio="xMidYMid meet"
      >
        <title>{t("proof.chartLabel")}</title>
        {(max % 2 === 0 ? [0, max / 2, max] : [0, max]).map((tick) => {
          const y = TOP + plotHeight - (tick / max) * plotHeight;
          return (
            <g key={tick} className="proof-chart-tick">
              <line x1={LEFT} x2={WIDTH - 8} y1={y} y2={y} />
              <text x={LEFT - 6} y={y + 4} textAnchor="end">
                {formatNumber(tick)}
              </text>
            </g>
          );
        })}
        {bars.map((bar, index) => (
          <g
            key={bar.week}
            transform={`translate(${LEFT + bar.x}, ${TOP})`}
            data-week={bar.week}
            data-total={bar.total}
            data-whatsapp={bar.segments.find((segment) => segment.origin === "whatsapp_link")?.count ?? 0}
          >
            <title>
              {t("proof.barTitle", {
                week: weekLabel(bar.week, language),
                total: bar.total,
                ours: bar.segments.find((segment) => segment.origin === "whatsapp_link")?.count ?? 0,
              })}
            </title>
            {bar.segments.map((segment) => (
              <rect
                key={segment.origin}
                className={`proof-bar proof-bar-${segment.origin}`}
                x={0}
                y={segment.y}
                width={bar.width}
                height={segment.height}
              />
            ))}
            {index % labelEvery === 0 && (
              <text className="proof-chart-label" x={bar.width / 2} y={plotHeight + 18} textAnchor="middle">
                {weekLabel(bar.week, language)}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption className="proof-legend">
        {ORIGINS.map((origin) => (
          <span key={origin} className="proof-legend-item">
            <span className={`proof-swatch proof-bar-${origin}`} aria-hidden="true" />
            {t(`proof.origin.${origin}`)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
