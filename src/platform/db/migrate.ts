import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "./connect.ts";

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../../migrations");

const LOCK_KEY = 4_242_001;

/** Applies pending forward-only migrations, each in its own transaction. Safe to race on PostgreSQL. */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir)
    .filter((file) => /^\d{4}_[\w-]+\.sql$/.test(file))
    .sort();
  const applied: string[] = [];
  await db.withAdvisoryLock(LOCK_KEY, async () => {
    await db.execScript(
      "create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())",
    );
    const done = new Set(
      (await db.executeSql("select version from schema_migrations", [])).rows.map((row) =>
        String(row.version),
      ),
    );
    for (const file of files) {
      const version = file.replace(/\.sql$/, "");
      if (done.has(version)) continue;
      const body = readFileSync(join(dir, file), "utf8");
      const escaped = version.replaceAll("'", "''");
      await db.execScript(
        `begin;\n${body}\n;insert into schema_migrations (version) values ('${escaped}');\ncommit;`,
      );
      applied.push(version);
    }
  });
  return applied;
}
