import { z } from "zod";
import { parseRetryAfter } from "../../platform/http/retry-after.ts";
import { FetchFailedError, FetchRefusedError, safeFetch } from "../../platform/http/safe-fetch.ts";

/**
 * Chatwoot's labels API (WIRE-FORMATS §1.6). Its POST *overwrites* a conversation's labels, so adding
 * is GET the current list, union, and POST the union only when something is new. The base URL is the
 * workspace's own (a self-hosted Chatwoot), so every call goes through the guarded fetch. Adding is
 * idempotent: running it again after any failure is safe.
 */

export type ChatwootErrorKind = "not_found" | "auth" | "rate_limited" | "transient" | "refused" | "other";

/** A failed labels call. The message carries our words and the status only. */
export class ChatwootError extends Error {
  constructor(
    readonly kind: ChatwootErrorKind,
    /** `conversation_not_found`, `unauthorized`, `rate_limited`, `http_<status>`, `timeout`, … */
    readonly code: string,
    readonly isRetryable: boolean,
    readonly retryAfterSeconds: number | null,
    /** The HTTP status; 0 when no answer came. */
    readonly status: number,
  ) {
    super(`chatwoot ${kind} (${status > 0 ? `http ${status}, ` : ""}${code})`);
    this.name = "ChatwootError";
  }
}

const LabelsSchema = z.object({ payload: z.array(z.string()) });

export interface AddConversationLabelsInput {
  baseUrl: string;
  apiToken: string;
  accountId: string | number;
  /** The conversation's display id (the number in Chatwoot's URLs and webhooks' `id`). */
  conversationId: number;
  labels: string[];
  /** Hosts (host or host:port) reachable although private: `config.outbound.fetchAllowHosts`. */
  allowHosts: readonly string[];
  /** Per call (the GET and the POST each). 10 s by default. */
  timeoutMs?: number;
}

/**
 * The existing labels as they are, then each new one not already there (compared trimmed and
 * case-insensitively, as Chatwoot's tags are), once, in the order given.
 */
export function unionLabels(existing: readonly string[], added: readonly string[]): string[] {
  const seen = new Set(existing.map((label) => label.trim().toLowerCase()));
  const out = [...existing];
  for (const label of added) {
    const trimmed = label.trim();
    const key = trimmed.toLowerCase();
    if (trimmed === "" || seen.has(key)) continue;
    seen.add(key);
    out.push(trimmed);
  }
  return out;
}

function failure(status: number, headers: Record<string, string>): ChatwootError {
  const retryAfter = parseRetryAfter(headers["retry-after"]);
  if (status === 404) return new ChatwootError("not_found", "conversation_not_found", false, null, status);
  if (status === 401) return new ChatwootError("auth", "unauthorized", false, null, status);
  if (status === 403) return new ChatwootError("auth", "forbidden", false, null, status);
  if (status === 429) return new ChatwootError("rate_limited", "rate_limited", true, retryAfter, status);
  if (status >= 500) return new ChatwootError("transient", `http_${status}`, true, retryAfter, status);
  return new ChatwootError("other", `http_${status}`, false, null, status);
}

async function call(
  url: string,
  input: AddConversationLabelsInput,
  body?: { labels: string[] },
): Promise<string[]> {
  let response: Awaited<ReturnType<typeof safeFetch>>;
  try {
    response = await safeFetch(url, {
      method: body ? "POST" : "GET",
      allowHosts: input.allowHosts,
      maxBytes: 256 * 1024,
      timeoutMs: input.timeoutMs ?? 10_000,
      maxRedirects: 0,
      headers: {
        api_access_token: input.apiToken,
        accept: "application/json",
        ...(body ? { "content-type": "application/json" } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    if (error instanceof FetchRefusedError) {
      throw new ChatwootError("refused", `refused_${error.reason}`, false, null, 0);
    }
    if (error instanceof FetchFailedError) {
      const retryable = error.reason === "timeout" || error.reason === "network" || error.reason === "dns";
      throw new ChatwootError(retryable ? "transient" : "other", error.reason, retryable, null, 0);
    }
    throw error;
  }
  if (response.status < 200 || response.status >= 300) throw failure(response.status, response.headers);
  let json: unknown = null;
  try {
    json = JSON.parse(response.body.toString("utf8"));
  } catch {
    json = null;
  }
  const parsed = LabelsSchema.safeParse(json);
  // A 2xx that is not the labels list (a proxy's page, a changed API): trying again is harmless.
  if (!parsed.success) throw new ChatwootError("transient", "invalid_response", true, null, response.status);
  return parsed.data.payload;
}

/** Adds `labels` to a conversation, keeping the ones it has. Returns the conversation's labels after. */
export async function addConversationLabels(
  input: AddConversationLabelsInput,
): Promise<{ labels: string[] }> {
  if (!Number.isSafeInteger(input.conversationId) || input.conversationId <= 0) {
    throw new ChatwootError("not_found", "conversation_not_found", false, null, 0);
  }
  const base = input.baseUrl.replace(/\/+$/, "");
  const url = `${base}/api/v1/accounts/${encodeURIComponent(String(input.accountId))}/conversations/${input.conversationId}/labels`;
  const existing = await call(url, input);
  const union = unionLabels(existing, input.labels);
  if (union.length === existing.length) return { labels: existing };
  return { labels: await call(url, input, { labels: union }) };
}
