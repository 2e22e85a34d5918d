import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeWhatsApp } from "../../test/fake-whatsapp.ts";
import { connectFakeWhatsApp } from "../../test/fake-whatsapp-connection.ts";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { RuleView } from "./manage-rules.ts";
import type { DispatchView } from "./review-dispatches.ts";
import { sendDispatches } from "./send-dispatches.ts";
import { sweepDispatches } from "./sweep-dispatches.ts";

let t: TestApp;
let whatsapp: Awaited<ReturnType<typeof startFakeWhatsApp>>;
let workspaceId: string;
let rescueRuleId: string;
let productId: string;

beforeAll(async () => {
  whatsapp = await startFakeWhatsApp({ ratePerSecond: 5000 });
  t = await createTestApp({
    FUNIL_META_GRAPH_URL: whatsapp.url,
    FUNIL_WHATSAPP_RATE_PER_SECOND: "1000",
    FUNIL_QUIET_HOURS: "off",
    FUNIL_FREQUENCY_CAP: "0/24h",
  });
  workspaceId = t.app.bootstrap.workspaceId;
  await connectFakeWhatsApp(t, whatsapp);
  const rules = (await t.request("GET", "/api/v1/automation-rules")).json() as { items: RuleView[] };
  rescueRuleId = rules.items.find((rule) => rule.builtin === "access_rescue")?.id as string;
  const product = await sql<{ id: string }>`
    insert into products (workspace_id, external_id, name) values (${workspaceId}, 'curso-1', 'Curso de Fotografia')
    returning id
  `.execute(t.app.deps.db);
  productId = product.rows[0]?.id as string;
});

afterAll(async () => {
  await t.close();
  await whatsapp.close();
});

/** `n` students who bought two days ago and never accessed (set up in SQL: the doors are tested elsewhere). */
async function students(n: number, prefix: string): Promise<void> {
  const bought = new Date(Date.parse(FIXED_NOW) - 2 * 86400_000);
  await sql`
    with people as (
      insert into contacts (workspace_id, name, email, phone)
      select ${workspaceId}, 'Aluna ' || i, ${prefix} || i || '@example.com', '+5511' || lpad((900000000 + i)::text, 9, '0')
      from generate_series(1, ${n}) as i
      returning id
    ), bought as (
      insert into purchases (workspace_id, transaction, contact_id, product_id, status, approved_at, last_event_at)
      select ${workspaceId}, ${prefix} || id, id, ${productId}, 'approved', ${bought}, ${bought} from people
      returning contact_id
    )
    insert into enrollments (workspace_id, contact_id, product_id) select ${workspaceId}, contact_id, ${productId} from bought
  `.execute(t.app.deps.db);
}

async function drainUntil(done: () => Promise<boolean>, rounds = 30): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await t.drain();
    if (await done()) return;
    // Real time for the fake's bucket, the app's clock for not_before.
    await sleep(400);
    t.clock.advance(2000);
    await sweepDispatches(t.app.deps);
  }
}

