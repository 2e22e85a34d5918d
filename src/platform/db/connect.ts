import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { createMutex } from "./mutex.ts";
import { createPgliteDialect } from "./pglite-dialect.ts";
import type { DB } from "./schema.ts";

export type DbConfig =
  | { kind: "pglite"; dataDir: string | null }
  | { kind: "postgres"; url: string; poolSize: number };

export interface SqlResult {
  rows: Record<string, unknown>[];
}

/** The database: a typed query builder plus raw access for migrations and the queue library. */
export interface Database {
  kind: "pglite" | "postgres";
  kysely: Kysely<DB>;
  /** One parameterised statement outside any transaction (used by pg-boss). */
  executeSql(text: string, values?: unknown[]): Promise<SqlResult>;
  /** A multi-statement script with no parameters (migrations); rolled back if it fails midway. */
  execScript(text: string): Promise<void>;
  /** Runs `work` while holding a PostgreSQL advisory lock (a no-op lock on the single-process embedded engine). */
  withAdvisoryLock<T>(key: number, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;

// node-postgres returns int8/numeric as strings; we keep them as numbers on both engines.
pg.types.setTypeParser(INT8, (value) => Number(value));
pg.types.setTypeParser(NUMERIC, (value) => Number(value));

export async function connectDatabase(config: DbConfig): Promise<Database> {
  if (config.kind === "postgres") {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize,
      application_name: "funil",
    });
    pool.on("error", () => {
      // An idle client died (e.g. server restart); the pool replaces it on next use.
    });
    await pool.query("select 1");
    return {
      kind: "postgres",
      kysely: new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }),
      executeSql: async (text, values) => {
        const result = await pool.query(text, values);
        return { rows: result.rows };
      },
      execScript: async (text) => {
        const client = await pool.connect();
        try {
          await client.query(text);
        } catch (error) {
          await client.query("rollback").catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
      withAdvisoryLock: async (key, work) => {
        const client = await pool.connect();
        try {
          await client.query("select pg_advisory_lock($1)", [key]);
          try {
            return await work();
          } finally {
            await client.query("select pg_advisory_unlock($1)", [key]);
          }
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }

  if (config.dataDir) mkdirSync(config.dataDir, { recursive: true });
  const pglite = await PGlite.create(config.dataDir ?? undefined, {
    parsers: { [INT8]: (value: string) => Number(value), [NUMERIC]: (value: string) => Number(value) },
  });
  const mutex = createMutex();
  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    const release = await mutex.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  };
  return {
    kind: "pglite",
    kysely: new Kysely<DB>({ dialect: createPgliteDialect(pglite, mutex) }),
    executeSql: (text, values) =>
      exclusive(async () => {
        if (values && values.length > 0) {
          const result = await pglite.query<Record<string, unknown>>(text, values);
          return { rows: result.rows };
        }
        const results = await pglite.exec(text);
        return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
      }),
    execScript: (text) =>
      exclusive(async () => {
        try {
          await pglite.exec(text);
        } catch (error) {
          await pglite.exec("rollback").catch(() => undefined);
          throw error;
        }
      }),
    withAdvisoryLock: (_key, work) => work(),
    close: () => exclusive(() => pglite.close()),
  };
}
