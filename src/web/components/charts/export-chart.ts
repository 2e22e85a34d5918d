import { toCsv } from "./csv.ts";
import { FONT, INK } from "./palette.ts";

// Downloads of the chart kit: CSV from the chart's rows, PNG from its SVG (SVG → canvas → PNG).

/** Offers `blob` as a download named `fileName`. */
export function downloadBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by the next task: the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function downloadCsv(fileName: string, rows: readonly (readonly unknown[])[]) {
  downloadBlob(new Blob([toCsv(rows)], { type: "text/csv;charset=utf-8" }), fileName);
}

const TITLE_HEIGHT = 28;

/**
 * The chart as a PNG at `scale` × its view box, on white, with its title above. The charts draw with
 * attributes only (fill, font-size, font-family), never stylesheet classes, so the picture is the chart
 * as seen.
 */
export async function svgToPng(
  svg: SVGSVGElement,
  options: { title?: string; scale?: number } = {},
): Promise<Blob> {
  const scale = options.scale ?? 2;
  const titleHeight = options.title ? TITLE_HEIGHT : 0;
  const box = svg.viewBox.baseVal;
  const width = box && box.width > 0 ? box.width : svg.clientWidth;
  const height = box && box.height > 0 ? box.height : svg.clientHeight;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("width", String(width));
  copy.setAttribute("height", String(height));
  const text = new XMLSerializer().serializeToString(copy);
  const image = new Image();
  image.decoding = "async";
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error("the chart could not be drawn"));
  });
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await loaded;
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round((height + titleHeight) * scale);
  const context = canvas.getContext("2d");
  if (!context) throw new Error("no canvas");
  context.scale(scale, scale);
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, width, height + titleHeight);
  if (options.title) {
    context.fillStyle = INK;
    context.font = `600 15px ${FONT}`;
    context.textBaseline = "middle";
    context.fillText(options.title, 8, TITLE_HEIGHT / 2);
  }
  context.drawImage(image, 0, titleHeight, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no PNG"))), "image/png"),
  );
}
