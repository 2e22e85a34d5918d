import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { connectDatabase } from "../platform/db/connect.ts";

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), "funil-cli-"));
const bin = join(import.meta.dirname, "../../bin/funil.js");

/** Runs the real `funil` binary on a throw-away embedded database. */
async function funil(...args: string[]) {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  return run(process.execPath, [bin, ...args], {
    env: {
      ...env,
      FUNIL_DATA_DIR: dataDir,
      FUNIL_ADMIN_EMAIL: "owner@funil.test",
      FUNIL_ADMIN_PASSWORD: "owner-password",
    },
    timeout: 60_000,
  });
}

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

// The binary runs on its own embedded database; one run of the suite (PGlite) is enough.
describe.skipIf(loadConfig().db.kind === "postgres")("funil CLI", () => {
  it("migrates, adds a user and creates an API key on the embedded database", async () => {
    const migrated = await funil("migrate");
    expect(migrated.stdout).toContain("Applied: 0001_foundation");
    expect((await funil("migrate")).stdout).toContain("up to date");

    const added = await funil(
      "user",
      "add",
      "--email",
      "SDR@Funil.test",
      "--password",
      "sdr-password",
      "--role",
      "sales",
    );
    expect(added.stdout).toMatch(/Created sdr@funil.test as sales/);

    const key = await funil("apikey", "create", "--name", "zapier", "--role", "manager");
    const plain = key.stdout.trim().split("\n").at(-1) ?? "";
    expect(plain).toMatch(/^fk_[\w-]{32}$/);

    const database = await connectDatabase({ kind: "pglite", dataDir });
    try {
      const users = await database.kysely
        .selectFrom("users")
        .innerJoin("memberships", "memberships.user_id", "users.id")
        .select(["users.email", "memberships.role"])
        .orderBy("users.email")
        .execute();
      expect(users).toEqual([
        { email: "owner@funil.test", role: "admin" },
        { email: "sdr@funil.test", role: "sales" },
      ]);
      const keys = await database.kysely
        .selectFrom("api_keys")
        .select(["name", "role", "key_hash"])
        .execute();
      expect(keys).toEqual([
        { name: "zapier", role: "manager", key_hash: expect.not.stringContaining(plain) },
      ]);
    } finally {
      await database.close();
    }
  }, 180_000);

  it("explains its usage", async () => {
    expect((await funil("help")).stdout).toContain("funil <command>");
    await expect(funil("frobnicate")).rejects.toMatchObject({ code: 2 });
  });
});
