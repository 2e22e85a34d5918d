import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../platform/db/schema.ts";

const SETTING = "jwt_signing_key";

/**
 * The HS256 key for session tokens: FUNIL_JWT_SECRET when set, else a random key generated once
 * and kept in the database so every process (and every restart) shares it.
 */
export async function loadSigningKey(db: Kysely<DB>, configured: string | undefined): Promise<Uint8Array> {
  if (configured) return new TextEncoder().encode(configured);
  await db
    .insertInto("instance_settings")
    .values({ key: SETTING, value: randomBytes(48).toString("base64") })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  const row = await db
    .selectFrom("instance_settings")
    .select("value")
    .where("key", "=", SETTING)
    .executeTakeFirstOrThrow();
  return new Uint8Array(Buffer.from(row.value, "base64"));
}
