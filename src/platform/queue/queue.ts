import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { CompiledQuery, type Kysely, type Transaction } from "kysely";
import PgBoss from "pg-boss";
import type { z } from "zod";
import type { Database } from "../db/connect.ts";
import type { DB } from "../db/schema.ts";
import type { LoadGate } from "../load-gate.ts";
import type { Logger } from "../log.ts";

export interface JobContext {
  jobId: string;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  /** Dotted `capability.verb-noun`. */
  name: string;
  schema: S;
  /** Runs one job. Either this or `handleBatch`. */
  handler?: (data: z.infer<S>, context: JobContext) => Promise<void>;
  /** Runs a whole fetched batch at once; returns the jobs that failed (to be retried). */
  handleBatch?: (jobs: { id: string; data: z.infer<S> }[]) => Promise<{ id: string; error: string }[]>;
  /** Retries after the first attempt; backoff is exponential from `retryDelaySeconds`. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  batchSize?: number;
  /** Batches fetched and run at once by this process (on PostgreSQL; always 1 on PGlite). */
  concurrency?: number;
  /** Cron expression (UTC) for scheduled jobs; the payload is `{}`. */
  cron?: string;
  /** Sent once, with this payload, when a process starts working (e.g. a recovery sweep). */
  atStart?: Record<string, unknown>;
  expireInSeconds?: number;
}

export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Writes work into the transactional outbox. Call it with the transaction that makes the change:
 * the job exists if and only if the change committed. The relay moves rows to pg-boss in batches.
 */
export async function enqueue(
  trx: Executor,
  queue: string,
  payload: Record<string, unknown>,
  singletonKey?: string,
): Promise<void> {
  await trx
    .insertInto("outbox")
    .values({ queue, payload: JSON.stringify(payload), singleton_key: singletonKey ?? null })
    .execute();
}

