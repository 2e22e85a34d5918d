export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
}

/** Higher is better: value ÷ baseline for rates, baseline ÷ value for latencies. */
export function result(
  name: string,
  unit: string,
  value: number,
  baseline: number,
  direction: "higher" | "lower",
): BenchResult {
  const ratio = direction === "higher" ? value / baseline : baseline / value;
  return {
    name,
    value: round(value, unit === "ms" ? 2 : 1),
    unit,
    baseline: round(baseline, unit === "ms" ? 2 : 1),
    ratio: Number.isFinite(ratio) ? round(ratio, 3) : 0,
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function pad(text: string, width: number, align: "left" | "right"): string {
  return align === "left" ? text.padEnd(width) : text.padStart(width);
}

/** A plain-text table of the results. */
export function formatTable(results: BenchResult[]): string {
  const header = ["result", "value", "unit", "baseline", "ratio"];
  const rows = results.map((r) => [r.name, String(r.value), r.unit, String(r.baseline), r.ratio.toFixed(3)]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => pad(cell, widths[column] ?? 0, column === 0 || column === 2 ? "left" : "right"))
      .join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}
