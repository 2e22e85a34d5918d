import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { signStandardWebhook } from "../test/sign-webhook.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD, freshDatabase } from "../test/test-app.ts";
import { type App, createApp } from "./app.ts";
import { CONFIG_VARIABLES, loadConfig, parseConfig } from "./config.ts";
import { connectDatabase } from "./platform/db/connect.ts";

const isPostgres = loadConfig().db.kind === "postgres";

describe("configuration", () => {
  it("refuses to split roles on the embedded database", () => {
    expect(() => parseConfig({ FUNIL_ROLE: "worker" })).toThrow(
      /roles can only be split on a real PostgreSQL/,
    );
    expect(parseConfig({ FUNIL_ROLE: "worker", DATABASE_URL: "postgres://x@127.0.0.1/db" }).role).toBe(
      "worker",
    );
  });

  it("lists every problem at once", () => {
    expect(() => parseConfig({ PORT: "http", FUNIL_LOG_LEVEL: "loud" })).toThrow(
      /PORT[\s\S]*FUNIL_LOG_LEVEL/,
    );
  });

  it("reads quiet hours and the frequency cap, or their absence", () => {
    expect(parseConfig({}).messaging).toMatchObject({
      quietHours: { startMinute: 21 * 60, endMinute: 8 * 60 },
      frequencyCap: { max: 3, hours: 24 },
    });
    const off = parseConfig({ FUNIL_QUIET_HOURS: "off", FUNIL_FREQUENCY_CAP: "0/24h" }).messaging;
    expect(off).toMatchObject({ quietHours: null, frequencyCap: null });
    expect(() => parseConfig({ FUNIL_QUIET_HOURS: "9pm-8am" })).toThrow(/FUNIL_QUIET_HOURS/);
  });
});

describe.skipIf(!isPostgres)("roles in separate processes on PostgreSQL", () => {
  const apps: App[] = [];
  let drop = async () => {};

  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop().catch(() => undefined);
    await drop();
  });

  it("a web process stores a webhook, a worker process turns it into a contact, a scheduler keeps the crons", async () => {
    const fresh = await freshDatabase();
    drop = fresh.drop;
    await fresh.database.close();
    const databaseUrl = fresh.url ?? "";
    const base = {
      DATABASE_URL: databaseUrl,
      PORT: "0",
      FUNIL_LOG_LEVEL: "silent",
      FUNIL_ADMIN_EMAIL: ADMIN_EMAIL,
      FUNIL_ADMIN_PASSWORD: ADMIN_PASSWORD,
      FUNIL_WEB_DIST: "./does-not-exist",
      FUNIL_QUEUE_POLL_SECONDS: "0.5",
    };
    const [web, worker, scheduler] = await Promise.all(
      (["web", "worker", "scheduler"] as const).map(async (role) => {
        const config = parseConfig({ ...base, FUNIL_ROLE: role });
        const database = await connectDatabase({ kind: "postgres", url: databaseUrl, poolSize: 5 });
        const app = await createApp(config, { database });
        apps.push(app);
        await app.start(role);
        return app;
      }),
    );
    if (!web || !worker || !scheduler) throw new Error("apps did not start");
    const users = await web.deps.db.selectFrom("users").select("email").execute();
    expect(users).toEqual([{ email: ADMIN_EMAIL }]);

    const login = await web.server.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    const token = (login.json() as { token: string }).token;
    const connection = (
      await web.server.inject({
        method: "POST",
        url: "/api/v1/connections",
        headers: { authorization: `Bearer ${token}` },
        payload: { type: "generic", name: "Signup" },
      })
    ).json() as { webhookUrl: string; secret: string };
    const body = JSON.stringify({ type: "signup", data: { name: "Escala", email: "escala@example.com" } });
    const delivered = await web.server.inject({
      method: "POST",
      url: connection.webhookUrl,
      headers: signStandardWebhook(connection.secret, body, new Date()),
      payload: body,
    });
    expect(delivered.statusCode).toBe(202);
    const { eventId } = delivered.json() as { eventId: string };

    const deadline = Date.now() + 20_000;
    let status = "received";
    while (status !== "processed" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const row = await web.deps.db
        .selectFrom("inbox_events")
        .select("status")
        .where("id", "=", eventId)
        .executeTakeFirst();
      status = row?.status ?? status;
    }
    expect(status).toBe("processed");
    const schedules = await scheduler.deps.queue.boss.getSchedules();
    expect(schedules.map((schedule) => schedule.name)).toContain("capture.prune-events");
  });
});

describe(".env.example", () => {
  it("documents every configuration variable, and nothing else", () => {
    const text = readFileSync(new URL("../.env.example", import.meta.url), "utf8");
    const documented = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]);
    expect([...new Set(documented)].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
