import type { Kysely, Transaction } from "kysely";
import type { DB } from "../platform/db/schema.ts";

/** Members who can own deals and tasks: everyone in the workspace but viewers and clients. */
function ownersQuery(db: Kysely<DB> | Transaction<DB>, workspaceId: string) {
  return db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .where("memberships.workspace_id", "=", workspaceId)
    .where("memberships.role", "not in", ["viewer", "client"]);
}

/** Every member who can own deals, by e-mail. */
export function listDealOwners(db: Kysely<DB> | Transaction<DB>, workspaceId: string) {
  return ownersQuery(db, workspaceId)
    .select(["users.id", "users.name", "users.email", "memberships.role"])
    .orderBy("users.email")
    .execute();
}

/** Which of `userIds` can own deals in the workspace. */
export async function dealOwnersAmong(
  db: Kysely<DB> | Transaction<DB>,
  workspaceId: string,
  userIds: string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await ownersQuery(db, workspaceId)
    .select("users.id")
    .where("users.id", "in", userIds)
    .execute();
  return new Set(rows.map((row) => row.id));
}
