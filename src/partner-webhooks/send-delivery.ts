import { sql } from "kysely";
import { recordAudit } from "../audit/record-audit.ts";
import type { Deps } from "../deps.ts";
import { FetchFailedError, FetchRefusedError, safeFetch } from "../platform/http/safe-fetch.ts";
import { type DeliveryStatus, partnerWebhookDb } from "./schemas.ts";
import { webhookHeaders } from "./sign-webhook.ts";

/** What is kept of a receiver's answer. */
const EXCERPT_CHARS = 500;
/** A larger answer counts as a failed attempt (receivers answer with a few bytes). */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** An attempt in flight is left alone this much longer than its timeout (a crashed worker's lease). */
const LEASE_MARGIN_MS = 60_000;

export interface AttemptOutcome {
  status: DeliveryStatus;
  attempts: number;
  responseStatus: number | null;
  error: string | null;
}

type Answer =
  | { kind: "ok"; status: number; excerpt: string }
  | { kind: "retry" | "final"; status: number | null; excerpt: string | null; error: string };

/** 408, 429 and 5xx may succeed later; another 4xx (or 3xx: a POST is not redirected) will not. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

async function post(deps: Deps, url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  try {
    const response = await safeFetch(url, {
      method: "POST",
      allowHosts: deps.config.outbound.fetchAllowHosts,
      maxBytes: MAX_RESPONSE_BYTES,
      timeoutMs: deps.config.partnerWebhooks.timeoutMs,
      headers,
      body,
    });
    const excerpt = response.body.toString("utf8").slice(0, EXCERPT_CHARS);
    if (response.status >= 200 && response.status < 300) {
      return { kind: "ok", status: response.status, excerpt };
    }
    return {
      kind: isRetryableStatus(response.status) ? "retry" : "final",
      status: response.status,
      excerpt,
      error: `HTTP ${response.status}`,
    };
  } catch (error) {
    if (error instanceof FetchRefusedError) {
      return { kind: "final", status: null, excerpt: null, error: `refused: ${error.reason}` };
    }
    if (error instanceof FetchFailedError) {
      return { kind: "retry", status: null, excerpt: null, error: error.reason };
    }
    throw error;
  }
}

/**
 * One attempt at one delivery, signed per Standard Webhooks. Safe to run twice: the row is claimed
 * first (due, pending, not in flight, its endpoint on), so a delivery that succeeded, is not due yet
 * or is being sent by another job is skipped (null). No transaction is held during the request.
 *
 * 2xx: succeeded. 408/429/5xx and network failures: pending again at the next delay of the schedule,
 * exhausted after the last. Another answer, or a URL the SSRF guard refuses: failed. A delivery that
 * ends without success counts against its endpoint, which is switched off after
 * `FUNIL_WEBHOOK_DISABLE_AFTER` in a row.
 */
export async function sendDelivery(
  deps: Deps,
  input: { deliveryId: string },
): Promise<AttemptOutcome | null> {
  const db = partnerWebhookDb(deps.db);
  const { timeoutMs, retryDelaysSeconds, disableAfter } = deps.config.partnerWebhooks;
  const now = deps.clock.now();
  const lease = new Date(now.getTime() + timeoutMs + LEASE_MARGIN_MS);
  const claimed = await db
    .updateTable("webhook_deliveries as d")
    .from("webhook_endpoints as e")
    .set({ locked_until: lease, updated_at: now })
    .whereRef("e.id", "=", "d.endpoint_id")
    .where("d.id", "=", input.deliveryId)
    .where("d.status", "=", "pending")
    .where("d.next_attempt_at", "<=", now)
    .where((eb) => eb.or([eb("d.locked_until", "is", null), eb("d.locked_until", "<", now)]))
    .where("e.enabled", "=", true)
    .where("e.deleted_at", "is", null)
    .returning([
      "d.id",
      "d.workspace_id",
      "d.endpoint_id",
      "d.event_id",
      "d.payload",
      "d.attempts",
      "e.url",
      "e.secret",
      "e.previous_secret",
      "e.previous_secret_until",
    ])
    .executeTakeFirst();
  if (!claimed) return null;

  const secrets = [deps.secrets.open(claimed.secret)];
  if (claimed.previous_secret && claimed.previous_secret_until && claimed.previous_secret_until > now) {
    secrets.push(deps.secrets.open(claimed.previous_secret));
  }
  // The envelope in the documented order (jsonb keeps keys sorted its own way); the bytes signed are
  // the bytes sent, and the same on every attempt.
  const { type, timestamp, data } = claimed.payload;
  const body = JSON.stringify({ type, timestamp, data });
  const headers = webhookHeaders({ secrets, id: claimed.event_id, at: now, body });
  let answer: Answer;
  try {
    answer = await post(deps, claimed.url, headers, body);
  } catch (error) {
    await db
      .updateTable("webhook_deliveries")
      .set({ locked_until: null })
      .where("id", "=", claimed.id)
      .execute();
    throw error;
  }

  const attempts = claimed.attempts + 1;
  const delay = retryDelaysSeconds[attempts - 1];
  const status: DeliveryStatus =
    answer.kind === "ok"
      ? "succeeded"
      : answer.kind === "final"
        ? "failed"
        : delay === undefined
          ? "exhausted"
          : "pending";
  const outcome: AttemptOutcome = {
    status,
    attempts,
    responseStatus: answer.status,
    error: answer.kind === "ok" ? null : answer.error,
  };
  await deps.db.transaction().execute(async (trx) => {
    const tx = partnerWebhookDb(trx);
    await tx
      .updateTable("webhook_deliveries")
      .set({
        status,
        attempts,
        last_status: answer.status,
        last_error: outcome.error,
        response_excerpt: answer.excerpt,
        last_attempt_at: now,
        next_attempt_at:
          status === "pending" && delay !== undefined ? new Date(now.getTime() + delay * 1000) : null,
        queued_at: null,
        locked_until: null,
        succeeded_at: status === "succeeded" ? now : null,
        updated_at: now,
      })
      .where("id", "=", claimed.id)
      .execute();
    if (status === "succeeded") {
      await tx
        .updateTable("webhook_endpoints")
        .set({ consecutive_failures: 0 })
        .where("id", "=", claimed.endpoint_id)
        .where("consecutive_failures", ">", 0)
        .execute();
      return;
    }
    if (status === "pending") return;
    const endpoint = await tx
      .updateTable("webhook_endpoints")
      .set({ consecutive_failures: sql<number>`consecutive_failures + 1` })
      .where("id", "=", claimed.endpoint_id)
      .returning(["id", "consecutive_failures", "enabled"])
      .executeTakeFirstOrThrow();
    if (disableAfter > 0 && endpoint.enabled && endpoint.consecutive_failures >= disableAfter) {
      await tx
        .updateTable("webhook_endpoints")
        .set({ enabled: false, disabled_reason: "failing", updated_at: now })
        .where("id", "=", endpoint.id)
        .execute();
      await recordAudit(trx, {
        workspaceId: claimed.workspace_id,
        entityType: "webhook_endpoint",
        entityId: endpoint.id,
        action: "webhook_endpoint.disabled",
        actor: { type: "system", id: null, label: "partner webhooks" },
        before: { enabled: true },
        after: { enabled: false, reason: "failing", consecutiveFailures: endpoint.consecutive_failures },
        at: now,
      });
    }
  });
  if (status !== "succeeded") {
    deps.log.warn(
      {
        deliveryId: claimed.id,
        endpointId: claimed.endpoint_id,
        attempt: attempts,
        responseStatus: answer.status,
        error: outcome.error,
        outcome: status,
      },
      "partner webhook attempt failed",
    );
  }
  return outcome;
}
