import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import type { Database } from "../src/platform/db/connect.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { type BenchDatabase, createBenchDatabase } from "./bench-database.ts";
import { type ChildServer, freePort, liveChildren, startChildServer } from "./child-server.ts";
import { type GeneratedCsv, writeLeadsCsv } from "./fake-csv.ts";
import { createLeadFactory } from "./fake-leads.ts";
import { type BaselineResult, runPgliteBaseline, runPostgresBaseline } from "./import-baseline.ts";
import { type LoadRequest, type LoadResult, runLoad } from "./load.ts";
import { measureDispatch } from "./measure-dispatch.ts";
import {
  type DrainRate,
  type DrainSample,
  type DrainWait,
  drainRateFromDatabase,
  waitForDrain,
} from "./measure-drain.ts";
import { measureEnrichment } from "./measure-enrichment.ts";
import { runImportThroughApi } from "./measure-import.ts";
import { preloadEvents } from "./preload-events.ts";
import { type BenchResult, formatTable, result } from "./report.ts";
import { signDelivery, webhookKey } from "./sign-webhook.ts";
import { createHotmartDeliveries, createTypeformDeliveries } from "./vendor-deliveries.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MAX_ERROR_RATE = 0.01;

const USAGE = `npm run bench -- [options]      (or: funil bench [options])

  --quick             short windows; the whole run stays under 60 s
  --json              end the output with one JSON line {"results":[…]} (progress goes to stderr)
  --seconds N         measured window per load test (default 10, quick 2)
  --connections N     concurrent connections (default 50)
  --import-rows N     rows of the generated CSV for import.rows (default 1000000; quick: 15000 on PostgreSQL, 10000 embedded)
  --enrichment N      contacts for enrichment.rate (default 10000, quick 40) against a fake provider
                      answering in 50 ms that allows --enrichment-rate R requests/s (default 100, quick 40)
  --dispatches N      approved WhatsApp dispatches for dispatch.rate (default 10000, quick 120) against a
                      fake WhatsApp allowing --dispatch-rate R messages/s (default 80)
  --only NAMES        only these of the results measured on their own, comma-separated:
                      enrichment.rate, dispatch.rate (the others always run together)
  --profile DIR       write V8 CPU profiles of the server processes to DIR/<process>/ and print each
                      window's offsets; read them with
                      tsx bench/summarize-profile.ts DIR/funil-intake --from A --to B

DATABASE_URL set: runs on a fresh database created on that PostgreSQL (dropped at the end);
otherwise on fresh embedded (PGlite) data dirs in the temp directory.`;

interface BenchOptions {
  quick: boolean;
  json: boolean;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  profileDir: string | null;
  /** Hard limit for the whole run. */
  deadlineSeconds: number;
  /** Events waiting before the drain: enough to time it, few enough to drain in the window. */
  backlog: { pglite: number; postgres: number };
  preloadMaxSeconds: number;
  /** Longest drain observed on PostgreSQL (the embedded worker is always left to finish). */
  drainMaxSeconds: number;
  /** Rows of the generated CSV for import.rows. */
  importRows: number;
  /** enrichment.rate: contacts, and the fake provider's requests per second. */
  enrichment: { contacts: number; ratePerSecond: number };
  /** dispatch.rate: approved dispatches, and the messages per second the fake WhatsApp allows. */
  dispatch: { dispatches: number; ratePerSecond: number };
  /** --only: the standalone results to run (null: everything). */
  only: Set<StandaloneResult> | null;
}

const STANDALONE_RESULTS = ["enrichment.rate", "dispatch.rate"] as const;
type StandaloneResult = (typeof STANDALONE_RESULTS)[number];

