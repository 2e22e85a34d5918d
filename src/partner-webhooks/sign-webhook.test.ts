import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { verifyStandardWebhook } from "../platform/crypto/hmac.ts";
import { generateEventId, generateWebhookSecret, signWebhook, webhookHeaders } from "./sign-webhook.ts";

describe("signWebhook", () => {
  it("matches the Standard Webhooks test vector", () => {
    // standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts ("sign function works").
    expect(
      signWebhook({
        secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp: 1614265330,
        body: '{"test": 2432232314}',
      }),
    ).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("round-trips through our verifier and the reference library", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    // The reference library checks the timestamp against the real clock.
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const body = JSON.stringify({ type: "deal.won", timestamp: at.toISOString(), data: { dealId: "d1" } });
    const id = generateEventId();
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{24}$/);
    const headers = webhookHeaders({ secrets: [secret], id, at, body });
    expect(headers["webhook-timestamp"]).toBe(String(at.getTime() / 1000));
    expect(verifyStandardWebhook({ secret, headers, rawBody: Buffer.from(body), now: at })).toMatchObject({
      ok: true,
      id,
    });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    const other = generateWebhookSecret();
    expect(verifyStandardWebhook({ secret: other, headers, rawBody: Buffer.from(body), now: at }).ok).toBe(
      false,
    );
  });

  it("signs with every secret during a rotation, so either one verifies", () => {
    const [newer, older] = [generateWebhookSecret(), generateWebhookSecret()];
    const at = new Date("2026-11-23T12:00:00Z");
    const headers = webhookHeaders({ secrets: [newer, older], id: "msg_1", at, body: "{}" });
    expect(headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    for (const secret of [newer, older]) {
      expect(verifyStandardWebhook({ secret, headers, rawBody: Buffer.from("{}"), now: at }).ok).toBe(true);
    }
  });
});
