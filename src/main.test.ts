import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signStandardWebhook } from "../test/sign-webhook.ts";
import { freshDatabase } from "../test/test-app.ts";

const bin = join(import.meta.dirname, "../bin/funil.js");
const dataDir = mkdtempSync(join(tmpdir(), "funil-main-"));
const children: ChildProcess[] = [];
let dropDatabase = async () => {};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function start(port: number, databaseUrl: string | null): ChildProcess {
  const { DATABASE_URL: _unused, ...env } = process.env;
  const child = spawn(process.execPath, [bin, "start"], {
    env: {
      ...env,
      PORT: String(port),
      FUNIL_DATA_DIR: dataDir,
      FUNIL_ADMIN_EMAIL: "ops@funil.test",
      FUNIL_ADMIN_PASSWORD: "ops-password",
      FUNIL_LOG_LEVEL: "warn",
      FUNIL_WEB_DIST: "./does-not-exist",
      FUNIL_PUBLIC_RATE_LIMIT: "100000",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  return child;
}

async function waitHealthy(base: string) {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const ok = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("server did not become healthy");
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase();
});

describe("funil start", () => {
  it("stops cleanly on SIGTERM mid-traffic and loses no acknowledged delivery", async () => {
    let databaseUrl: string | null = null;
    const fresh = await freshDatabase();
    await fresh.database.close();
    if (fresh.url) {
      databaseUrl = fresh.url;
      dropDatabase = fresh.drop;
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = start(port, databaseUrl);
    await waitHealthy(base);

    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ops@funil.test", password: "ops-password" }),
    });
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const connection = (await (
      await fetch(`${base}/api/v1/connections`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ type: "generic", name: "load" }),
      })
    ).json()) as { webhookUrl: string; secret: string };

    const acknowledged: string[] = [];
    const exited = new Promise<number | null>((resolve) => first.on("exit", (code) => resolve(code)));
    const send = async (i: number) => {
      const body = JSON.stringify({
        type: "signup",
        data: { name: `Pessoa ${i}`, email: `p${i}@example.com` },
      });
      const headers = signStandardWebhook(connection.secret, body, new Date(), `msg_${i}`);
      try {
        const response = await fetch(`${base}${connection.webhookUrl}`, { method: "POST", headers, body });
        if (response.status === 202)
          acknowledged.push(((await response.json()) as { eventId: string }).eventId);
      } catch {
        // refused once the server stopped listening: not acknowledged, the sender retries later
      }
    };
    // A first wave, fully answered; then a second wave with SIGTERM landing in the middle of it.
    for (let i = 0; i < 100; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, k) => send(i + k)));
    }
    expect(acknowledged).toHaveLength(100);
    const inFlight: Promise<void>[] = [];
    for (let i = 100; i < 300; i++) {
      inFlight.push(send(i));
      if (i === 150) first.kill("SIGTERM");
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(inFlight);
    expect(await exited).toBe(0);

    start(port, databaseUrl);
    await waitHealthy(base);
    const relogin = (await (
      await fetch(`${base}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "ops@funil.test", password: "ops-password" }),
      })
    ).json()) as { token: string };
    const headers = { authorization: `Bearer ${relogin.token}` };
    const until = Date.now() + 60_000;
    let processed = new Set<string>();
    while (Date.now() < until) {
      const ids = new Set<string>();
      let cursor: string | null = null;
      do {
        const page = (await (
          await fetch(
            `${base}/api/v1/events?status=processed&limit=200${cursor ? `&cursor=${cursor}` : ""}`,
            { headers },
          )
        ).json()) as { items: { id: string }[]; nextCursor: string | null };
        for (const item of page.items) ids.add(item.id);
        cursor = page.nextCursor;
      } while (cursor);
      processed = ids;
      if (acknowledged.every((id) => processed.has(id))) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(acknowledged.filter((id) => !processed.has(id))).toEqual([]);
  }, 180_000);
});