function parseOptions(args: string[]): BenchOptions | string {
  let values: {
    quick?: boolean;
    json?: boolean;
    help?: boolean;
    seconds?: string;
    connections?: string;
    profile?: string;
    "import-rows"?: string;
    enrichment?: string;
    "enrichment-rate"?: string;
    dispatches?: string;
    "dispatch-rate"?: string;
    only?: string;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        quick: { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        seconds: { type: "string" },
        connections: { type: "string" },
        profile: { type: "string" },
        "import-rows": { type: "string" },
        enrichment: { type: "string" },
        "enrichment-rate": { type: "string" },
        dispatches: { type: "string" },
        "dispatch-rate": { type: "string" },
        only: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return `${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`;
  }
  if (values.help) return USAGE;
  const quick = values.quick ?? false;
  const seconds = values.seconds ? Number(values.seconds) : quick ? 2 : 10;
  const connections = values.connections ? Number(values.connections) : 50;
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 120) return `--seconds: 1 to 120\n\n${USAGE}`;
  if (!Number.isInteger(connections) || connections < 1 || connections > 1000) {
    return `--connections: 1 to 1000\n\n${USAGE}`;
  }
  const importRows = values["import-rows"]
    ? Number(values["import-rows"])
    : quick
      ? process.env.DATABASE_URL
        ? 15_000
        : 6_000
      : 1_000_000;
  if (!Number.isInteger(importRows) || importRows < 1_000 || importRows > 10_000_000) {
    return `--import-rows: 1000 to 10000000\n\n${USAGE}`;
  }
  const enrichmentContacts = values.enrichment ? Number(values.enrichment) : quick ? 40 : 10_000;
  const enrichmentRate = values["enrichment-rate"] ? Number(values["enrichment-rate"]) : quick ? 40 : 100;
  if (!Number.isInteger(enrichmentContacts) || enrichmentContacts < 10 || enrichmentContacts > 1_000_000) {
    return `--enrichment: 10 to 1000000\n\n${USAGE}`;
  }
  if (!Number.isFinite(enrichmentRate) || enrichmentRate < 1 || enrichmentRate > 2_000) {
    return `--enrichment-rate: 1 to 2000\n\n${USAGE}`;
  }
  const dispatches = values.dispatches ? Number(values.dispatches) : quick ? 120 : 10_000;
  const dispatchRate = values["dispatch-rate"] ? Number(values["dispatch-rate"]) : 80;
  if (!Number.isInteger(dispatches) || dispatches < 10 || dispatches > 1_000_000) {
    return `--dispatches: 10 to 1000000\n\n${USAGE}`;
  }
  if (!Number.isInteger(dispatchRate) || dispatchRate < 1 || dispatchRate > 1_000) {
    return `--dispatch-rate: 1 to 1000 (FUNIL_WHATSAPP_RATE_PER_SECOND)\n\n${USAGE}`;
  }
  let only: Set<StandaloneResult> | null = null;
  if (values.only !== undefined) {
    const names = values.only.split(",").map((name) => name.trim());
    const unknown = names.filter((name) => !(STANDALONE_RESULTS as readonly string[]).includes(name));
    if (unknown.length > 0 || names.length === 0) {
      return `--only: ${STANDALONE_RESULTS.join(", ")} (not ${unknown.join(", ")})\n\n${USAGE}`;
    }
    only = new Set(names as StandaloneResult[]);
  }
  return {
    quick,
    json: values.json ?? false,
    seconds,
    warmupSeconds: quick ? 1 : 2,
    connections,
    profileDir: values.profile ? resolve(values.profile) : null,
    // Full runs allow the import at least 1,000 rows/s on top of the load windows.
    deadlineSeconds: quick ? 57 : 150 + seconds * 16 + Math.ceil(importRows / 1_000),
    backlog: quick ? { pglite: 600, postgres: 2_000 } : { pglite: 2_500, postgres: 8_000 },
    preloadMaxSeconds: quick ? 3 : 10,
    drainMaxSeconds: quick ? 10 : 30,
    importRows,
    enrichment: { contacts: enrichmentContacts, ratePerSecond: enrichmentRate },
    dispatch: { dispatches, ratePerSecond: dispatchRate },
    only,
  };
}

/** The children's environment: ours, minus anything that would point Funil elsewhere. */
function childBaseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (name.startsWith("FUNIL_") || ["DATABASE_URL", "PORT", "HOST", "PUBLIC_URL"].includes(name)) continue;
    env[name] = value;
  }
  env.NODE_ENV = "production";
  return env;
}

