import { recordAudit } from "../audit/record-audit.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import { assertNotLastAdmin } from "./guard-last-admin.ts";
import { hashPassword } from "./passwords.ts";
import type { Actor, Role } from "./schemas.ts";

const SYSTEM: Actor = { type: "system", id: null, label: "funil" };

/**
 * Adds a user to a workspace with a role, creating the user when the e-mail is new.
 * An existing user keeps their password; their role in this workspace is set to `role`.
 */
export async function createUser(
  deps: Deps,
  input: {
    email: string;
    password?: string | undefined;
    name?: string | undefined;
    role: Role;
    workspaceId: string;
    /** Who granted the role: audited as a permission change. */
    actor?: Actor;
  },
): Promise<{ userId: string; isNewUser: boolean }> {
  const email = input.email.trim().toLowerCase();
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return deps.db.transaction().execute(async (trx) => {
    let user = await trx.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
    let isNewUser = false;
    if (!user) {
      if (!passwordHash) {
        throw new AppError("invalid_input", "A password is required for a new user", [
          { field: "password", message: "required for a new user" },
        ]);
      }
      user = await trx
        .insertInto("users")
        .values({ email, name: input.name ?? null, password_hash: passwordHash })
        .returning("id")
        .executeTakeFirstOrThrow();
      isNewUser = true;
    }
    // Demoting the last admin is refused (409); the check locks the workspace's admins first.
    if (input.role !== "admin")
      await assertNotLastAdmin(trx, { workspaceId: input.workspaceId, userId: user.id });
    const before = await trx
      .selectFrom("memberships")
      .select("role")
      .where("workspace_id", "=", input.workspaceId)
      .where("user_id", "=", user.id)
      .executeTakeFirst();
    await trx
      .insertInto("memberships")
      .values({ workspace_id: input.workspaceId, user_id: user.id, role: input.role })
      .onConflict((oc) => oc.columns(["workspace_id", "user_id"]).doUpdateSet({ role: input.role }))
      .execute();
    if (before?.role !== input.role) {
      await recordAudit(trx, {
        workspaceId: input.workspaceId,
        entityType: "workspace",
        entityId: input.workspaceId,
        action: before ? "member.role_changed" : "member.added",
        actor: input.actor ?? SYSTEM,
        before: before ? { userId: user.id, role: before.role } : null,
        after: { userId: user.id, role: input.role },
        at: deps.clock.now(),
      });
    }
    return { userId: user.id, isNewUser };
  });
}
