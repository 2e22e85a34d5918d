import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { connectDatabase, type Database } from "../src/platform/db/connect.ts";

/** Where one bench run keeps its data: fresh temp data dirs (embedded) or a fresh PostgreSQL database. */
export interface BenchDatabase {
  kind: "pglite" | "postgres";
  /** For the log: the temp dir or the database name. */
  label: string;
  /** The environment that points a child at its data: one data dir per `slot` on PGlite. */
  envFor(slot: string): Record<string, string>;
  /** The PostgreSQL URL of the bench database (PostgreSQL only). */
  url: string | null;
  /** Opens the data of `slot` from this process (on PGlite, only while no child has it open). */
  connect(slot: string): Promise<Database>;
  /** Removes the temp dirs or drops the database. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** Points `url` at another database on the same server. */
function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function runAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: "funil-bench" });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(databaseUrl: string | undefined): Promise<BenchDatabase> {
  if (databaseUrl) {
    const name = `funil_bench_${randomBytes(6).toString("hex")}`;
    await runAdmin(databaseUrl, `create database ${name}`);
    const url = withDatabase(databaseUrl, name);
    let dropped = false;
    return {
      kind: "postgres",
      label: name,
      url,
      envFor: () => ({ DATABASE_URL: url }),
      connect: () => connectDatabase({ kind: "postgres", url, poolSize: 2 }),
      async cleanup() {
        if (dropped) return;
        dropped = true;
        await runAdmin(databaseUrl, `drop database if exists ${name} with (force)`);
      },
    };
  }
  const root = await mkdtemp(join(tmpdir(), "funil-bench-"));
  let removed = false;
  return {
    kind: "pglite",
    label: root,
    url: null,
    envFor: (slot) => ({ FUNIL_DATA_DIR: join(root, slot) }),
    connect: (slot) => connectDatabase({ kind: "pglite", dataDir: join(root, slot) }),
    async cleanup() {
      if (removed) return;
      removed = true;
      await rm(root, { recursive: true, force: true });
    },
  };
}
