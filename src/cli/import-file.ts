import { openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";

const USAGE =
  "usage: funil import <file.csv|file.xlsx> [--quiet] [--server http://localhost:3000] [--token T (or FUNIL_TOKEN)]";

interface ImportStatus {
  id: string;
  status: "queued" | "running" | "done" | "failed";
  total: number | null;
  processed: number;
  created: number;
  merged: number;
  failed: number;
  error: string | null;
}

export interface ImportFileOptions {
  /** Where the progress bar goes (stderr by default). */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  pollMs?: number;
}

function bar(status: ImportStatus): string {
  const total = status.total ?? 0;
  const ratio = total > 0 ? Math.min(1, status.processed / total) : status.status === "done" ? 1 : 0;
  const width = 30;
  const filled = Math.round(ratio * width);
  const percent = String(Math.floor(ratio * 100)).padStart(3);
  return (
    `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent}% ` +
    `${status.processed}/${status.total ?? "?"} rows · created ${status.created} · ` +
    `merged ${status.merged} · failed ${status.failed}`
  );
}

async function problemText(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const problem = JSON.parse(text) as { detail?: string; title?: string; errors?: { message: string }[] };
    const details = problem.errors?.map((item) => item.message).join("; ");
    return [problem.detail ?? problem.title ?? text, details].filter(Boolean).join(": ");
  } catch {
    return text.slice(0, 300);
  }
}

/**
 * `funil import <file>`: uploads the file to a running server (multipart, streamed from disk), then
 * polls the import and draws a progress bar. Exit code 0 when done, 1 when failed, 2 on bad usage.
 */
export async function importFile(
  args: string[],
  env: Record<string, string | undefined> = process.env,
  options: ImportFileOptions = {},
): Promise<number> {
  const out = options.progress ?? process.stderr;
  const say = (message: string) => out.write(`${message}\n`);
  const parse = () =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        server: { type: "string" },
        token: { type: "string" },
        quiet: { type: "boolean", default: false },
      },
    });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    say(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const file = positionals[0];
  const token = values.token ?? env.FUNIL_TOKEN;
  const server = (values.server ?? env.FUNIL_SERVER ?? `http://localhost:${env.PORT ?? "3000"}`).replace(
    /\/+$/,
    "",
  );
  if (!file || positionals.length > 1) {
    say(USAGE);
    return 2;
  }
  if (!token) {
    say(`An API key or session token is needed: --token or FUNIL_TOKEN.\n${USAGE}`);
    return 2;
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    say(`No such file: ${file}`);
    return 2;
  }
  const headers = { authorization: `Bearer ${token}` };

  const form = new FormData();
  form.append("quiet", values.quiet ? "true" : "false");
  form.append("file", await openAsBlob(file), basename(file));
  let response: Response;
  try {
    response = await fetch(`${server}/api/v1/imports`, { method: "POST", headers, body: form });
  } catch (error) {
    say(`Cannot reach ${server}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (response.status !== 202) {
    say(`Upload refused (${response.status}): ${await problemText(response)}`);
    return 1;
  }
  const { id } = (await response.json()) as { id: string };
  out.write(`Import ${id}: ${basename(file)} (${info.size} bytes) uploaded\n`);

  const isTty = out.isTTY === true;
  let last = "";
  for (;;) {
    const polled = await fetch(`${server}/api/v1/imports/${id}`, { headers }).catch(() => null);
    if (polled && polled.status !== 200) {
      out.write(`\n`);
      say(`Cannot read the import (${polled.status}): ${await problemText(polled)}`);
      return 1;
    }
    if (polled) {
      const status = (await polled.json()) as ImportStatus;
      const line = bar(status);
      if (line !== last) {
        // On a terminal the bar is redrawn in place; elsewhere (CI logs) one line per change.
        out.write(isTty ? `\r${line}` : `${line}\n`);
        last = line;
      }
      if (status.status === "done" || status.status === "failed") {
        if (isTty) out.write("\n");
        if (status.failed > 0) {
          out.write(`${status.failed} rows failed: ${server}/api/v1/imports/${id}/errors.csv\n`);
        }
        if (status.status === "failed") {
          say(`Import failed: ${status.error ?? "unknown error"}`);
          return 1;
        }
        return 0;
      }
    }
    await sleep(options.pollMs ?? 500);
  }
}
