import { parseArgs } from "node:util";
import { MetaConfigSchema } from "../adapters/meta/schemas.ts";
import { createApp } from "../app.ts";
import { findConnectionConfig } from "../capture/find-connection-config.ts";
import { listConnections } from "../capture/list-connections.ts";
import { type Config, loadConfig } from "../config.ts";
import { fixedClock } from "../platform/clock.ts";
import { DEMO_PASSWORD, TEAM } from "./demo-data.ts";
import { DEMO_DEFAULTS, type SeedDemoResult, seedDemo } from "./seed-demo.ts";
import { type DemoWhatsApp, startDemoWhatsApp } from "./start-demo-whatsapp.ts";

const USAGE = "usage: funil demo [--seed-only] [--force] [--leads N] [--seed N]";

const say = (line = "") => process.stdout.write(`${line}\n`);
const number = (value: number) => value.toLocaleString("en");

function where(config: Config): string {
  return config.db.kind === "postgres"
    ? "PostgreSQL (DATABASE_URL)"
    : `the embedded database in ${config.db.dataDir}`;
}

function printSummary(result: Extract<SeedDemoResult, { outcome: "seeded" }>) {
  const count = (key: string) => number(result.counts[key] ?? 0);
  say(`Demo data in "${result.workspaceName}":`);
  say(
    `  ${count("leads")} leads (${count("hot")} hot), ${count("purchases")} purchases (${count("reversed")} refunded or charged back)`,
  );
  say(
    `  ${count("enrollments")} enrollments, ${count("firstAccesses")} first accesses (${count("viaWhatsAppLink")} through our WhatsApp links)`,
  );
  say(
    `  ${count("deals")} deals, ${count("tasks")} tasks, ${count("interactions")} messages and logged interactions, ${count("tagEvents")} Chatwoot tag events`,
  );
  say(
    `  ${count("dispatches")} automation dispatches: ${count("dispatches.sent")} sent, ${count("dispatches.pending")} pending, ${count("dispatches.refused")} refused, ${count("dispatches.rejected")} rejected, ${count("dispatches.expired")} expired, ${count("dispatches.failed")} failed`,
  );
  say(`  ${count("properties")} properties, ${count("alerts")} alerts`);
  say(`Seeded in ${(result.elapsedMs / 1000).toFixed(1)} s.`);
}

function printLogins(input: { url: string | null; admin: { email: string; password: string | null } }) {
  say();
  if (input.url) say(`Funil is running on ${input.url}  (Ctrl+C stops it)`);
  say(
    input.admin.password
      ? `  Admin: ${input.admin.email} / ${input.admin.password}  (generated now, shown once)`
      : `  Admin: ${input.admin.email} with its password`,
  );
  say(`  The demo team, password "${DEMO_PASSWORD}":`);
  for (const member of TEAM) say(`    ${member.email.padEnd(28)} ${member.role.padEnd(8)} ${member.name}`);
  say("  WhatsApp in the demo workspace is simulated: messages never leave this machine.");
}

/** Where the simulated WhatsApp reports delivery statuses: the demo connection's webhook, on this server. */
async function connectWhatsApp(
  app: Awaited<ReturnType<typeof createApp>>,
  whatsapp: DemoWhatsApp,
  input: { workspaceId: string; port: number },
) {
  const credentials = await findConnectionConfig(
    app.deps,
    { workspaceId: input.workspaceId, type: "meta" },
    (config) => {
      const parsed = MetaConfigSchema.safeParse(config);
      return parsed.success && parsed.data.accessToken && parsed.data.phoneNumberId
        ? {
            appSecret: parsed.data.appSecret,
            verifyToken: parsed.data.verifyToken,
            accessToken: parsed.data.accessToken,
            phoneNumberId: parsed.data.phoneNumberId,
          }
        : null;
    },
  );
  if (!credentials) return;
  whatsapp.adopt(credentials);
  const connection = (await listConnections(app.deps, { workspaceId: input.workspaceId })).find(
    (item) => item.type === "meta" && item.disabledAt === null,
  );
  if (connection) {
    const path = connection.webhookUrl.startsWith("/")
      ? connection.webhookUrl
      : new URL(connection.webhookUrl).pathname;
    whatsapp.reportStatusesTo(`http://127.0.0.1:${input.port}${path}`);
  }
}

/**
 * `funil demo`: seeds the demo workspace (see seedDemo) on the configured database, then runs Funil
 * like `funil start` with the demo's simulated WhatsApp, unless `--seed-only`. Returns the exit code.
 */
export async function runDemo(args: string[]): Promise<number> {
  let values: { "seed-only"?: boolean; force?: boolean; leads?: string; seed?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        "seed-only": { type: "boolean" },
        force: { type: "boolean" },
        leads: { type: "string" },
        seed: { type: "string" },
      },
    }));
  } catch {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const leads = Number(values.leads ?? DEMO_DEFAULTS.leads);
  const seed = Number(values.seed ?? DEMO_DEFAULTS.seed);
  if (!Number.isInteger(leads) || leads < 10 || leads > 20_000 || !Number.isInteger(seed) || seed < 0) {
    process.stderr.write(
      `${USAGE}\n  --leads: 10 to 20000 (default ${DEMO_DEFAULTS.leads}); --seed: a whole number\n`,
    );
    return 2;
  }
  const whatsapp = await startDemoWhatsApp();
  try {
    // The seeding app: quiet logs, its clock moved through the story, WhatsApp to the simulated API.
    const seedConfig = loadConfig({
      FUNIL_LOG_LEVEL: "warn",
      FUNIL_META_GRAPH_URL: whatsapp.graphUrl,
      FUNIL_WHATSAPP_RATE_PER_SECOND: "1000",
    });
    say(`Funil demo on ${where(seedConfig)}`);
    const clock = fixedClock(new Date());
    const seeding = await createApp(seedConfig, { clock });
    let result: SeedDemoResult;
    let adminEmail: string;
    try {
      await seeding.deps.queue.start({ work: false, schedule: false });
      await seeding.server.ready();
      result = await seedDemo(seeding, clock, {
        leads,
        seed,
        force: values.force ?? false,
        whatsapp,
        progress: say,
      });
      adminEmail = result.adminEmail;
    } finally {
      await seeding.stop();
    }
    const admin = {
      email: seeding.bootstrap.email ?? adminEmail,
      password: seeding.bootstrap.generatedPassword,
    };
    if (result.outcome === "refused") say(`Not seeding: ${result.reason}.`);
    else printSummary(result);
    if (values["seed-only"]) {
      printLogins({ url: null, admin });
      return result.outcome === "refused" ? 1 : 0;
    }

    // Then Funil itself, as `funil start` runs it; its WhatsApp is still the simulated one.
    const config = loadConfig({ FUNIL_META_GRAPH_URL: whatsapp.graphUrl });
    const app = await createApp(config);
    await app.start(config.role);
    await connectWhatsApp(app, whatsapp, { workspaceId: result.workspaceId, port: config.http.port });
    printLogins({ url: `http://localhost:${config.http.port}`, admin });
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        process.on("unhandledRejection", (reason) =>
          app.deps.log.warn({ err: reason }, "late failure during shutdown"),
        );
        const timer = setTimeout(() => process.exit(1), 25_000);
        timer.unref();
        void app.stop().finally(resolve);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    return 0;
  } finally {
    await whatsapp.close();
  }
}
