import { type ReactNode, useId, useRef, useState } from "react";
import { formatNumber } from "../../format.ts";
import { useT } from "../../i18n.ts";
import { EmptyState, LoadingState } from "../status-states.tsx";
import "./charts.css";
import { downloadBlob, downloadCsv, svgToPng } from "./export-chart.ts";

export type ChartRows = readonly (readonly unknown[])[];

/**
 * A chart in a card: its title, CSV and PNG downloads, a loading and an empty state, and its data as
 * a table (header first: the same rows as the CSV) for screen readers and anyone who prefers numbers.
 */
export function ChartCard({
  title,
  subtitle,
  fileName,
  rows,
  loading = false,
  empty = false,
  emptyText,
  className,
  png = true,
  tableFallback = true,
  children,
}: {
  title: string;
  subtitle?: string | undefined;
  /** Without extension: `.csv` and `.png` are added. */
  fileName: string;
  rows: ChartRows;
  loading?: boolean;
  empty?: boolean;
  emptyText: string;
  className?: string;
  /** Whether the card offers a PNG of its SVG (a table card has none). */
  png?: boolean;
  /** Whether the rows are also shown as a table under the chart (a table card is its own table). */
  tableFallback?: boolean;
  children: ReactNode;
}) {
  const t = useT();
  const figure = useRef<HTMLDivElement>(null);
  const [pngFailed, setPngFailed] = useState(false);
  const shown = !loading && !empty;

  async function downloadPng() {
    const svg = figure.current?.querySelector("svg");
    if (!svg) return;
    try {
      setPngFailed(false);
      downloadBlob(await svgToPng(svg, { title }), `${fileName}.png`);
    } catch {
      setPngFailed(true);
    }
  }

  return (
    <section className={`card chart-card${className ? ` ${className}` : ""}`} aria-label={title}>
      <div className="chart-card-header">
        <div>
          <h2>{title}</h2>
          {subtitle && <p className="muted chart-card-subtitle">{subtitle}</p>}
        </div>
        <div className="chart-card-actions">
          <button
            type="button"
            className="button button-small button-ghost"
            title={t("charts.downloadCsvTitle", { title })}
            aria-label={t("charts.downloadCsvTitle", { title })}
            disabled={!shown}
            onClick={() => downloadCsv(`${fileName}.csv`, rows)}
          >
            {t("charts.downloadCsv")}
          </button>
          {png && (
            <button
              type="button"
              className="button button-small button-ghost"
              title={t("charts.downloadPngTitle", { title })}
              aria-label={t("charts.downloadPngTitle", { title })}
              disabled={!shown}
              onClick={() => void downloadPng()}
            >
              {t("charts.downloadPng")}
            </button>
          )}
        </div>
      </div>
      {pngFailed && (
        <p className="alert alert-error" role="alert">
          {t("charts.pngFailed")}
        </p>
      )}
      {loading ? (
        <LoadingState />
      ) : empty ? (
        <EmptyState title={emptyText} />
      ) : (
        <>
          <div ref={figure} className="chart-figure">
            {children}
          </div>
          {tableFallback && (
            <details className="chart-table">
              <summary>{t("charts.showTable")}</summary>
              <DataTable rows={rows} caption={title} />
            </details>
          )}
        </>
      )}
    </section>
  );
}

/** Rows (header first) as a plain table; numbers in the language's format. */
export function DataTable({ rows, caption }: { rows: ChartRows; caption: string }) {
  const id = useId();
  const [header = [], ...body] = rows;
  const cell = (value: unknown) =>
    typeof value === "number"
      ? formatNumber(value)
      : value === null || value === undefined
        ? "—"
        : String(value);
  return (
    <div className="table-scroll">
      <table className="report-table chart-data-table" aria-labelledby={id}>
        <caption id={id} className="visually-hidden">
          {caption}
        </caption>
        <thead>
          <tr>
            {header.map((name, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a header's columns are fixed
              <th key={index} scope="col">
                {String(name)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.map((row, rowIndex) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are derived data, replaced as a whole
            <tr key={rowIndex}>
              {row.map((value, index) =>
                index === 0 ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a row's columns are fixed
                  <th key={index} scope="row">
                    {cell(value)}
                  </th>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a row's columns are fixed
                  <td key={index}>{cell(value)}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
