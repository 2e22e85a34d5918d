import { z } from "zod";
import { FetchFailedError, FetchRefusedError, safeFetch } from "../../platform/http/safe-fetch.ts";

/** A `slack` connection: an incoming-webhook URL (the only credential; sealed at rest like every config). */
export const SlackConfigSchema = z
  .object({
    webhookUrl: z.url({ protocol: /^https?$/ }).max(500),
  })
  .strict();

/** Slack's answer, as WIRE-FORMATS §1.7 describes it: 200 "ok", else a status and an error string. */
export class SlackError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** 429 and 5xx (and network failures) may succeed later; 4xx will not. */
    readonly isRetryable: boolean,
    /** Seconds Slack asked us to wait (429 Retry-After). */
    readonly retryAfterSeconds: number | null,
  ) {
    super(`Slack answered ${status} ${code}`);
    this.name = "SlackError";
  }
}

/**
 * Posts one message to an incoming webhook through the guarded fetch (the URL is user-given: private
 * addresses are refused unless allow-listed for tests). `text` is the notification fallback.
 */
export async function postSlackMessage(input: {
  webhookUrl: string;
  text: string;
  blocks?: unknown[];
  allowHosts: readonly string[];
  timeoutMs?: number;
}): Promise<void> {
  let response: Awaited<ReturnType<typeof safeFetch>>;
  try {
    response = await safeFetch(input.webhookUrl, {
      method: "POST",
      allowHosts: input.allowHosts,
      maxBytes: 16 * 1024,
      timeoutMs: input.timeoutMs ?? 10_000,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: input.text, ...(input.blocks ? { blocks: input.blocks } : {}) }),
    });
  } catch (error) {
    if (error instanceof FetchRefusedError) throw new SlackError(0, `refused_${error.reason}`, false, null);
    if (error instanceof FetchFailedError) throw new SlackError(0, error.reason, true, null);
    throw error;
  }
  const body = response.body.toString("utf8").trim().slice(0, 100);
  if (response.status === 200) return;
  const retryAfter = Number(response.headers["retry-after"]);
  throw new SlackError(
    response.status,
    body || "error",
    response.status === 429 || response.status >= 500,
    Number.isFinite(retryAfter) ? retryAfter : null,
  );
}
