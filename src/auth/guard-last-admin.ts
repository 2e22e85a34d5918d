import type { Transaction } from "kysely";
import type { DB } from "../platform/db/schema.ts";
import { AppError } from "../platform/http/errors.ts";

/**
 * Refuses (409) to take the admin role from `userId` in a workspace when no other active admin would
 * be left. Call it inside the transaction that demotes or removes the member: it locks the
 * workspace's admin memberships, so two admins demoting each other at once cannot both succeed (the
 * second waits, then sees the first one's change). Does nothing when `userId` is not an admin there.
 */
export async function assertNotLastAdmin(
  trx: Transaction<DB>,
  input: { workspaceId: string; userId: string },
): Promise<void> {
  const admins = await trx
    .selectFrom("memberships")
    .select("user_id")
    .where("workspace_id", "=", input.workspaceId)
    .where("role", "=", "admin")
    .orderBy("user_id")
    .forUpdate()
    .execute();
  if (!admins.some((admin) => admin.user_id === input.userId)) return;
  const others = admins.map((admin) => admin.user_id).filter((id) => id !== input.userId);
  if (others.length > 0) {
    const active = await trx
      .selectFrom("users")
      .select("id")
      .where("id", "in", others)
      .where("disabled_at", "is", null)
      .executeTakeFirst();
    if (active) return;
  }
  throw new AppError(
    "conflict",
    "This is the workspace's last admin: make another member admin before changing this member's role or removing them",
  );
}
