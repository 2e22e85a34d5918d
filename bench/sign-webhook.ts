import { createHmac } from "node:crypto";

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** Decodes a Standard Webhooks secret (`whsec_<base64>`) to the HMAC key once. */
export function webhookKey(secret: string): Buffer {
  if (!secret.startsWith("whsec_")) throw new Error("a Standard Webhooks secret starts with whsec_");
  return Buffer.from(secret.slice("whsec_".length), "base64");
}

/**
 * One Standard-Webhooks-signed delivery, as a sender such as Svix would make it:
 * `v1,base64(HMAC-SHA256(key, "${id}.${timestamp}.${body}"))`.
 */
export function signDelivery(
  key: Buffer,
  input: { id: string; body: string; nowSeconds?: number },
): SignedDelivery {
  const timestamp = String(input.nowSeconds ?? Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", key)
    .update(`${input.id}.${timestamp}.${input.body}`)
    .digest("base64");
  return {
    headers: {
      "content-type": "application/json",
      "webhook-id": input.id,
      "webhook-timestamp": timestamp,
      "webhook-signature": `v1,${signature}`,
    },
    body: input.body,
  };
}
