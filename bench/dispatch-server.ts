/**
 * Funil for dispatch.rate (a child process of the bench): the composition root `funil start` uses
 * (`createApp`, then `app.start(role)`: HTTP, outbox relay, pg-boss workers), after writing the bench's
 * rows in the same process (the embedded database takes one process at a time, and this spares a
 * second start): the meta connection to the fake WhatsApp through the real route, one product and
 * BENCH_DISPATCHES contacts, each with a phone, an approved purchase of the product (the legal basis
 * of a transactional message) and a pending access-rescue dispatch of the WhatsApp template, marked
 * with the facet bench:dispatch. Configured like Funil (PORT, DATABASE_URL or FUNIL_DATA_DIR,
 * FUNIL_META_GRAPH_URL, …) plus BENCH_DISPATCHES, BENCH_WHATSAPP_TOKEN, BENCH_WHATSAPP_NUMBER_ID.
 */
import { sql } from "kysely";
import { type App, createApp } from "../src/app.ts";
import { automationDb } from "../src/automation/schemas.ts";
import { loadConfig } from "../src/config.ts";

async function writeBenchRows(
  app: App,
  input: { dispatches: number; accessToken: string; phoneNumberId: string },
): Promise<void> {
  const { adminEmail, adminPassword } = app.deps.config.auth;
  const login = await app.server.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email: adminEmail, password: adminPassword },
  });
  if (login.statusCode !== 200) throw new Error(`login: ${login.statusCode} ${login.body}`);
  const { token } = login.json() as { token: string };
  const connection = await app.server.inject({
    method: "POST",
    url: "/api/v1/connections",
    headers: { authorization: `Bearer ${token}` },
    payload: {
      type: "meta",
      name: "WhatsApp (bench)",
      config: {
        appSecret: "bench-app-secret",
        verifyToken: "bench",
        accessToken: input.accessToken,
        phoneNumberId: input.phoneNumberId,
      },
    },
  });
  if (connection.statusCode !== 201)
    throw new Error(`connection: ${connection.statusCode} ${connection.body}`);

  const db = automationDb(app.deps.db);
  const workspaceId = app.bootstrap.workspaceId;
  const rule = await db
    .selectFrom("automation_rules")
    .select("id")
    .where("workspace_id", "=", workspaceId)
    .where("builtin", "=", "access_rescue")
    .executeTakeFirstOrThrow();
  const template = await db
    .selectFrom("message_templates")
    .select("id")
    .where("workspace_id", "=", workspaceId)
    .where("purpose", "=", "access_rescue")
    .where("channel", "=", "whatsapp")
    .where("product_id", "is", null)
    .executeTakeFirstOrThrow();
  const product = await db
    .insertInto("products")
    .values({ workspace_id: workspaceId, external_id: "bench-course", name: "Curso Bench" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const now = new Date();
  const action = JSON.stringify({ type: "send_whatsapp", template: "access_rescue" });
  for (let from = 1; from <= input.dispatches; from += 5_000) {
    const to = Math.min(input.dispatches, from + 4_999);
    await sql`
      with people as (
        insert into contacts (workspace_id, name, phone, first_source, last_source, first_touch_at,
          last_touch_at, created_at, updated_at)
        select ${workspaceId}::uuid, 'Aluno Bench ' || i, '+55119' || lpad(i::text, 8, '0'), 'bench', 'bench',
          ${now}, ${now}, ${now}, ${now}
        from generate_series(${from}::int, ${to}::int) as i
        returning id, name
      ), bought as (
        insert into purchases (workspace_id, transaction, contact_id, product_id, status, approved_at,
          last_event_at, created_at, updated_at)
        select ${workspaceId}::uuid, 'BENCH-' || p.id, p.id, ${product.id}::uuid, 'approved', ${now}, ${now},
          ${now}, ${now}
        from people p
        returning contact_id
      )
      insert into dispatches (workspace_id, rule_id, contact_id, product_id, channel, template_id, category,
        action, variables, body, reason, facets, status, idempotency_key, expires_at, created_at, updated_at)
      select ${workspaceId}::uuid, ${rule.id}::uuid, p.id, ${product.id}::uuid, 'whatsapp', ${template.id}::uuid,
        'transactional', ${action}::jsonb,
        jsonb_build_object('first_name', p.name, 'product', 'Curso Bench', 'link', 'https://bench.example/area'),
        'Oi, ' || p.name || '! Vimos que você ainda não acessou Curso Bench. Precisa de ajuda? Seu acesso: https://bench.example/area',
        'Comprou há mais de 24 h e não acessou', '{"bench": "dispatch"}'::jsonb, 'pending', 'bench:' || p.id,
        ${new Date(now.getTime() + 72 * 3600_000)}, ${now}, ${now}
      from people p join bought b on b.contact_id = p.id
    `.execute(db);
  }
}

const config = loadConfig();
const app = await createApp(config);
await writeBenchRows(app, {
  dispatches: Number(process.env.BENCH_DISPATCHES ?? 0),
  accessToken: process.env.BENCH_WHATSAPP_TOKEN ?? "",
  phoneNumberId: process.env.BENCH_WHATSAPP_NUMBER_ID ?? "",
});
await app.start(config.role);
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  // As `funil start` does: a job fetched just before the queue stopped may fail against the closed pool.
  process.on("unhandledRejection", (reason) => {
    app.deps.log.warn({ err: reason }, "late failure during shutdown");
  });
  const timer = setTimeout(() => process.exit(1), 25_000);
  timer.unref();
  await app.stop();
  process.exit(0);
};
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
