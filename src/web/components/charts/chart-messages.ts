/** The texts of the chart kit (pt-BR first; English below, key for key). */
export const chartsPtBR = {
  "charts.downloadCsv": "CSV",
  "charts.downloadCsvTitle": "Baixar os dados de “{title}” em CSV",
  "charts.downloadPng": "PNG",
  "charts.downloadPngTitle": "Baixar “{title}” como imagem PNG",
  "charts.pngFailed": "Não foi possível gerar a imagem.",
  "charts.showTable": "Ver os dados em tabela",
  "charts.total": "Total",
} as const;

export const chartsEn: Record<keyof typeof chartsPtBR, string> = {
  "charts.downloadCsv": "CSV",
  "charts.downloadCsvTitle": "Download the data of “{title}” as CSV",
  "charts.downloadPng": "PNG",
  "charts.downloadPngTitle": "Download “{title}” as a PNG image",
  "charts.pngFailed": "The image could not be made.",
  "charts.showTable": "Show the data as a table",
  "charts.total": "Total",
};
