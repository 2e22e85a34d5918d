import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import type { PipelineView } from "../crm/schemas.ts";
import { verifyStandardWebhook } from "../platform/crypto/hmac.ts";
import { enqueue } from "../platform/queue/queue.ts";
import { sendJobOf } from "./emit-partner-event.ts";
import { partnerWebhookDb, type WebhookDeliveryView, type WebhookEndpointWithSecret } from "./schemas.ts";
import { sendDelivery } from "./send-delivery.ts";
import { sweepDeliveries } from "./sweep-deliveries.ts";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  raw: string;
}

/**
 * A fake partner receiver on 127.0.0.1: each path is one endpoint, verified with the secrets it was
 * given (Standard Webhooks, against the app's fixed clock); anything else is recorded as unexpected.
 */
let receiver: Server;
let base = "";
const secretsByPath = new Map<string, string[]>();
let received: Received[] = [];
let unexpected: string[] = [];
let script: number[] = [];

let t: TestApp;
let pipeline: PipelineView;
let leadId: string;
const created: string[] = [];

const stage = (name: string) => {
  const found = pipeline.stages.find((item) => item.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found.id;
};

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks);
      const path = request.url ?? "";
      const secrets = secretsByPath.get(path);
      if (request.method !== "POST" || !secrets) {
        unexpected.push(`${request.method} ${path}`);
        response.writeHead(404).end();
        return;
      }
      if (request.headers["content-type"] !== "application/json") unexpected.push(`content-type ${path}`);
      for (const secret of secrets) {
        const verified = verifyStandardWebhook({
          secret,
          headers: request.headers,
          rawBody: raw,
          now: t.clock.now(),
        });
        if (!verified.ok) unexpected.push(`signature ${path}: ${verified.reason}`);
      }
      received.push({
        path,
        headers: request.headers,
        body: JSON.parse(raw.toString("utf8")) as Received["body"],
        raw: raw.toString("utf8"),
      });
      const status = script.shift() ?? 200;
      response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "nope");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  t = await createTestApp({
    FUNIL_FETCH_ALLOW_HOSTS: `127.0.0.1:${port}`,
    FUNIL_WEBHOOK_RETRY_SCHEDULE: "5s,5m",
    FUNIL_WEBHOOK_DISABLE_AFTER: "2",
    // The clock moves days ahead here; sessions outlast it.
    FUNIL_JWT_TTL_SECONDS: String(30 * 24 * 3600),
  });
  const response = await t.request("POST", "/api/v1/pipelines", {
    body: {
      name: "Parceiros",
      stages: [
        { name: "Novo" },
        { name: "Proposta" },
        { name: "Ganho", kind: "won", probability: 1 },
        { name: "Perdido", kind: "lost" },
      ],
    },
  });
  expect(response.statusCode).toBe(201);
  pipeline = response.json() as PipelineView;
  const lead = await t.request("POST", "/api/v1/leads", {
    body: { name: "Ana Souza", email: "ana@example.com", phone: "+5511987654321" },
  });
  leadId = (lead.json() as { id: string }).id;
});

afterEach(async () => {
  expect(unexpected).toEqual([]);
  for (const id of created.splice(0)) await t.request("DELETE", `/api/v1/webhook-endpoints/${id}`);
  secretsByPath.clear();
  received = [];
  unexpected = [];
  script = [];
});

afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function endpoint(path: string, body: Record<string, unknown> = {}) {
  const response = await t.request("POST", "/api/v1/webhook-endpoints", {
    body: { url: `${base}${path}`, ...body },
  });
  expect(response.statusCode).toBe(201);
  const view = response.json() as WebhookEndpointWithSecret;
  created.push(view.id);
  secretsByPath.set(path, [view.secret]);
  return view;
}

async function newDeal() {
  const response = await t.request("POST", "/api/v1/deals", {
    body: { contactId: leadId, pipelineId: pipeline.id, title: "Apartamento", value: 350000 },
  });
  expect(response.statusCode).toBe(201);
  return (response.json() as { id: string }).id;
}

async function deliveries(endpointId: string, query = "") {
  const response = await t.request("GET", `/api/v1/webhook-endpoints/${endpointId}/deliveries${query}`);
  expect(response.statusCode).toBe(200);
  return response.json() as { items: WebhookDeliveryView[]; nextCursor: string | null };
}

