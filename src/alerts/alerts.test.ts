import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { SlackError } from "../adapters/slack/post-slack-message.ts";
import { deliverAlert } from "./deliver-alert.ts";
import { raiseAlert } from "./raise-alert.ts";
import type { AlertView } from "./schemas.ts";

const HOOK_PATH = "/services/T000/B000/XXXX";

/** A fake Slack incoming webhook: answers from a script, records what it got, fails on anything else. */
let slack: Server;
let slackUrl = "";
let received: { text: string }[] = [];
let unexpected: string[] = [];
let script: { status: number; body: string; headers?: Record<string, string> }[] = [];

let t: TestApp;

beforeAll(async () => {
  slack = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    request.on("end", () => {
      if (request.method !== "POST" || request.url !== HOOK_PATH) {
        unexpected.push(`${request.method} ${request.url}`);
        response.writeHead(404).end("no_service");
        return;
      }
      if (request.headers["content-type"] !== "application/json") unexpected.push("content-type");
      received.push(JSON.parse(body) as { text: string });
      const next = script.shift() ?? { status: 200, body: "ok" };
      response.writeHead(next.status, { "content-type": "text/plain", ...next.headers }).end(next.body);
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
  const { port } = slack.address() as AddressInfo;
  slackUrl = `http://127.0.0.1:${port}${HOOK_PATH}`;
  t = await createTestApp({ FUNIL_FETCH_ALLOW_HOSTS: `127.0.0.1:${port}` });
});

afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => slack.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  script = [];
  unexpected = [];
});

const workspaceId = () => t.app.bootstrap.workspaceId;

async function alerts() {
  return ((await t.request("GET", "/api/v1/alerts")).json() as { items: AlertView[] }).items;
}

describe("alerts through a Slack connection", () => {
  it("say 'no channel' while the workspace has no Slack connection", async () => {
    const id = await raiseAlert(t.app.deps, {
      workspaceId: workspaceId(),
      kind: "test.no-channel",
      text: "Sem canal",
      cooldownMinutes: 60,
    });
    await t.drain();
    expect((await alerts()).find((alert) => alert.id === id)).toMatchObject({ status: "no_channel" });
    expect(received).toEqual([]);
  });

  it("a slack connection only sends: no URL to deliver to, never silent, deliveries refused", async () => {
    const created = await t.request("POST", "/api/v1/connections", {
      body: { type: "slack", name: "#vendas", config: { webhookUrl: slackUrl }, silentAfterHours: 1 },
    });
    expect(created.statusCode).toBe(201);
    const { webhookUrl } = created.json() as { webhookUrl: string };
    const list = (await t.request("GET", "/api/v1/connections")).json() as {
      items: { type: string; isOutboundOnly: boolean; isSilent: boolean }[];
    };
    expect(list.items.find((item) => item.type === "slack")).toMatchObject({
      isOutboundOnly: true,
      isSilent: false,
    });
    const delivery = await t.request("POST", webhookUrl, { token: null, body: { text: "oi" } });
    expect(delivery.statusCode).toBe(401);
    const bad = await t.request("POST", "/api/v1/connections", {
      body: { type: "slack", name: "x", config: { webhookUrl: "ftp://example.com/hook" } },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("posts the text to Slack once, and holds back the same kind within its cool-down", async () => {
    const first = await raiseAlert(t.app.deps, {
      workspaceId: workspaceId(),
      kind: "enrichment.success-rate",
      text: "Taxa de sucesso do enriquecimento caiu para 42%",
      details: { rate: 0.42 },
      cooldownMinutes: 360,
    });
    expect(first).not.toBeNull();
    const second = await raiseAlert(t.app.deps, {
      workspaceId: workspaceId(),
      kind: "enrichment.success-rate",
      text: "de novo",
      cooldownMinutes: 360,
    });
    expect(second).toBeNull();
    await t.drain();
    expect(received).toEqual([{ text: "Taxa de sucesso do enriquecimento caiu para 42%" }]);
    expect((await alerts()).find((alert) => alert.id === first)).toMatchObject({
      status: "sent",
      details: { rate: 0.42 },
      sentAt: expect.any(String),
    });
    // Running the delivery again sends nothing more.
    await deliverAlert(t.app.deps, { alertId: first as string });
    expect(received).toHaveLength(1);
    expect(unexpected).toEqual([]);
  });

  it("retries on 429 (Retry-After kept) and records a revoked webhook without retrying", async () => {
    const id = (await raiseAlert(t.app.deps, {
      workspaceId: workspaceId(),
      kind: "test.rate-limited",
      text: "limite",
      cooldownMinutes: 0,
    })) as string;
    script = [{ status: 429, body: "rate_limited", headers: { "retry-after": "3" } }];
    const limited = await deliverAlert(t.app.deps, { alertId: id }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(limited).toBeInstanceOf(SlackError);
    expect(limited).toMatchObject({ status: 429, isRetryable: true, retryAfterSeconds: 3 });
    await deliverAlert(t.app.deps, { alertId: id });
    expect((await alerts()).find((alert) => alert.id === id)).toMatchObject({ status: "sent", attempts: 2 });

    const revoked = (await raiseAlert(t.app.deps, {
      workspaceId: workspaceId(),
      kind: "test.revoked",
      text: "revogado",
      cooldownMinutes: 0,
    })) as string;
    script = [{ status: 404, body: "no_service" }];
    await deliverAlert(t.app.deps, { alertId: revoked });
    expect((await alerts()).find((alert) => alert.id === revoked)).toMatchObject({
      status: "failed",
      error: "404 no_service",
    });
  });

  it("refuses a Slack URL on a private address that is not allow-listed", async () => {
    const other = await createTestApp();
    try {
      await other.request("POST", "/api/v1/connections", {
        body: { type: "slack", name: "interno", config: { webhookUrl: slackUrl } },
      });
      const id = (await raiseAlert(other.app.deps, {
        workspaceId: other.app.bootstrap.workspaceId,
        kind: "test.private",
        text: "privado",
        cooldownMinutes: 0,
      })) as string;
      await deliverAlert(other.app.deps, { alertId: id });
      const list = (await other.request("GET", "/api/v1/alerts")).json() as { items: AlertView[] };
      expect(list.items[0]).toMatchObject({ status: "failed", error: expect.stringMatching(/^0 refused_/) });
      expect(received).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
