import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
export const WEB_DIST = join(ROOT, "dist/web");

/** Builds the web app into dist/web (always, so the test sees the current source). */
export function buildWebApp() {
  const result = spawnSync("npm", ["run", "build:web"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 180_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (result.status !== 0 || !existsSync(join(WEB_DIST, "index.html"))) {
    throw new Error(`npm run build:web failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

/** A fresh PostgreSQL database beside the one DATABASE_URL names, or null to use PGlite. */
async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const base = process.env.DATABASE_URL;
  if (!base) return null;
  const name = `funil_e2e_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export interface FunilServer {
  baseUrl: string;
  adminEmail: string;
  adminPassword: string;
  /** What the server printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * The real server (`tsx src/main.ts start`) on a free port, with a fresh temporary data directory
 * (or a fresh PostgreSQL database when DATABASE_URL is set); resolves once GET /health answers 200.
 * `env` adds settings (e.g. base URLs of local fake vendor APIs, FUNIL_FETCH_ALLOW_HOSTS).
 */
export async function startFunilServer(
  options: { startupTimeoutMs?: number; env?: Record<string, string> } = {},
): Promise<FunilServer> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), "funil-e2e-"));
  const postgres = await freshPostgres();
  const adminEmail = "admin@funil.test";
  const adminPassword = `e2e-${randomBytes(9).toString("base64url")}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    FUNIL_DATA_DIR: dataDir,
    FUNIL_ADMIN_EMAIL: adminEmail,
    FUNIL_ADMIN_PASSWORD: adminPassword,
    FUNIL_LOG_LEVEL: "warn",
    FUNIL_WEB_DIST: WEB_DIST,
    FUNIL_ROLE: "all",
    ...options.env,
  };
  if (postgres) env.DATABASE_URL = postgres.url;
  else delete env.DATABASE_URL;

  let output = "";
  const child = spawn(join(ROOT, "node_modules/.bin/tsx"), ["src/main.ts", "start"], {
    cwd: ROOT,
    env,
    detached: true, // its own process group, so stop() also reaches tsx's child
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    signalGroup(child, "SIGTERM");
    if (!(await waitForExit(child, 20_000))) {
      signalGroup(child, "SIGKILL");
      await waitForExit(child, 5_000);
    }
    // tsx's own child may outlive tsx by a moment: make sure the whole group is gone.
    signalGroup(child, "SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
    await postgres?.drop();
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startupTimeoutMs ?? 90_000);
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `the server exited during startup (${child.exitCode ?? child.signalCode}):\n${output}`,
        );
      }
      const healthy = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) })
        .then((response) => response.status === 200)
        .catch(() => false);
      if (healthy) break;
      if (Date.now() > deadline) throw new Error(`the server did not become healthy in time:\n${output}`);
      await new Promise((done) => setTimeout(done, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, adminEmail, adminPassword, output: () => output, stop };
}