/** Lets the clock reach the next attempt, then runs the sweep and the jobs it queued. */
async function advance(ms: number) {
  t.clock.advance(ms);
  const queued = await sweepDeliveries(t.app.deps);
  await t.drain();
  return queued;
}

describe("partner webhooks", () => {
  it("deliver deal.stage_changed, signed, with ids and no personal data", async () => {
    const hook = await endpoint("/moves", { eventTypes: ["deal.stage_changed"], description: "ERP" });
    expect(hook).toMatchObject({ eventTypes: ["deal.stage_changed"], enabled: true, description: "ERP" });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const dealId = await newDeal();
    await t.drain();
    expect(received).toEqual([]);
    const moved = await t.request("POST", `/api/v1/deals/${dealId}/move`, {
      body: { stageId: stage("Proposta") },
    });
    expect(moved.statusCode).toBe(200);
    await t.drain();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery?.body).toEqual({
      type: "deal.stage_changed",
      timestamp: t.clock.now().toISOString(),
      data: {
        dealId,
        pipelineId: pipeline.id,
        contactId: leadId,
        ownerId: null,
        value: 350000,
        expectedClose: null,
        propertyRef: null,
        from: { stageId: stage("Novo"), stageName: "Novo", kind: "open" },
        to: { stageId: stage("Proposta"), stageName: "Proposta", kind: "open" },
      },
    });
    expect(delivery?.raw).not.toMatch(/ana@example\.com|987654321|Ana Souza/);
    expect(delivery?.headers["webhook-id"]).toMatch(/^msg_/);
    expect(delivery?.headers["webhook-timestamp"]).toBe(String(t.clock.now().getTime() / 1000));
    const log = await deliveries(hook.id);
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({
      eventId: delivery?.headers["webhook-id"],
      eventType: "deal.stage_changed",
      status: "succeeded",
      attempts: 1,
      lastStatus: 200,
      responseExcerpt: "ok",
      nextAttemptAt: null,
    });
    // The secret is shown once: not by the API again, and sealed in the database.
    const shown = await t.request("GET", `/api/v1/webhook-endpoints/${hook.id}`);
    expect(shown.body).not.toContain("whsec_");
    const row = await partnerWebhookDb(t.app.deps.db)
      .selectFrom("webhook_endpoints")
      .select("secret")
      .where("id", "=", hook.id)
      .executeTakeFirstOrThrow();
    expect(row.secret).toMatch(/^v1:/);
    expect(row.secret).not.toContain(hook.secret.slice(6));
  });

  it("send only the event types an endpoint subscribes to (empty: all)", async () => {
    await endpoint("/won", { eventTypes: ["deal.won", "deal.lost"] });
    await endpoint("/all");
    const dealId = await newDeal();
    await t.request("POST", `/api/v1/deals/${dealId}/move`, { body: { stageId: stage("Proposta") } });
    await t.request("POST", `/api/v1/deals/${dealId}/move`, {
      body: { stageId: stage("Ganho"), reason: "Fechou à vista" },
    });
    await t.drain();
    const types = (path: string) =>
      received.filter((item) => item.path === path).map((item) => item.body.type);
    expect(types("/won")).toEqual(["deal.won"]);
    expect(types("/all").sort()).toEqual(["deal.created", "deal.stage_changed", "deal.won"]);
    const won = received.find((item) => item.path === "/won");
    expect(won?.body.data).toMatchObject({
      dealId,
      reason: "Fechou à vista",
      from: { stageName: "Proposta" },
      to: { stageName: "Ganho", kind: "won" },
    });
    // One event, one webhook-id, the same for every endpoint that gets it.
    const wonToAll = received.find((item) => item.path === "/all" && item.body.type === "deal.won");
    expect(wonToAll?.headers["webhook-id"]).toBe(won?.headers["webhook-id"]);
  });

  it("carry the owner change with its reason, lost deals, deletions and tasks", async () => {
    const hook = await endpoint("/crm", {
      eventTypes: ["deal.owner_changed", "lead.assigned", "deal.lost", "deal.deleted", "task.created"],
    });
    const admin = (
      (await t.request("GET", "/api/v1/deal-owners")).json() as { items: { id: string; email: string }[] }
    ).items[0]?.id as string;
    const dealId = await newDeal();
    // Jobs queued together run in no set order: drain after each change.
    await t.request("POST", `/api/v1/deals/${dealId}/assign`, {
      body: { ownerId: admin, reason: "carteira dela" },
    });
    await t.drain();
    const [changed, assigned] = received
      .sort((a, b) => a.body.type.localeCompare(b.body.type))
      .map((item) => item.body.data);
    await t.request("POST", `/api/v1/deals/${dealId}/move`, {
      body: { stageId: stage("Perdido"), reason: "Sem crédito" },
    });
    await t.drain();
    const task = await t.request("POST", "/api/v1/tasks", {
      body: { title: "Ligar para Ana", dueAt: "2026-11-24T12:00:00.000Z", dealId },
    });
    expect(task.statusCode).toBe(201);
    await t.drain();
    expect((await t.request("DELETE", `/api/v1/deals/${dealId}`)).statusCode).toBe(204);
    await t.drain();
    expect(received.map((item) => item.body.type)).toEqual([
      "deal.owner_changed",
      "lead.assigned",
      "deal.lost",
      "task.created",
      "deal.deleted",
    ]);
    const [, , lost, created, deleted] = received.map((item) => item.body.data);
    expect(changed).toEqual({
      dealId,
      pipelineId: pipeline.id,
      contactId: leadId,
      from: null,
      to: admin,
      reason: "carteira dela",
      byRules: false,
    });
    expect(assigned).toEqual({
      contactId: leadId,
      dealId,
      ownerId: admin,
      reason: "carteira dela",
      ruleId: null,
    });
    expect(lost).toMatchObject({ reason: "Sem crédito", to: { kind: "lost" }, ownerId: admin });
    expect(created).toEqual({
      taskId: (task.json() as { id: string }).id,
      kind: "follow_up",
      dueAt: "2026-11-24T12:00:00.000Z",
      ownerId: admin,
      contactId: leadId,
      dealId,
    });
    expect(deleted).toEqual({ dealId, pipelineId: pipeline.id, contactId: leadId });
    expect(received.map((item) => item.raw).join()).not.toMatch(/Ligar para Ana|ana@example/);
    expect((await deliveries(hook.id, "?eventType=lead.assigned")).items).toHaveLength(1);
  });

  it("retry a 500 and log both attempts under one webhook-id", async () => {
    const hook = await endpoint("/flaky", { eventTypes: ["deal.created"] });
    script = [500];
    await newDeal();
    await t.drain();
    expect(received).toHaveLength(1);
    let [delivery] = (await deliveries(hook.id)).items;
    expect(delivery).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatus: 500,
      lastError: "HTTP 500",
      responseExcerpt: "nope",
      nextAttemptAt: new Date(t.clock.now().getTime() + 5000).toISOString(),
    });
    // Not due yet: the sweep leaves it.
    expect(await advance(4000)).toBe(0);
    expect(received).toHaveLength(1);
    expect(await advance(1000)).toBe(1);
    expect(received).toHaveLength(2);
    [delivery] = (await deliveries(hook.id)).items;
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 2, lastStatus: 200, lastError: null });
    expect(received[1]?.headers["webhook-id"]).toBe(received[0]?.headers["webhook-id"]);
    expect(received[1]?.headers["webhook-timestamp"]).not.toBe(received[0]?.headers["webhook-timestamp"]);
  });

  it("mark a delivery exhausted after the last attempt; a manual retry is one more", async () => {
    const hook = await endpoint("/down", { eventTypes: ["deal.created"] });
    script = [503, 429, 502];
    await newDeal();
    await t.drain();
    await advance(5000);
    await advance(5 * 60_000);
    expect(received).toHaveLength(3);
    let [delivery] = (await deliveries(hook.id)).items;
    expect(delivery).toMatchObject({
      status: "exhausted",
      attempts: 3,
      lastStatus: 502,
      nextAttemptAt: null,
    });
    expect(await advance(24 * 3600_000)).toBe(0);
    expect((await deliveries(hook.id, "?status=exhausted")).items).toHaveLength(1);
    expect((await deliveries(hook.id, "?status=pending")).items).toHaveLength(0);
    const retried = await t.request("POST", `/api/v1/webhook-deliveries/${delivery?.id}/retry`);
    expect(retried.statusCode).toBe(202);
    expect(retried.json()).toMatchObject({ status: "pending", attempts: 3 });
    await t.drain();
    [delivery] = (await deliveries(hook.id)).items;
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 4 });
    const again = await t.request("POST", `/api/v1/webhook-deliveries/${delivery?.id}/retry`);
    expect(again.statusCode).toBe(409);
    expect(again.headers["content-type"]).toMatch(/application\/problem\+json/);
  });

  it("send nothing to a disabled endpoint, and switch off one that keeps failing", async () => {
    const hook = await endpoint("/off", { eventTypes: ["deal.created"] });
    const off = await t.request("PATCH", `/api/v1/webhook-endpoints/${hook.id}`, {
      body: { enabled: false },
    });
    expect(off.json()).toMatchObject({ enabled: false, disabledReason: null });
    await newDeal();
    await t.drain();
    expect(received).toEqual([]);
    expect((await deliveries(hook.id)).items).toEqual([]);
    expect((await t.request("POST", `/api/v1/webhook-endpoints/${hook.id}/test`)).statusCode).toBe(409);

    // Switched on again; two deliveries in a row refused for good (4xx) switch it off by themselves.
    await t.request("PATCH", `/api/v1/webhook-endpoints/${hook.id}`, { body: { enabled: true } });
    script = [410, 400];
    await newDeal();
    await newDeal();
    await t.drain();
    expect(received).toHaveLength(2);
    expect((await deliveries(hook.id, "?status=failed")).items).toHaveLength(2);
    const shown = (await t.request("GET", `/api/v1/webhook-endpoints/${hook.id}`)).json();
    expect(shown).toMatchObject({ enabled: false, disabledReason: "failing", consecutiveFailures: 2 });
    // A pending delivery of a switched-off endpoint waits: neither the sweep nor its job sends it.
    await t.request("PATCH", `/api/v1/webhook-endpoints/${hook.id}`, { body: { enabled: true } });
    await newDeal();
    await t.request("PATCH", `/api/v1/webhook-endpoints/${hook.id}`, { body: { enabled: false } });
    await t.drain();
    expect(await advance(60_000)).toBe(0);
    expect(received).toHaveLength(2);
  });

  it("rotate the secret: both sign for 24 hours, then only the new one", async () => {
    const hook = await endpoint("/rotating", { eventTypes: ["deal.created"] });
    const rotated = await t.request("POST", `/api/v1/webhook-endpoints/${hook.id}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    const { secret, previousSecretValidUntil } = rotated.json() as WebhookEndpointWithSecret;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(hook.secret);
    expect(previousSecretValidUntil).toBe(new Date(t.clock.now().getTime() + 24 * 3600_000).toISOString());
    secretsByPath.set("/rotating", [secret, hook.secret]);
    await newDeal();
    await t.drain();
    expect(received[0]?.headers["webhook-signature"]?.toString().split(" ")).toHaveLength(2);
    t.clock.advance(24 * 3600_000 + 1000);
    secretsByPath.set("/rotating", [secret]);
    await newDeal();
    await t.drain();
    expect(received).toHaveLength(2);
    expect(received[1]?.headers["webhook-signature"]?.toString().split(" ")).toHaveLength(1);
    const audit = await t.app.deps.db
      .selectFrom("audit_log")
      .select(["action", "after"])
      .where("entity_id", "=", hook.id)
      .orderBy("at")
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual([
      "webhook_endpoint.created",
      "webhook_endpoint.secret_rotated",
    ]);
    expect(JSON.stringify(audit)).not.toContain("whsec_");
  });

  it("send one request when the job runs twice", async () => {
    const hook = await endpoint("/once", { eventTypes: ["deal.created"] });
    await newDeal();
    const [pending] = (await deliveries(hook.id)).items;
    const deliveryId = pending?.id as string;
    // A second job for the same delivery (e.g. the sweep re-queued it) before either ran.
    const job = sendJobOf(deliveryId);
    await enqueue(t.app.deps.db, job.queue, job.payload, job.singletonKey);
    await t.drain();
    expect(await sendDelivery(t.app.deps, { deliveryId })).toBeNull();
    expect(received).toHaveLength(1);
    expect((await deliveries(hook.id)).items[0]).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("send a webhook.test event whatever the endpoint subscribes to", async () => {
    const hook = await endpoint("/test", { eventTypes: ["deal.won"] });
    const response = await t.request("POST", `/api/v1/webhook-endpoints/${hook.id}/test`);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ eventType: "webhook.test", status: "pending" });
    await t.drain();
    expect(received.map((item) => item.body)).toEqual([
      {
        type: "webhook.test",
        timestamp: t.clock.now().toISOString(),
        data: { endpointId: hook.id, message: "Funil test event" },
      },
    ]);
  });

  it("list endpoints and deliveries page by page", async () => {
    const first = await endpoint("/page-1", { eventTypes: ["deal.created"] });
    t.clock.advance(1000);
    await endpoint("/page-2", { eventTypes: ["deal.won"] });
    const page = (await t.request("GET", "/api/v1/webhook-endpoints?limit=1")).json() as {
      items: { url: string }[];
      nextCursor: string;
    };
    expect(page.items.map((item) => item.url)).toEqual([`${base}/page-2`]);
    const next = (
      await t.request("GET", `/api/v1/webhook-endpoints?limit=1&cursor=${page.nextCursor}`)
    ).json() as { items: { url: string }[] };
    expect(next.items.map((item) => item.url)).toEqual([`${base}/page-1`]);
    await newDeal();
    t.clock.advance(1000);
    await newDeal();
    await t.drain();
    const log = await deliveries(first.id, "?limit=1");
    expect(log.items).toHaveLength(1);
    const rest = await deliveries(first.id, `?limit=1&cursor=${log.nextCursor}`);
    expect(rest.items).toHaveLength(1);
    expect(rest.items[0]?.id).not.toBe(log.items[0]?.id);
    expect(rest.nextCursor).toBeNull();
  });

  it("refuse URLs the delivery could not reach, and unknown event types", async () => {
    for (const url of ["ftp://example.com/x", "http://10.0.0.7/hook", "http://user:pw@example.com/"]) {
      const response = await t.request("POST", "/api/v1/webhook-endpoints", { body: { url } });
      expect(response.statusCode).toBe(400);
      expect(response.headers["content-type"]).toMatch(/application\/problem\+json/);
    }
    const unknown = await t.request("POST", "/api/v1/webhook-endpoints", {
      body: { url: "https://example.com/hook", eventTypes: ["deal.exploded"] },
    });
    expect(unknown.statusCode).toBe(400);
    const missing = await t.request("GET", "/api/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000");
    expect(missing.statusCode).toBe(404);
  });

  it("are managed by admins and managers only", async () => {
    const hook = await endpoint("/roles");
    const workspaceId = t.app.bootstrap.workspaceId;
    const tokens: Record<string, string> = {};
    for (const role of ["viewer", "sales", "manager"]) {
      const email = `${role}@partner.test`;
      await t.request("POST", `/api/v1/workspaces/${workspaceId}/members`, {
        body: { email, password: "long-enough-password", role },
      });
      tokens[role] = await t.login(email, "long-enough-password");
    }
    for (const role of ["viewer", "sales"]) {
      const token = tokens[role] as string;
      for (const [method, url] of [
        ["GET", "/api/v1/webhook-endpoints"],
        ["POST", "/api/v1/webhook-endpoints"],
        ["GET", `/api/v1/webhook-endpoints/${hook.id}`],
        ["PATCH", `/api/v1/webhook-endpoints/${hook.id}`],
        ["DELETE", `/api/v1/webhook-endpoints/${hook.id}`],
        ["POST", `/api/v1/webhook-endpoints/${hook.id}/rotate-secret`],
        ["POST", `/api/v1/webhook-endpoints/${hook.id}/test`],
        ["GET", `/api/v1/webhook-endpoints/${hook.id}/deliveries`],
        ["POST", "/api/v1/webhook-deliveries/00000000-0000-4000-8000-000000000000/retry"],
      ] as const) {
        const response = await t.request(method, url, {
          token,
          ...(method === "POST" || method === "PATCH" ? { body: { url: `${base}/x` } } : {}),
        });
        expect([role, method, url, response.statusCode]).toEqual([role, method, url, 403]);
      }
    }
    const asManager = await t.request("GET", "/api/v1/webhook-endpoints", { token: tokens.manager ?? "" });
    expect(asManager.statusCode).toBe(200);
    expect(received).toEqual([]);
  });
});
