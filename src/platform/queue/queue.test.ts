import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { freshDatabase } from "../../../test/test-app.ts";
import type { Database } from "../db/connect.ts";
import { migrate } from "../db/migrate.ts";
import { createLoadGate } from "../load-gate.ts";
import { createLogger } from "../log.ts";
import { createQueue, defineJob, enqueue, type Queue } from "./queue.ts";

let database: Database;
let drop = async () => {};
let queue: Queue;
const seen: string[] = [];
let flakyCalls = 0;

async function waitFor(predicate: () => Promise<boolean> | boolean, ms = 15_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("timed out");
}

beforeAll(async () => {
  const fresh = await freshDatabase();
  database = fresh.database;
  drop = fresh.drop;
  await migrate(database);
  queue = createQueue({
    db: database,
    log: createLogger({ level: "silent" }),
    pollSeconds: 0.5,
    outboxIntervalMs: 20,
  });
  queue.register([
    defineJob({
      name: "test.record",
      schema: z.object({ value: z.string() }),
      handler: async (data) => {
        seen.push(data.value);
      },
    }),
    defineJob({
      name: "test.always-fails",
      schema: z.object({}),
      retryLimit: 1,
      retryDelaySeconds: 1,
      handler: async () => {
        throw new Error("boom");
      },
    }),
    defineJob({
      name: "test.flaky",
      schema: z.object({}),
      retryLimit: 3,
      retryDelaySeconds: 1,
      handler: async () => {
        flakyCalls++;
        if (flakyCalls < 2) throw new Error("first time fails");
      },
    }),
    defineJob({ name: "test.nightly", schema: z.object({}), cron: "0 3 * * *", handler: async () => {} }),
  ]);
  await queue.start({ work: true, schedule: true });
});

afterAll(async () => {
  await queue.stop();
  await database.close();
  await drop();
});

describe("queue", () => {
  it("runs a job only if the transaction that enqueued it committed", async () => {
    await database.kysely.transaction().execute(async (trx) => {
      await enqueue(trx, "test.record", { value: "committed" });
    });
    await database.kysely
      .transaction()
      .execute(async (trx) => {
        await enqueue(trx, "test.record", { value: "rolled-back" });
        throw new Error("abort");
      })
      .catch(() => undefined);
    await waitFor(() => seen.includes("committed"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual(["committed"]);
    const left = await database.kysely.selectFrom("outbox").selectAll().execute();
    expect(left).toEqual([]);
  });

  it("moves many outbox rows in batches", async () => {
    await database.kysely.transaction().execute(async (trx) => {
      for (let i = 0; i < 250; i++) await enqueue(trx, "test.record", { value: `bulk-${i}` });
    });
    await waitFor(() => seen.filter((value) => value.startsWith("bulk-")).length === 250);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("retries a failing job with backoff until it succeeds", async () => {
    await database.kysely.transaction().execute((trx) => enqueue(trx, "test.flaky", {}));
    await waitFor(() => flakyCalls >= 2, 20_000);
    expect(flakyCalls).toBe(2);
  });

  it("sends a job that keeps failing to the dead-letter queue, where it stays visible", async () => {
    await database.kysely.transaction().execute((trx) => enqueue(trx, "test.always-fails", {}));
    await waitFor(
      async () => (await queue.listFailed()).some((job) => job.name === "test.always-fails"),
      20_000,
    );
    const [failed] = await queue.listFailed();
    expect(failed).toMatchObject({ name: "test.always-fails", error: "boom", retryCount: 1 });
  });

  it("registers cron schedules", async () => {
    const schedules = await queue.boss.getSchedules();
    expect(schedules.map((schedule) => [schedule.name, schedule.cron])).toEqual([
      ["test.nightly", "0 3 * * *"],
    ]);
  });
});

describe("queue under request load", () => {
  it("runs a batch in small slices while requests are in flight, whole otherwise", async () => {
    // A database of its own: the file's other queue would relay these jobs too.
    const own = await freshDatabase();
    await migrate(own.database);
    const gate = createLoadGate({ share: 0.5, maxPauseMs: 20 });
    const sliced = createQueue({
      db: own.database,
      log: createLogger({ level: "silent" }),
      pollSeconds: 0.5,
      outboxIntervalMs: 20,
      gate,
    });
    const calls: number[] = [];
    sliced.register([
      defineJob({
        name: "test.sliced",
        schema: z.object({ n: z.number() }),
        batchSize: 100,
        handleBatch: async (jobs) => {
          calls.push(jobs.length);
          return jobs.filter((job) => job.data.n === 7).map((job) => ({ id: job.id, error: "seven" }));
        },
      }),
    ]);
    // Started without workers: drain() runs the jobs inline, so the batches are the ones we send.
    await sliced.start({ work: false, schedule: false });
    try {
      const send = (count: number) =>
        own.database.kysely.transaction().execute(async (trx) => {
          for (let n = 0; n < count; n++) await enqueue(trx, "test.sliced", { n });
        });
      await send(45);
      gate.enter();
      expect(await sliced.drain()).toBe(45);
      expect(calls).toEqual([10, 10, 10, 10, 5]);
      gate.leave();
      calls.length = 0;
      await send(45);
      expect(await sliced.drain()).toBe(45);
      expect(calls).toEqual([45]);
      // A slice's failures are still reported for its own jobs.
      const failed = await own.database.executeSql(
        "select count(*)::int as n from pgboss.job where name = 'test.sliced' and state in ('retry', 'failed')",
        [],
      );
      expect(failed.rows[0]?.n).toBe(2);
    } finally {
      await sliced.stop();
      await own.database.close();
      await own.drop();
    }
  });
});
