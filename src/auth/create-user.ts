import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import { hashPassword } from "./passwords.ts";
import type { Role } from "./schemas.ts";

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
    await trx
      .insertInto("memberships")
      .values({ workspace_id: input.workspaceId, user_id: user.id, role: input.role })
      .onConflict((oc) => oc.columns(["workspace_id", "user_id"]).doUpdateSet({ role: input.role }))
      .execute();
    return { userId: user.id, isNewUser };
  });
}