export async function enqueueMany(
  trx: Executor,
  rows: { queue: string; payload: Record<string, unknown>; singletonKey?: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto("outbox")
    .values(
      rows.map((row) => ({
        queue: row.queue,
        payload: JSON.stringify(row.payload),
        singleton_key: row.singletonKey ?? null,
      })),
    )
    .execute();
}

export interface FailedJob {
  id: string;
  name: string;
  data: unknown;
  error: string | null;
  retryCount: number;
  createdAt: string;
  failedAt: string | null;
}

export interface QueueOptions {
  db: Database;
  log: Logger;
  pollSeconds: number;
  outboxIntervalMs: number;
  /** Requests in flight in this process: jobs run in small slices and yield to them (role all). */
  gate?: LoadGate;
}

const RELAY_BATCH = 1000;
/** Jobs of a fetched batch run together while requests are in flight (the whole batch otherwise). */
const SLICE_UNDER_LOAD = 10;
const DEAD_LETTER_QUEUE = "dead-letters";
const QUEUES_LOCK = 4_242_003;

export type Queue = ReturnType<typeof createQueue>;

/** pg-boss on the same database, fed from the outbox; roles decide which loops run in this process. */
export function createQueue(options: QueueOptions) {
  const { db, log } = options;
  let instance: PgBoss | null = null;
  /** pg-boss exists once `start` has chosen what this process supervises. */
  const boss = (): PgBoss => {
    if (!instance) throw new Error("the queue is not started");
    return instance;
  };
  const jobs: JobDefinition[] = [];
  const byName = new Map<string, JobDefinition>();
  const workerIds = new Map<string, string[]>();
  let relayTimer: NodeJS.Timeout | null = null;
  let relaying: Promise<number> | null = null;
  let started = false;
  let stopping = false;

  async function ensureQueues() {
    await boss().createQueue(DEAD_LETTER_QUEUE, { name: DEAD_LETTER_QUEUE });
    for (const job of jobs) {
      const queueOptions = {
        name: job.name,
        retryLimit: job.retryLimit ?? 5,
        retryDelay: job.retryDelaySeconds ?? 5,
        retryBackoff: true,
        expireInSeconds: job.expireInSeconds ?? 15 * 60,
        deadLetter: DEAD_LETTER_QUEUE,
      };
      const existing = await boss().getQueue(job.name);
      if (existing) await boss().updateQueue(job.name, queueOptions);
      else await boss().createQueue(job.name, queueOptions);
    }
  }

  const pace = <T>(work: () => Promise<T>): Promise<T> => (options.gate ? options.gate.pace(work) : work());

  /**
   * Runs a fetched batch; returns the failures. Yields to the event loop between jobs, and while
   * requests are in flight runs small slices that leave the gate's share of time to them.
   */
  async function runBatch(job: JobDefinition, batch: { id: string; data: unknown }[]) {
    const failures: { id: string; error: string }[] = [];
    const valid: { id: string; data: unknown }[] = [];
    for (const item of batch) {
      const parsed = job.schema.safeParse(item.data);
      if (parsed.success) valid.push({ id: item.id, data: parsed.data });
      else
        failures.push({
          id: item.id,
          error: `invalid job payload: ${parsed.error.issues[0]?.message ?? "?"}`,
        });
    }
    const { handleBatch, handler } = job;
    if (handleBatch) {
      for (let from = 0; from < valid.length; ) {
        await yieldToEventLoop();
        const size = (options.gate?.inFlight ?? 0) > 0 ? SLICE_UNDER_LOAD : valid.length - from;
        const slice = valid.slice(from, from + size);
        from += size;
        try {
          failures.push(...(await pace(() => handleBatch(slice))));
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          failures.push(...slice.map((item) => ({ id: item.id, error: message })));
        }
      }
      return failures;
    }
    for (const item of valid) {
      await yieldToEventLoop();
      try {
        await pace(async () => handler?.(item.data, { jobId: item.id }));
      } catch (error) {
        failures.push({ id: item.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return failures;
  }

  /** Moves one batch of outbox rows into pg-boss atomically. Returns how many moved. */
  async function relayOnce(): Promise<number> {
    const moved = await db.kysely.transaction().execute(async (trx) => {
      const rows = await trx
        .deleteFrom("outbox")
        .where(
          "id",
          "in",
          trx.selectFrom("outbox").select("id").orderBy("id").limit(RELAY_BATCH).forUpdate().skipLocked(),
        )
        .returning(["queue", "payload", "singleton_key"])
        .execute();
      if (rows.length === 0) return [];
      const executeSql = async (text: string, values: unknown[]) => {
        const result = await trx.executeQuery(CompiledQuery.raw(text, values));
        return { rows: result.rows as Record<string, unknown>[] };
      };
      await boss().insert(
        rows.map((row) => ({
          name: row.queue,
          data: row.payload,
          ...(row.singleton_key ? { singletonKey: row.singleton_key } : {}),
        })),
        { db: { executeSql } },
      );
      return rows.map((row) => row.queue);
    });
    for (const name of new Set(moved)) {
      for (const workerId of workerIds.get(name) ?? []) boss().notifyWorker(workerId);
    }
    return moved.length;
  }

  async function relay(): Promise<number> {
    if (!relaying) {
      relaying = relayOnce().finally(() => {
        relaying = null;
      });
    }
    return relaying;
  }

  function scheduleRelay() {
    if (stopping) return;
    relayTimer = setTimeout(async () => {
      try {
        const moved = await relay();
        if (moved === RELAY_BATCH) {
          scheduleRelay();
          return;
        }
      } catch (error) {
        log.error({ err: error }, "outbox relay failed");
      }
      scheduleRelay();
    }, options.outboxIntervalMs);
  }

  return {
    get boss() {
      return boss();
    },
    relay,
    /** Adds job definitions; call before start(). */
    register(definitions: JobDefinition[]) {
      for (const definition of definitions) {
        if (byName.has(definition.name)) throw new Error(`job ${definition.name} registered twice`);
        byName.set(definition.name, definition);
        jobs.push(definition);
      }
    },
    async start(roles: { work: boolean; schedule: boolean }) {
      // Maintenance (expiry, retention) runs where jobs run; cron timekeeping in the scheduler.
      instance = new PgBoss({
        db: { executeSql: (text: string, values: unknown[]) => db.executeSql(text, values) },
        schema: "pgboss",
        supervise: roles.work || roles.schedule,
        schedule: roles.schedule,
        migrate: true,
      });
      instance.on("error", (error: Error) => log.error({ err: error }, "queue error"));
      await instance.start();
      started = true;
      // Processes starting together on one PostgreSQL would deadlock creating the same queues (pg-boss
      // creates a partition per queue); the lock serialises them, a retry covers pg-boss's own maintenance.
      for (let attempt = 1; ; attempt++) {
        try {
          await db.withAdvisoryLock(QUEUES_LOCK, ensureQueues);
          break;
        } catch (error) {
          if ((error as { code?: unknown }).code !== "40P01" || attempt >= 5) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
        }
      }
      if (roles.schedule) {
        for (const job of jobs) {
          if (job.cron) await boss().schedule(job.name, job.cron, {}, { tz: "UTC" });
        }
      }
      if (roles.work) {
        for (const job of jobs) if (job.atStart) await boss().send(job.name, job.atStart);
        scheduleRelay();
        for (const job of jobs) {
          const batchSize = job.batchSize ?? 10;
          // Several fetchers per queue only where connections are many; PGlite has one.
          const fetchers = db.kind === "postgres" ? (job.concurrency ?? 1) : 1;
          const ids: string[] = [];
          for (let n = 0; n < fetchers; n++) {
            let workerId = "";
            workerId = await boss().work<Record<string, unknown>>(
              job.name,
              { batchSize, pollingIntervalSeconds: options.pollSeconds },
              async (batch) => {
                const failures = await runBatch(job, batch);
                for (const failure of failures) {
                  log.warn({ job: job.name, jobId: failure.id, error: failure.error }, "job failed");
                  await boss().fail(job.name, failure.id, { message: failure.error });
                }
                // A full batch means more may be waiting: fetch again at once.
                if (batch.length === batchSize && workerId) boss().notifyWorker(workerId);
              },
            );
            ids.push(workerId);
          }
          workerIds.set(job.name, ids);
        }
      }
    },
    /** Test helper: relays the outbox and runs every queued job inline until nothing is left. */
    async drain(maxRounds = 50): Promise<number> {
      let ran = 0;
      for (let round = 0; round < maxRounds; round++) {
        await relay();
        let progressed = false;
        for (const job of jobs) {
          const fetched = (await boss().fetch<Record<string, unknown>>(job.name, { batchSize: 100 })) ?? [];
          if (fetched.length === 0) continue;
          progressed = true;
          ran += fetched.length;
          const failures = await runBatch(job, fetched);
          const failed = new Set(failures.map((failure) => failure.id));
          for (const failure of failures) await boss().fail(job.name, failure.id, { message: failure.error });
          const succeeded = fetched.filter((item) => !failed.has(item.id)).map((item) => item.id);
          if (succeeded.length > 0) await boss().complete(job.name, succeeded);
        }
        if (!progressed) return ran;
      }
      return ran;
    },
    /** Jobs that ran out of retries (their copies also sit in the dead-letter queue), newest first. */
    async listFailed(limit = 100): Promise<FailedJob[]> {
      const { rows } = await db.executeSql(
        `select id, name, data, output, retry_count, created_on, completed_on
           from pgboss.job where state = 'failed' and name <> $1
           order by completed_on desc nulls last limit $2`,
        [DEAD_LETTER_QUEUE, limit],
      );
      return rows.map((row) => {
        const output = row.output as { message?: unknown } | null;
        return {
          id: String(row.id),
          name: String(row.name),
          data: row.data,
          error: typeof output?.message === "string" ? output.message : null,
          retryCount: Number(row.retry_count),
          createdAt: new Date(String(row.created_on)).toISOString(),
          failedAt: row.completed_on ? new Date(String(row.completed_on)).toISOString() : null,
        };
      });
    },
    /** Values of one payload field over the jobs of a queue still waiting to run (outbox or queued). */
    async pendingValues(name: string, field: string): Promise<Set<string>> {
      const { rows } = await db.executeSql(
        `select data->>$2 as value from pgboss.job where name = $1 and state in ('created', 'retry')
         union select payload->>$2 from outbox where queue = $1`,
        [name, field],
      );
      return new Set(rows.map((row) => String(row.value)));
    },
    /** Puts a failed job back in its queue. */
    async retryFailed(name: string, id: string) {
      await boss().retry(name, id);
    },
    async sendNow(name: string, data: Record<string, unknown>) {
      if (!byName.has(name)) throw new Error(`unknown job ${name}`);
      return boss().send(name, data);
    },
    async stop() {
      stopping = true;
      if (relayTimer) clearTimeout(relayTimer);
      await relaying?.catch(() => undefined);
      if (started) await boss().stop({ graceful: true, wait: true, timeout: 10_000, close: false });
    },
  };
}
