import { openAsBlob } from "node:fs";

export interface ImportStatus {
  id: string;
  status: string;
  total: number | null;
  processed: number;
  created: number;
  merged: number;
  failed: number;
  error: string | null;
}

export interface ImportRun {
  status: ImportStatus;
  /** From the start of the upload to the first poll that saw the import ended. */
  seconds: number;
  uploadSeconds: number;
}

const POLL_MS = 200;

/**
 * Uploads `path` through the real route (`POST /api/v1/imports`, multipart, the file streamed from
 * disk), then polls `GET /api/v1/imports/:id` until the import is done or failed.
 */
export async function runImportThroughApi(input: {
  baseUrl: string;
  token: string;
  path: string;
  filename: string;
  maxSeconds: number;
  signal: AbortSignal;
  onProgress?: (status: ImportStatus, seconds: number) => void;
}): Promise<ImportRun> {
  const startedAt = performance.now();
  const elapsed = () => (performance.now() - startedAt) / 1000;
  const form = new FormData();
  form.append("file", await openAsBlob(input.path, { type: "text/csv" }), input.filename);
  // A historical base: imported quietly (no automation rule runs for its rows), as a migration would.
  const response = await fetch(`${input.baseUrl}/api/v1/imports?quiet=true`, {
    method: "POST",
    headers: { authorization: `Bearer ${input.token}` },
    body: form,
    signal: AbortSignal.any([input.signal, AbortSignal.timeout(Math.round(input.maxSeconds * 1000))]),
  });
  const text = await response.text();
  if (response.status !== 202) {
    throw new Error(`POST /api/v1/imports answered ${response.status}: ${text.slice(0, 500)}`);
  }
  const uploadSeconds = elapsed();
  const { id } = JSON.parse(text) as { id: string };
  let lastReport = 0;
  while (true) {
    input.signal.throwIfAborted();
    const polled = await fetch(`${input.baseUrl}/api/v1/imports/${id}`, {
      headers: { authorization: `Bearer ${input.token}` },
      signal: AbortSignal.timeout(30_000),
    }).catch(() => null);
    if (polled?.status === 200) {
      const status = (await polled.json()) as ImportStatus;
      if (status.status === "done" || status.status === "failed") {
        return { status, seconds: elapsed(), uploadSeconds };
      }
      if (elapsed() - lastReport >= 10) {
        lastReport = elapsed();
        input.onProgress?.(status, lastReport);
      }
    } else {
      await polled?.body?.cancel();
    }
    if (elapsed() > input.maxSeconds) {
      throw new Error(`the import did not finish within ${input.maxSeconds.toFixed(0)} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