async function api<T>(
  baseUrl: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown },
  expected: number[],
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? "GET",
    headers: {
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (!expected.includes(response.status)) {
    throw new Error(`${init.method ?? "GET"} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return JSON.parse(text) as T;
}

function describeLoad(label: string, load: LoadResult): string {
  const statuses = Object.entries(load.statusCounts)
    .map(([status, count]) => `${status}×${count}`)
    .join(" ");
  const problems =
    load.non2xx + load.errors > 0
      ? `  ERRORS: ${load.non2xx} non-2xx, ${load.errors} connection errors (${(load.errorRate * 100).toFixed(2)}%)` +
        (load.errors > 0 ? ` ${JSON.stringify(load.errorKinds)}` : "")
      : "";
  return (
    `${label}: ${load.rate.toFixed(1)} req/s over ${load.seconds.toFixed(1)} s, ` +
    `latency p50 ${load.p50} ms p99 ${load.p99} ms, ${load.ok} ok [${statuses}]${problems}`
  );
}

/** Runs every measurement; throws on failure (children and data are cleaned up by the caller). */
async function measure(
  options: BenchOptions,
  database: BenchDatabase,
  signal: AbortSignal,
  progress: (message: string) => void,
): Promise<{ results: BenchResult[]; problems: string[] }> {
  const problems: string[] = [];
  const remainingMs = (deadline: number) => Math.max(1_000, deadline - Date.now());
  const runDeadline = Date.now() + options.deadlineSeconds * 1000;
  const readyTimeoutMs = () => Math.min(60_000, remainingMs(runDeadline));
  const checkLoad = (label: string, load: LoadResult, isMeasured: boolean) => {
    progress(describeLoad(label, load));
    if (isMeasured && load.errorRate > 0) {
      const message = `${label}: ${load.non2xx} non-2xx responses and ${load.errors} connection errors (${(load.errorRate * 100).toFixed(2)}%)`;
      if (load.errorRate > MAX_ERROR_RATE) throw new Error(`${message}, over the 1% limit`);
      problems.push(message);
    }
  };

  if (database.kind === "postgres") {
    // Migrate once before two processes start on the fresh database at the same time.
    const connection = await database.connect("funil");
    try {
      await migrate(connection);
    } finally {
      await connection.close();
    }
  }

  const profiling = options.profileDir !== null;
  // One directory per process: the tsx loader thread writes a profile of its own next to the main one.
  const profileArgs = (name: string): string[] =>
    options.profileDir ? ["--cpu-prof", "--cpu-prof-dir", join(options.profileDir, name)] : [];
  const baseEnv = childBaseEnv();
  const adminEmail = "bench@funil.test";
  const adminPassword = randomBytes(12).toString("hex");
  const funilEnv = (port: number): Record<string, string> => ({
    ...baseEnv,
    ...database.envFor("funil"),
    PORT: String(port),
    HOST: "127.0.0.1",
    FUNIL_LOG_LEVEL: "warn",
    FUNIL_ADMIN_EMAIL: adminEmail,
    FUNIL_ADMIN_PASSWORD: adminPassword,
    // The public per-IP limit (600/min) would answer 429 to a load generator on one address.
    FUNIL_PUBLIC_RATE_LIMIT: "1000000000",
  });
  const [rawPort, funilPort] = await Promise.all([freePort(), freePort()]);

  const [load1] = loadavg();
  progress(
    `starting the raw ceiling server and Funil (${database.kind}: ${database.label}); ` +
      `load average ${load1?.toFixed(2)} on ${availableParallelism()} cores` +
      ((load1 ?? 0) > 0.5 ? " — other work on this machine will lower and scatter the figures" : ""),
  );
  const [raw, funil] = await Promise.all([
    startChildServer({
      name: "raw ceiling server",
      cwd: ROOT,
      script: "bench/raw-server.ts",
      nodeArgs: profileArgs("raw"),
      env: { ...baseEnv, ...database.envFor("raw"), PORT: String(rawPort), HOST: "127.0.0.1" },
      port: rawPort,
      readyTimeoutMs: readyTimeoutMs(),
    }),
    startChildServer({
      name: "Funil",
      cwd: ROOT,
      script: "src/main.ts",
      args: ["start"],
      nodeArgs: profileArgs("funil-intake"),
      env: funilEnv(funilPort),
      port: funilPort,
      readyTimeoutMs: readyTimeoutMs(),
    }),
  ]);
  signal.throwIfAborted();

  /** One load window (checked for errors); with --profile, says where it falls in the server's profile. */
  const load = async (
    server: ChildServer,
    label: string,
    path: string,
    next: () => LoadRequest,
    window: "warm-up" | "measured",
  ): Promise<LoadResult> => {
    const isMeasured = window === "measured";
    const from = (performance.now() - server.spawnedAt) / 1000;
    const loaded = await runLoad({
      url: server.baseUrl,
      path,
      connections: options.connections,
      seconds: isMeasured ? options.seconds : options.warmupSeconds,
      next,
      signal,
    });
    const to = (performance.now() - server.spawnedAt) / 1000;
    if (profiling) {
      progress(`${label}: --from ${from.toFixed(1)} --to ${to.toFixed(1)} in the ${server.name} profile`);
    }
    checkLoad(label, loaded, isMeasured);
    return loaded;
  };

  // (b) The raw ceiling.
  const nextRawLead = createLeadFactory("raw");
  const rawRequest = (): LoadRequest => ({
    headers: { "content-type": "application/json" },
    body: JSON.stringify(nextRawLead()),
  });
  await load(raw, "raw warm-up", "/raw/leads", rawRequest, "warm-up");
  const rawLoad = await load(raw, "raw ceiling (b)", "/raw/leads", rawRequest, "measured");
  await raw.stop();

  // Funil: credentials and a generic webhook connection.
  const { token } = await api<{ token: string }>(
    funil.baseUrl,
    "/api/v1/auth/login",
    { method: "POST", body: { email: adminEmail, password: adminPassword } },
    [200],
  );
  const { key: apiKey } = await api<{ key: string }>(
    funil.baseUrl,
    "/api/v1/api-keys",
    { method: "POST", token, body: { name: "bench", role: "admin" } },
    [201],
  );
  const connection = await api<{ webhookUrl: string; secret: string }>(
    funil.baseUrl,
    "/api/v1/connections",
    { method: "POST", token: apiKey, body: { type: "generic", name: "bench" } },
    [201],
  );
  const webhookPath = new URL(connection.webhookUrl, funil.baseUrl).pathname;

  // (a) POST /api/v1/leads with an API key.
  const nextApiLead = createLeadFactory("api");
  const leadRequest = (): LoadRequest => ({
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(nextApiLead()),
  });
  await load(funil, "api.leads warm-up", "/api/v1/leads", leadRequest, "warm-up");
  const leadsLoad = await load(funil, "api.leads.intake", "/api/v1/leads", leadRequest, "measured");

  // Webhook intake: signed generic deliveries (the worker runs in the same process, as with role all).
  const key = webhookKey(connection.secret);
  const nextWebhookLead = createLeadFactory("webhook");
  let deliveries = 0;
  const webhookRequest = (): LoadRequest => {
    deliveries++;
    return signDelivery(key, {
      id: `msg_bench_${deliveries}`,
      body: JSON.stringify({ type: "lead.created", data: nextWebhookLead() }),
    });
  };
  await load(funil, "webhook warm-up", webhookPath, webhookRequest, "warm-up");
  const webhookLoad = await load(funil, "webhook.intake", webhookPath, webhookRequest, "measured");

  await funil.stop();
  signal.throwIfAborted();

  // Pipeline: preload a backlog with no worker running, then start Funil and time the drain.
  const preloadEnv = { ...funilEnv(0), FUNIL_LOG_LEVEL: "error" };
  const preload = await preloadEvents({
    env: preloadEnv,
    webhookPath,
    secret: connection.secret,
    targetBacklog: options.backlog[database.kind],
    maxSeconds: options.preloadMaxSeconds,
    concurrency: database.kind === "postgres" ? 20 : 4,
    signal,
  });
  progress(
    `${preload.existing} events left by the intake test; preloaded ${preload.accepted} more through the ` +
      `webhook route in ${preload.seconds.toFixed(1)} s; ${preload.received} events to drain`,
  );
  if (preload.rejected > 0) throw new Error(`${preload.rejected} preloaded deliveries were rejected`);

  const drainPort = await freePort();
  const drainBaseUrl = `http://127.0.0.1:${drainPort}`;
  let pgClient: pg.Client | null = null;
  let sample: () => Promise<DrainSample | null>;
  if (database.kind === "postgres" && database.url) {
    const client = new pg.Client({ connectionString: database.url, application_name: "funil-bench" });
    await client.connect();
    pgClient = client;
    sample = async () => {
      const { rows } = await client.query<{ n: number }>(
        "select count(*)::int as n from inbox_events where status = 'received'",
      );
      return rows[0] ? { remaining: rows[0].n } : null;
    };
  } else {
    // One process per embedded database: ask the worker's process what it has taken off the backlog.
    sample = async () => {
      const response = await fetch(`${drainBaseUrl}/metrics`, { signal: AbortSignal.timeout(2_000) });
      if (response.status !== 200) return null;
      const text = await response.text();
      const count = (outcome: string) => {
        const match = new RegExp(
          `^funil_inbox_events_total\\{(?=[^}]*source="generic")(?=[^}]*outcome="${outcome}")[^}]*\\} (\\d+)`,
          "m",
        ).exec(text);
        return match ? Number(match[1]) : 0;
      };
      return { remaining: Math.max(0, preload.received - count("processed") - count("failed")) };
    };
  }
  // import.rows, first half: the file and the plain-SQL baseline, while no Funil process runs.
  const importDir = await mkdtemp(join(tmpdir(), "funil-bench-import-"));
  try {
    const importFile = await prepareImport({ options, database, dir: importDir, signal, progress, problems });

    const since = new Date();
    let wait: DrainWait;
    let imported: { rate: number; importId: string };
    try {
      progress("starting Funil again to drain the backlog");
      const waiting = waitForDrain({
        initial: preload.received,
        sample,
        stallSeconds: 8,
        // A busy embedded worker does not answer signals until its backlog is empty: let it finish.
        // At least a few seconds, also when a loaded machine has eaten the deadline already.
        maxSeconds: Math.max(
          3,
          database.kind === "postgres"
            ? Math.min(options.drainMaxSeconds, remainingMs(runDeadline) / 1000 - 8)
            : remainingMs(runDeadline) / 1000 - 8,
        ),
        signal,
      });
      waiting.catch(() => undefined);
      const drainer = await startChildServer({
        name: "Funil (drain, import)",
        cwd: ROOT,
        script: "src/main.ts",
        args: ["start"],
        nodeArgs: profileArgs("funil-drain"),
        env: funilEnv(drainPort),
        port: drainPort,
        readyTimeoutMs: readyTimeoutMs(),
      });
      wait = await waiting;
      // import.rows, second half: Funil end to end, once the backlog is gone.
      imported = await importThroughFunil({
        server: drainer,
        token: apiKey,
        prepared: importFile,
        maxSeconds: Math.max(5, remainingMs(runDeadline) / 1000 - (options.quick ? 10 : 30)),
        profiling,
        signal,
        progress,
        problems,
      });
      await drainer.stop();
    } finally {
      await pgClient?.end().catch(() => undefined);
    }
    const afterDrain = await database.connect("funil");
    let drain: DrainRate;
    let left: number;
    try {
      drain = await drainRateFromDatabase(afterDrain, since);
      const row = await afterDrain.executeSql(
        "select count(*)::int as n from inbox_events where status = 'received'",
      );
      left = Number(row.rows[0]?.n ?? 0);
      await checkImport(afterDrain, imported.importId, importFile, progress, problems);
    } finally {
      await afterDrain.close();
    }
    progress(
      `drained ${drain.events} events in ${drain.seconds.toFixed(1)} s by their processed_at ` +
        `(${drain.rate.toFixed(1)}/s` +
        (wait.polledRate === null ? "" : `; polling saw ${wait.polledRate.toFixed(1)}/s`) +
        ")" +
        (left > 0
          ? `, ${left} still received when the ${wait.isStalled ? "backlog stopped moving" : "window ended"}`
          : "") +
        (drain.failed > 0 ? `, ${drain.failed} FAILED` : ""),
    );
    if (drain.failed > 0) problems.push(`pipeline.processing: ${drain.failed} events ended failed`);
    if (wait.isStalled) {
      problems.push(
        `pipeline.processing: ${left} events stayed received (their jobs may be held by the stopped first process)`,
      );
    }
    if (drain.failed > drain.events * MAX_ERROR_RATE) throw new Error("over 1% of the events failed");

    // Vendor doors last (their backlog is left behind): unique deliveries signed as Typeform and
    // Hotmart sign them, 50 connections, against the same raw ceiling.
    // The raw ceiling is measured again beside them: this comes a minute or more after the first
    // measurement, and whatever else runs on the machine may have changed since (not with --quick,
    // which must stay under 60 s: there the first measurement serves).
    const vendorPort = await freePort();
    const vendors = await startChildServer({
      name: "Funil (vendors)",
      cwd: ROOT,
      script: "src/main.ts",
      args: ["start"],
      nodeArgs: profileArgs("funil-vendors"),
      env: funilEnv(vendorPort),
      port: vendorPort,
      readyTimeoutMs: readyTimeoutMs(),
    });
    let rawAgainLoad = rawLoad;
    if (!options.quick) {
      const rawAgainPort = await freePort();
      const rawAgain = await startChildServer({
        name: "raw ceiling server (again)",
        cwd: ROOT,
        script: "bench/raw-server.ts",
        nodeArgs: profileArgs("raw-again"),
        env: { ...baseEnv, ...database.envFor("raw"), PORT: String(rawAgainPort), HOST: "127.0.0.1" },
        port: rawAgainPort,
        readyTimeoutMs: readyTimeoutMs(),
      });
      await load(rawAgain, "raw warm-up (again)", "/raw/leads", rawRequest, "warm-up");
      rawAgainLoad = await load(rawAgain, "raw ceiling (again)", "/raw/leads", rawRequest, "measured");
      await rawAgain.stop();
    }
    const vendorPath = async (type: "typeform" | "hotmart", config: Record<string, string>) => {
      const created = await api<{ webhookUrl: string }>(
        vendors.baseUrl,
        "/api/v1/connections",
        { method: "POST", token: apiKey, body: { type, name: `bench ${type}`, config } },
        [201],
      );
      return new URL(created.webhookUrl, vendors.baseUrl).pathname;
    };
    const typeformSecret = randomBytes(24).toString("base64url");
    const typeformPath = await vendorPath("typeform", { secret: typeformSecret });
    const nextTypeform = createTypeformDeliveries(typeformSecret);
    const hottok = randomBytes(24).toString("hex");
    const hotmartPath = await vendorPath("hotmart", { hottok });
    const nextHotmart = createHotmartDeliveries(hottok);
    // Both doors are warmed up before either is measured: a fresh process is still compiling its
    // code and opening its connections for a few seconds, which would otherwise fall on the first.
    await load(vendors, "typeform warm-up", typeformPath, nextTypeform, "warm-up");
    await load(vendors, "hotmart warm-up", hotmartPath, nextHotmart, "warm-up");
    const typeformLoad = await load(
      vendors,
      "webhook.typeform.intake",
      typeformPath,
      nextTypeform,
      "measured",
    );
    const hotmartLoad = await load(vendors, "webhook.hotmart.intake", hotmartPath, nextHotmart, "measured");
    // Nothing is measured after this: its backlog is dropped with the bench data.
    await vendors.stop(2_000);

    return {
      results: [
        result("api.leads.intake", "req/s", leadsLoad.rate, rawLoad.rate, "higher"),
        result("api.leads.p99", "ms", leadsLoad.p99, rawLoad.p99, "lower"),
        result("pipeline.processing", "events/s", drain.rate, webhookLoad.rate, "higher"),
        result("webhook.intake", "req/s", webhookLoad.rate, rawLoad.rate, "higher"),
        result("webhook.typeform.intake", "req/s", typeformLoad.rate, rawAgainLoad.rate, "higher"),
        result("webhook.typeform.p99", "ms", typeformLoad.p99, rawAgainLoad.p99, "lower"),
        result("webhook.hotmart.intake", "req/s", hotmartLoad.rate, rawAgainLoad.rate, "higher"),
        result("webhook.hotmart.p99", "ms", hotmartLoad.p99, rawAgainLoad.p99, "lower"),
        result("import.rows", "rows/s", imported.rate, importFile.baseline.rate, "higher"),
      ],
      problems,
    };
  } finally {
    await rm(importDir, { recursive: true, force: true });
  }
}

interface PreparedImport {
  path: string;
  file: GeneratedCsv;
  baseline: BaselineResult;
}

/**
 * import.rows, first half: a generated CSV (streamed to a temp file), then its baseline: COPY and
 * upsert with plain SQL in this process, while nothing else runs.
 */
async function prepareImport(input: {
  options: BenchOptions;
  database: BenchDatabase;
  dir: string;
  signal: AbortSignal;
  progress: (message: string) => void;
  problems: string[];
}): Promise<PreparedImport> {
  const { options, database, signal, progress, problems } = input;
  const path = join(input.dir, "leads.csv");
  const generatedAt = performance.now();
  const file = await writeLeadsCsv(path, options.importRows);
  signal.throwIfAborted();
  progress(
    `import: wrote ${file.rows} rows (${(file.bytes / 1024 / 1024).toFixed(1)} MB, ${file.people} people, ` +
      `${file.duplicates} repeats by e-mail or phone) in ${((performance.now() - generatedAt) / 1000).toFixed(1)} s`,
  );
  const baseline =
    database.kind === "postgres" && database.url
      ? await runPostgresBaseline(database.url, path, file.rows)
      : await runPgliteBaseline(join(input.dir, "baseline-db"), path, file.rows);
  signal.throwIfAborted();
  progress(
    `import baseline (${baseline.how} + INSERT … SELECT … ON CONFLICT): ${baseline.rate.toFixed(0)} rows/s, ` +
      `${baseline.seconds.toFixed(1)} s, ${baseline.created} people`,
  );
  if (baseline.created !== file.people) {
    problems.push(`import baseline: ${baseline.created} people created, ${file.people} expected`);
  }
  return { path, file, baseline };
}

/**
 * import.rows, second half: Funil end to end. Upload through the real route and wait until the
 * import is done (every row deduplicated, every new person scored); value = rows ÷ seconds.
 */
async function importThroughFunil(input: {
  server: ChildServer;
  token: string;
  prepared: PreparedImport;
  maxSeconds: number;
  profiling: boolean;
  signal: AbortSignal;
  progress: (message: string) => void;
  problems: string[];
}): Promise<{ rate: number; importId: string }> {
  const { server, prepared, progress, problems } = input;
  const { file } = prepared;
  const from = (performance.now() - server.spawnedAt) / 1000;
  const run = await runImportThroughApi({
    baseUrl: server.baseUrl,
    token: input.token,
    path: prepared.path,
    filename: "leads.csv",
    maxSeconds: input.maxSeconds,
    signal: input.signal,
    onProgress: (status, seconds) =>
      progress(`import: ${status.processed}/${status.total ?? "?"} rows after ${seconds.toFixed(0)} s`),
  });
  if (input.profiling) {
    const to = (performance.now() - server.spawnedAt) / 1000;
    progress(`import.rows: --from ${from.toFixed(1)} --to ${to.toFixed(1)} in the ${server.name} profile`);
  }
  const { status } = run;
  const rate = file.rows / run.seconds;
  progress(
    `import.rows: ${status.status} in ${run.seconds.toFixed(1)} s (upload ${run.uploadSeconds.toFixed(1)} s): ` +
      `${rate.toFixed(0)} rows/s; created ${status.created}, merged ${status.merged}, failed ${status.failed} ` +
      `(expected created ${file.people}, merged ${file.duplicates})`,
  );
  if (status.status !== "done") throw new Error(`the import ended ${status.status}: ${status.error ?? ""}`);
  if (status.created !== file.people || status.merged !== file.duplicates || status.failed !== 0) {
    problems.push(
      `import.rows: created ${status.created}/merged ${status.merged}/failed ${status.failed}, ` +
        `expected ${file.people}/${file.duplicates}/0`,
    );
  }
  return { rate, importId: status.id };
}

/** Every row stored as a processed event, one person per distinct person, every person scored. */
async function checkImport(
  database: Database,
  importId: string,
  prepared: PreparedImport,
  progress: (message: string) => void,
  problems: string[],
): Promise<void> {
  const { file } = prepared;
  const row = await database.executeSql(
    `select count(*)::int as events,
       (count(*) filter (where e.status <> 'processed'))::int as unprocessed,
       count(distinct e.contact_id)::int as people,
       (count(*) filter (where s.contact_id is null))::int as unscored
     from inbox_events e left join contact_scores s on s.contact_id = e.contact_id
     where e.source = 'import' and e.idempotency_key like $1`,
    [`${importId}:%`],
  );
  const counts = row.rows[0] ?? {};
  progress(`import check: ${JSON.stringify(counts)} (events = rows, people = created, none unscored)`);
  if (
    Number(counts.events) !== file.rows ||
    Number(counts.unprocessed) !== 0 ||
    Number(counts.people) !== file.people ||
    Number(counts.unscored) !== 0
  ) {
    problems.push(`import.rows: the stored rows do not add up: ${JSON.stringify(counts)}`);
  }
}

/** `npm run bench` / `funil bench`: returns the exit code. */
export async function runBench(args: string[]): Promise<number> {
  const parsed = parseOptions(args);
  if (typeof parsed === "string") {
    const isHelp = parsed === USAGE;
    (isHelp ? console.log : console.error)(parsed);
    return isHelp ? 0 : 2;
  }
  const options = parsed;
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  const startedAt = Date.now();
  const progress = (message: string) => {
    process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${message}\n`);
  };
  const controller = new AbortController();
  // Every load window listens for an abort.
  setMaxListeners(100, controller.signal);
  const deadline = setTimeout(
    () => controller.abort(new Error(`the run took longer than ${options.deadlineSeconds} s`)),
    options.deadlineSeconds * 1000,
  );
  // The standalone results run after the deadline's window and stop only for a signal.
  const interrupted = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    const reason = new Error(`interrupted by ${name}`);
    controller.abort(reason);
    interrupted.abort(reason);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let database: BenchDatabase | null = null;
  let exitCode = 1;
  try {
    database = await createBenchDatabase(process.env.DATABASE_URL);
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    const { results, problems } = options.only
      ? { results: [] as BenchResult[], problems: [] as string[] }
      : await Promise.race([measure(options, database, controller.signal, progress), aborted]);
    const runs = (name: StandaloneResult) => options.only === null || options.only.has(name);
    if (runs("enrichment.rate")) {
      // enrichment.rate: the real pipeline in this process, against a paced fake provider.
      progress(
        `enrichment.rate: ${options.enrichment.contacts} contacts at ${options.enrichment.ratePerSecond} requests/s`,
      );
      const enrichment = await measureEnrichment({
        contacts: options.enrichment.contacts,
        ratePerSecond: options.enrichment.ratePerSecond,
      });
      progress(
        `enrichment.rate: ${enrichment.enriched}/${enrichment.contacts} enriched in ${enrichment.seconds} s, ` +
          `${enrichment.requests} requests, ${enrichment.overBudget} over budget, ${enrichment.lost} lost`,
      );
      if (enrichment.lost > 0) problems.push(`enrichment.rate: ${enrichment.lost} contacts not enriched`);
      if (enrichment.overBudget > 0)
        problems.push(`enrichment.rate: ${enrichment.overBudget} requests over budget`);
      results.push(result("enrichment.rate", "contacts/s", enrichment.value, enrichment.baseline, "higher"));
    }
    if (runs("dispatch.rate")) {
      // dispatch.rate: a Funil child sending approved dispatches to a fake WhatsApp in this process.
      progress(
        `dispatch.rate: ${options.dispatch.dispatches} dispatches at ${options.dispatch.ratePerSecond} messages/s`,
      );
      const dispatch = await measureDispatch({
        dispatches: options.dispatch.dispatches,
        ratePerSecond: options.dispatch.ratePerSecond,
        ...(options.profileDir
          ? { nodeArgs: ["--cpu-prof", "--cpu-prof-dir", join(options.profileDir, "funil-dispatch")] }
          : {}),
        signal: interrupted.signal,
        progress,
      });
      progress(
        `dispatch.rate: ${dispatch.value} messages/s (${dispatch.ratio} of ${dispatch.baseline}); ` +
          `${dispatch.delivered}/${dispatch.dispatches} delivered, ${dispatch.sent} sent ${JSON.stringify(dispatch.statuses)}, ` +
          `${dispatch.duplicates} duplicates, ${dispatch.lost} lost, ${dispatch.rateLimited} answered 429; ` +
          `approved in ${dispatch.approveSeconds} s, first message at ${dispatch.firstMessageSeconds} s, ` +
          `last at ${dispatch.lastMessageSeconds} s (${dispatch.endToEndRate}/s from the approval); ` +
          `${dispatch.stalls.count} gaps over 4 slots (longest ${dispatch.stalls.longestMs} ms, ${dispatch.stalls.seconds} s in all)`,
      );
      if (dispatch.duplicates > 0) problems.push(`dispatch.rate: ${dispatch.duplicates} duplicate messages`);
      if (dispatch.lost > 0) problems.push(`dispatch.rate: ${dispatch.lost} dispatches not sent`);
      if (dispatch.rateLimited > 0)
        problems.push(`dispatch.rate: ${dispatch.rateLimited} sends answered 429 (over the allowed rate)`);
      if (dispatch.unexpected > 0)
        problems.push(`dispatch.rate: ${dispatch.unexpected} requests the fake WhatsApp could not read`);
      results.push(result("dispatch.rate", "messages/s", dispatch.value, dispatch.baseline, "higher"));
    }
    const mode = database.kind === "postgres" ? "PostgreSQL" : "embedded PGlite";
    if (!options.json) {
      console.log(
        `\nFunil benchmark — ${mode}, ${options.connections} connections, ${options.seconds} s windows` +
          `${options.quick ? " (quick)" : ""}\n`,
      );
      console.log(formatTable(results));
      console.log(
        "\nbaselines: intake and p99 against a bare Fastify + one INSERT on the same database;" +
          "\npipeline.processing against webhook.intake (≥ 1 means processing keeps up with intake);" +
          "\nenrichment.rate and dispatch.rate against the rate their fake provider allows.\n",
      );
    }
    for (const problem of problems) progress(`WARNING ${problem}`);
    progress(`done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    console.log(JSON.stringify({ results }));
    exitCode = 0;
  } catch (error) {
    progress(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
    exitCode = 1;
  } finally {
    clearTimeout(deadline);
    const children = liveChildren();
    if (exitCode !== 0) {
      for (const child of children) {
        const tail = child.output().trim();
        const status = child.exitStatus ? `exited with ${child.exitStatus}` : "still running";
        progress(
          `${child.name} (pid ${child.pid}) ${status}; last output:\n${tail.slice(-3000) || "(none)"}`,
        );
      }
    }
    await Promise.all(children.map((child) => child.stop(5_000)));
    await database
      ?.cleanup()
      .catch((error) =>
        progress(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    if (options.profileDir) progress(`CPU profiles in ${options.profileDir}`);
  }
  return exitCode;
}
