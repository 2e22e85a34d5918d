import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export function hmacSha256(key: Uint8Array | string, content: Uint8Array | string): Buffer {
  return createHmac("sha256", key).update(content).digest();
}

/** Constant-time comparison of two strings (false for different lengths, without leaking where). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

export type WebhookVerification =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: "missing_headers" | "bad_timestamp" | "stale" | "bad_signature" | "bad_secret" };

/**
 * Standard Webhooks (and Svix) v1 signatures: HMAC-SHA256 over `${id}.${timestamp}.${body}` with the
 * base64 key after `whsec_`, any of several space-separated `v1,<base64>` entries, ±tolerance.
 */
export function verifyStandardWebhook(input: {
  secret: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Uint8Array;
  now: Date;
  toleranceSeconds?: number;
}): WebhookVerification {
  const header = (name: string) => {
    const value = input.headers[`webhook-${name}`] ?? input.headers[`svix-${name}`];
    return typeof value === "string" ? value : undefined;
  };
  const id = header("id");
  const timestampText = header("timestamp");
  const signatures = header("signature");
  if (!id || !timestampText || !signatures) return { ok: false, reason: "missing_headers" };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: "bad_timestamp" };
  const timestamp = Number(timestampText);
  const tolerance = input.toleranceSeconds ?? 300;
  if (Math.abs(Math.floor(input.now.getTime() / 1000) - timestamp) > tolerance)
    return { ok: false, reason: "stale" };
  if (!input.secret.startsWith("whsec_")) return { ok: false, reason: "bad_secret" };
  const key = Buffer.from(input.secret.slice("whsec_".length), "base64");
  const signed = Buffer.concat([Buffer.from(`${id}.${timestampText}.`), Buffer.from(input.rawBody)]);
  const expected = hmacSha256(key, signed).toString("base64");
  const matches = signatures
    .split(" ")
    .map((entry) => entry.split(","))
    .some(
      ([version, signature]) => version === "v1" && signature !== undefined && safeEqual(signature, expected),
    );
  return matches ? { ok: true, id, timestamp } : { ok: false, reason: "bad_signature" };
}

/** The idempotency key of a delivery that carries no id of its own: `sha256:<hex of the raw bytes>`. */
export function bodyDigestKey(rawBody: Uint8Array): string {
  return `sha256:${createHash("sha256").update(rawBody).digest("hex")}`;
}
