import { randomBytes } from "node:crypto";
import { hmacSha256 } from "../platform/crypto/hmac.ts";

const PREFIX = "whsec_";

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
export function generateWebhookSecret(): string {
  return `${PREFIX}${randomBytes(32).toString("base64")}`;
}

/** A short event id for the `webhook-id` header: `msg_` + 24 random base64url characters. */
export function generateEventId(): string {
  return `msg_${randomBytes(18).toString("base64url")}`;
}

/**
 * The `webhook-signature` value of Standard Webhooks: `v1,<base64 HMAC-SHA256>` over
 * `${id}.${timestamp}.${body}` keyed with the base64-decoded part of each secret after `whsec_`;
 * several secrets (during a rotation) give several space-separated signatures, newest first.
 */
export function signWebhook(input: {
  secrets: readonly string[];
  id: string;
  /** Unix seconds, the same as the `webhook-timestamp` header. */
  timestamp: number;
  body: string;
}): string {
  return input.secrets
    .map((secret) => {
      const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, "base64");
      if (key.length === 0) throw new Error("an empty webhook secret");
      const signed = hmacSha256(key, `${input.id}.${input.timestamp}.${input.body}`);
      return `v1,${signed.toString("base64")}`;
    })
    .join(" ");
}

/** The headers of one attempt. */
export function webhookHeaders(input: {
  secrets: readonly string[];
  id: string;
  at: Date;
  body: string;
}): Record<string, string> {
  const timestamp = Math.floor(input.at.getTime() / 1000);
  return {
    "content-type": "application/json",
    "webhook-id": input.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook({ ...input, timestamp }),
  };
}
