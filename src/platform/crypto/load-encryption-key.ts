import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";

const SETTING = "encryption_key";

/**
 * The key that seals secrets at rest (connection tokens and app secrets):
 * FUNIL_ENCRYPTION_KEY when set (recommended; keep it out of the database);
 * on the embedded database, a key file created once in the data folder (mode 0600);
 * on PostgreSQL without it, a key generated once and kept in the database so every process shares
 * it (`isInDatabase`: the caller warns that it protects less).
 */
export async function loadEncryptionKey(input: {
  configured: string | undefined;
  dataDir: string | null;
  db: Kysely<DB>;
}): Promise<{ key: Uint8Array; isInDatabase: boolean }> {
  if (input.configured)
    return { key: new Uint8Array(Buffer.from(input.configured, "base64")), isInDatabase: false };
  if (input.dataDir) {
    const file = join(input.dataDir, "secret.key");
    if (!existsSync(file)) {
      mkdirSync(input.dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600, flag: "wx" });
      chmodSync(file, 0o600);
    }
    return {
      key: new Uint8Array(Buffer.from(readFileSync(file, "utf8").trim(), "base64")),
      isInDatabase: false,
    };
  }
  await input.db
    .insertInto("instance_settings")
    .values({ key: SETTING, value: randomBytes(32).toString("base64") })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  const row = await input.db
    .selectFrom("instance_settings")
    .select("value")
    .where("key", "=", SETTING)
    .executeTakeFirstOrThrow();
  return { key: new Uint8Array(Buffer.from(row.value, "base64")), isInDatabase: true };
}
