import { createHmac, randomUUID } from "node:crypto";

/** Standard Webhooks headers for a body, signed with a `whsec_…` secret at `at`. */
export function signStandardWebhook(secret: string, body: string, at: Date, id = `msg_${randomUUID()}`) {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": timestamp,
    "webhook-signature": `v1,${signature}`,
  };
}
