// Colours of the chart kit, as values (not CSS variables): a PNG of a chart carries no stylesheet.

/** Categorical series (Okabe–Ito, told apart with colour blindness too), then greys. */
export const SERIES_COLORS = [
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#56b4e9",
  "#d55e00",
  "#f0e442",
  "#7f7f7f",
  "#b8b8b8",
] as const;

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] ?? "#7f7f7f";
}

export const TEMPERATURE_COLORS = {
  hot: "#c62828",
  warm: "#e08a00",
  cold: "#1f5fae",
  unscored: "#98a2b3",
} as const;

export const INK = "#1d2330";
export const MUTED_INK = "#667085";
export const GRID = "#e2e5ea";
export const PRIMARY = "#4f46e5";
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