async function countByStatus(): Promise<Record<string, number>> {
  const { rows } = await sql<{ status: string; n: number }>`
    select status, count(*)::int as n from dispatches group by status
  `.execute(t.app.deps.db);
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

describe("sending at scale, safely", () => {
  it("approves 1,000 suggestions in one batch and sends each exactly once", async () => {
    await students(1000, "lote");
    const run = await t.request("POST", `/api/v1/automation-rules/${rescueRuleId}/run`);
    expect(run.json()).toMatchObject({ matched: 1000, created: 1000 });

    const approved = await t.request("POST", "/api/v1/dispatches/approve", {
      body: { filter: { ruleId: rescueRuleId } },
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ decided: 1000 });
    const audited = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'dispatch.approved'
    `.execute(t.app.deps.db);
    expect(audited.rows[0]?.n).toBe(1000);

    await drainUntil(async () => (await countByStatus()).sent === 1000, 60);
    expect(await countByStatus()).toEqual({ sent: 1000 });
    expect(whatsapp.messages).toHaveLength(1000);
    expect(new Set(whatsapp.messages.map((message) => message.callbackData)).size).toBe(1000);
    expect(new Set(whatsapp.messages.map((message) => message.to)).size).toBe(1000);
    expect(whatsapp.unexpected).toEqual([]);
  }, 120_000);

  it("backs off when the channel answers 429 and sends every message once in the end", async () => {
    await students(20, "lento");
    const run = await t.request("POST", `/api/v1/automation-rules/${rescueRuleId}/run`);
    expect(run.json()).toMatchObject({ created: 20 });
    const decided = (
      await t.request("POST", "/api/v1/dispatches/approve", { body: { filter: { ruleId: rescueRuleId } } })
    ).json() as { ids: string[] };
    // A number allowed 5 messages/s while Funil is told 1000/s: real 429s with Retry-After.
    const slow = await startFakeWhatsApp({ ratePerSecond: 5, retryAfterSeconds: 1 });
    const deps = {
      ...t.app.deps,
      config: { ...t.app.deps.config, outbound: { ...t.app.deps.config.outbound, metaGraphUrl: slow.url } },
    };
    for (let round = 0; round < 40 && slow.messages.length < 20; round++) {
      const due = await sql<{ id: string }>`
        select id from dispatches where status = 'approved' and (not_before is null or not_before <= ${deps.clock.now()})
      `.execute(t.app.deps.db);
      await sendDispatches(
        deps,
        due.rows.map((row) => row.id),
      );
      await sleep(300);
      t.clock.advance(1000);
    }
    expect(slow.rateLimited).toBeGreaterThan(0);
    expect(slow.messages).toHaveLength(20);
    expect(new Set(slow.messages.map((message) => message.callbackData))).toEqual(
      new Set(decided.ids.map((id) => `dispatch:${id}`)),
    );
    expect(slow.unexpected).toEqual([]);
    await slow.close();
  }, 60_000);

  it("a dispatch whose process died before the call is sent once later; a template Meta refuses fails for good", async () => {
    whatsapp.reset();
    await students(2, "crash");
    const run = await t.request("POST", `/api/v1/automation-rules/${rescueRuleId}/run`);
    expect(run.json()).toMatchObject({ created: 2 });
    const pending = (
      (await t.request("GET", `/api/v1/dispatches?status=pending&ruleId=${rescueRuleId}`)).json() as {
        items: DispatchView[];
      }
    ).items;
    const [crashed, refused] = pending;
    // The first: claimed by a worker that died right after (no job left, no call made).
    const claimed = new Date(Date.parse(FIXED_NOW) - 10 * 60_000);
    await sql`update dispatches set status = 'sending', claimed_at = ${claimed}, decided_at = ${claimed}
      where id = ${crashed?.id}`.execute(t.app.deps.db);
    const swept = await sweepDispatches(t.app.deps);
    expect(swept).toMatchObject({ unknown: 0 });
    await t.drain();
    expect(
      whatsapp.messages.filter((message) => message.callbackData === `dispatch:${crashed?.id}`),
    ).toHaveLength(1);
    await sweepDispatches(t.app.deps);
    await t.drain();
    expect(
      whatsapp.messages.filter((message) => message.callbackData === `dispatch:${crashed?.id}`),
    ).toHaveLength(1);

    // The second: its template is paused at Meta (132015) → failed, not retried.
    await sql`update message_templates set whatsapp_name = 'resgate_pausado' where purpose = 'access_rescue'`.execute(
      t.app.deps.db,
    );
    const paused = await startFakeWhatsApp({ failTemplates: { resgate_pausado: 132015 } });
    const { messages } = paused;
    const deps = {
      ...t.app.deps,
      config: { ...t.app.deps.config, outbound: { ...t.app.deps.config.outbound, metaGraphUrl: paused.url } },
    };
    await t.request("POST", `/api/v1/dispatches/${refused?.id}/approve`, { body: {} });
    await sendDispatches(deps, [refused?.id as string]);
    const failed = (await t.request("GET", `/api/v1/dispatches/${refused?.id}`)).json() as DispatchView;
    expect(failed).toMatchObject({ status: "failed", lastError: "132015" });
    expect(messages).toHaveLength(0);
    await paused.close();
  });
});
