import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { verifyStandardWebhook } from "./hmac.ts";

const secret = `whsec_${Buffer.from("a-very-secret-key-of-32-bytes!!!").toString("base64")}`;
const at = new Date("2026-11-23T12:00:00Z");
const body = Buffer.from(JSON.stringify({ type: "lead.created", data: { name: "Ana" } }));

function signed(id = "msg_1", when = at) {
  const signature = new Webhook(secret).sign(id, when, body.toString());
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(when.getTime() / 1000)),
    "webhook-signature": signature,
  };
}

describe("verifyStandardWebhook", () => {
  it("accepts a signature made by the reference library", () => {
    expect(verifyStandardWebhook({ secret, headers: signed(), rawBody: body, now: at })).toEqual({
      ok: true,
      id: "msg_1",
      timestamp: at.getTime() / 1000,
    });
  });

  it("accepts any of several signatures (key rotation)", () => {
    const headers = signed();
    headers["webhook-signature"] = `v1,AAAA ${headers["webhook-signature"]}`;
    expect(verifyStandardWebhook({ secret, headers, rawBody: body, now: at }).ok).toBe(true);
  });

  it("rejects a tampered body", () => {
    const result = verifyStandardWebhook({ secret, headers: signed(), rawBody: Buffer.from("{}"), now: at });
    expect(result).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("rejects a delivery older than five minutes, and one from the future", () => {
    const old = new Date(at.getTime() - 301_000);
    expect(verifyStandardWebhook({ secret, headers: signed("m", old), rawBody: body, now: at })).toEqual({
      ok: false,
      reason: "stale",
    });
    const future = new Date(at.getTime() + 301_000);
    expect(verifyStandardWebhook({ secret, headers: signed("m", future), rawBody: body, now: at }).ok).toBe(
      false,
    );
  });

  it("rejects missing headers", () => {
    expect(verifyStandardWebhook({ secret, headers: {}, rawBody: body, now: at })).toEqual({
      ok: false,
      reason: "missing_headers",
    });
  });
});
