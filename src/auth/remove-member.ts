import { recordAudit } from "../audit/record-audit.ts";
import type { Deps } from "../deps.ts";
import { assertNotLastAdmin } from "./guard-last-admin.ts";
import type { Actor } from "./schemas.ts";

/**
 * Takes a user out of a workspace (their other workspaces stay). Refuses with 409 to remove the
 * workspace's last admin. Removing someone who is not a member does nothing.
 */
export async function removeMember(
  deps: Deps,
  input: { workspaceId: string; userId: string; actor: Actor },
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await assertNotLastAdmin(trx, input);
    const removed = await trx
      .deleteFrom("memberships")
      .where("workspace_id", "=", input.workspaceId)
      .where("user_id", "=", input.userId)
      .returning("role")
      .executeTakeFirst();
    if (!removed) return;
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "workspace",
      entityId: input.workspaceId,
      action: "member.removed",
      actor: input.actor,
      before: { userId: input.userId, role: removed.role },
      after: null,
      at: deps.clock.now(),
    });
  });
}
