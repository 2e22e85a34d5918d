import { randomBytes } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import pg from "pg";
import { type App, createApp } from "../src/app.ts";
import { loadConfig, parseConfig } from "../src/config.ts";
import { fixedClock } from "../src/platform/clock.ts";
import { connectDatabase, type Database } from "../src/platform/db/connect.ts";
import type { Logger } from "../src/platform/log.ts";

export const ADMIN_EMAIL = "admin@funil.test";
export const ADMIN_PASSWORD = "correct-horse-battery";
export const FIXED_NOW = "2026-11-23T12:00:00.000Z";

/**
 * A fresh database per test file: in-memory PGlite by default, or a new database on the
 * PostgreSQL named by DATABASE_URL (created here, dropped on close).
 */
export async function freshDatabase(): Promise<{
  database: Database;
  drop: () => Promise<void>;
  url: string | null;
}> {
  const env = loadConfig();
  if (env.db.kind !== "postgres") {
    const database = await connectDatabase({ kind: "pglite", dataDir: null });
    return { database, drop: async () => {}, url: null };
  }
  const name = `funil_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: env.db.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(env.db.url);
  url.pathname = `/${name}`;
  const database = await connectDatabase({ kind: "postgres", url: url.toString(), poolSize: 10 });
  return {
    database,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: env.db.url });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export interface TestApp {
  app: App;
  clock: ReturnType<typeof fixedClock>;
  request(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    options?: {
      token?: string | null;
      body?: unknown;
      headers?: Record<string, string>;
      rawBody?: string | Buffer;
    },
  ): Promise<LightMyRequestResponse>;
  login(email?: string, password?: string, workspaceId?: string): Promise<string>;
  adminToken: string;
  /** Relays the outbox and runs queued jobs until none are left. */
  drain(): Promise<number>;
  close(): Promise<void>;
}

export async function createTestApp(
  env: Record<string, string> = {},
  options: { login?: boolean; log?: Logger } = {},
): Promise<TestApp> {
  const { database, drop } = await freshDatabase();
  const config = parseConfig({
    NODE_ENV: "test",
    FUNIL_ADMIN_EMAIL: ADMIN_EMAIL,
    FUNIL_ADMIN_PASSWORD: ADMIN_PASSWORD,
    FUNIL_JWT_SECRET: "test-secret-test-secret-test-secret-000",
    FUNIL_LOG_LEVEL: "silent",
    FUNIL_WEB_DIST: "./does-not-exist",
    FUNIL_LOGIN_RATE_LIMIT: "1000",
    ...env,
  });
  const clock = fixedClock(FIXED_NOW);
  const app = await createApp(config, { clock, database, ...(options.log ? { log: options.log } : {}) });
  await app.deps.queue.start({ work: false, schedule: false });
  await app.server.ready();

  const request: TestApp["request"] = (method, url, options = {}) => {
    const token = options.token === undefined ? testApp.adminToken : options.token;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | Buffer | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    return app.server.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  };

  const login = async (email = ADMIN_EMAIL, password = ADMIN_PASSWORD, workspaceId?: string) => {
    const response = await request("POST", "/api/v1/auth/login", {
      token: null,
      body: { email, password, ...(workspaceId ? { workspaceId } : {}) },
    });
    if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
    return (response.json() as { token: string }).token;
  };

  const testApp: TestApp = {
    app,
    clock,
    request,
    login,
    adminToken: "",
    drain: () => app.deps.queue.drain(),
    close: async () => {
      await app.stop();
      await drop();
    },
  };
  if (options.login !== false) testApp.adminToken = await login();
  return testApp;
}
