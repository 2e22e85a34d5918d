import { CompiledQuery, type Kysely, type Transaction } from "kysely";
import PgBoss from "pg-boss";
import type { z } from "zod";
import type { Database } from "../db/connect.ts";
import type { DB } from "../db/schema.ts";
import type { Logger } from "../log.ts";

export interface JobContext {
  jobId: string;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  /** Dotted `capability.verb-noun`. */
  name: string;
  schema: S;
  handler: (data: z.infer<S>, context: JobContext) => Promise<void>;
  /** Retries after the first attempt; backoff is exponential from `retryDelaySeconds`. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  batchSize?: number;
  /** Cron expression (UTC) for scheduled jobs; the payload is `{}`. */
  cron?: string;
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
}

const RELAY_BATCH = 1000;
const DEAD_LETTER_QUEUE = "dead-letters";
const QUEUES_LOCK = 4_242_003;

export type Queue = ReturnType<typeof createQueue>;

/** pg-boss on the same database, fed from the outbox; roles decide which loops run in this process. */
export function createQueue(options: QueueOptions) {
  const { db, log } = options;
  const boss = new PgBoss({
    db: { executeSql: (text: string, values: unknown[]) => db.executeSql(text, values) },
    schema: "pgboss",
    supervise: false,
    schedule: false,
    migrate: true,
  });
  boss.on("error", (error: Error) => log.error({ err: error }, "queue error"));
  const jobs: JobDefinition[] = [];
  const byName = new Map<string, JobDefinition>();
  const workerIds = new Map<string, string>();
  let relayTimer: NodeJS.Timeout | null = null;
  let relaying: Promise<number> | null = null;
  let started = false;
  let stopping = false;

  async function ensureQueues() {
    await boss.createQueue(DEAD_LETTER_QUEUE, { name: DEAD_LETTER_QUEUE });
    for (const job of jobs) {
      const queueOptions = {
        name: job.name,
        retryLimit: job.retryLimit ?? 5,
        retryDelay: job.retryDelaySeconds ?? 5,
        retryBackoff: true,
        expireInSeconds: job.expireInSeconds ?? 15 * 60,
        deadLetter: DEAD_LETTER_QUEUE,
      };
      const existing = await boss.getQueue(job.name);
      if (existing) await boss.updateQueue(job.name, queueOptions);
      else await boss.createQueue(job.name, queueOptions);
    }
  }

  async function runOne(job: JobDefinition, id: string, data: unknown): Promise<void> {
    const parsed = job.schema.safeParse(data);
    if (!parsed.success) throw new Error(`invalid job payload: ${parsed.error.issues[0]?.message ?? "?"}`);
    await job.handler(parsed.data, { jobId: id });
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
      await boss.insert(
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
      const workerId = workerIds.get(name);
      if (workerId) boss.notifyWorker(workerId);
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
    boss,
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
      await boss.start();
      started = true;
      // Processes starting together on one PostgreSQL would deadlock creating the same queues.
      await db.withAdvisoryLock(QUEUES_LOCK, ensureQueues);
      if (roles.schedule) {
        for (const job of jobs) {
          if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: "UTC" });
        }
      }
      if (roles.work) {
        scheduleRelay();
        for (const job of jobs) {
          const batchSize = job.batchSize ?? 10;
          const workerId = await boss.work<Record<string, unknown>>(
            job.name,
            { batchSize, pollingIntervalSeconds: options.pollSeconds },
            async (batch) => {
              const failures: { id: string; error: unknown }[] = [];
              for (const item of batch) {
                try {
                  await runOne(job, item.id, item.data);
                } catch (error) {
                  failures.push({ id: item.id, error });
                }
              }
              for (const failure of failures) {
                const message =
                  failure.error instanceof Error ? failure.error.message : String(failure.error);
                log.warn({ job: job.name, jobId: failure.id, error: message }, "job failed");
                await boss.fail(job.name, failure.id, { message });
              }
              const selfId = workerIds.get(job.name);
              if (batch.length === batchSize && selfId) boss.notifyWorker(selfId);
            },
          );
          workerIds.set(job.name, workerId);
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
          const fetched = await boss.fetch<Record<string, unknown>>(job.name, { batchSize: 100 });
          for (const item of fetched ?? []) {
            progressed = true;
            ran++;
            try {
              await runOne(job, item.id, item.data);
              await boss.complete(job.name, item.id);
            } catch (error) {
              await boss.fail(job.name, item.id, {
                message: error instanceof Error ? error.message : String(error),
              });
            }
          }
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
    /** Puts a failed job back in its queue. */
    async retryFailed(name: string, id: string) {
      await boss.retry(name, id);
    },
    async sendNow(name: string, data: Record<string, unknown>) {
      if (!byName.has(name)) throw new Error(`unknown job ${name}`);
      return boss.send(name, data);
    },
    async stop() {
      stopping = true;
      if (relayTimer) clearTimeout(relayTimer);
      await relaying?.catch(() => undefined);
      if (started) await boss.stop({ graceful: true, wait: true, timeout: 10_000, close: false });
    },
  };
}
