import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import { dummyPasswordHash, verifyPassword } from "./passwords.ts";
import type { Role } from "./schemas.ts";
import { signSessionToken } from "./tokens.ts";

export interface LoginResult {
  token: string;
  workspaceId: string;
  role: Role;
  user: { id: string; email: string; name: string | null };
  workspaces: { id: string; name: string; role: Role }[];
}

/** Checks a password and issues a token for one workspace (the user's first when none is named). */
export async function loginUser(
  deps: Deps,
  input: { email: string; password: string; workspaceId?: string | undefined },
): Promise<LoginResult> {
  const user = await deps.db
    .selectFrom("users")
    .select(["id", "email", "name", "password_hash", "disabled_at"])
    .where("email", "=", input.email)
    .executeTakeFirst();
  const isValid = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), input.password);
  if (!user || !isValid || user.disabled_at) {
    throw new AppError("unauthorized", "Wrong e-mail or password");
  }
  const workspaces = await deps.db
    .selectFrom("memberships")
    .innerJoin("workspaces", "workspaces.id", "memberships.workspace_id")
    .select(["workspaces.id", "workspaces.name", "memberships.role"])
    .where("memberships.user_id", "=", user.id)
    .orderBy("memberships.created_at")
    .orderBy("workspaces.id")
    .execute();
  const chosen = input.workspaceId ? workspaces.find((w) => w.id === input.workspaceId) : workspaces[0];
  if (!chosen) throw new AppError("forbidden", "You are not a member of that workspace");
  const token = await signSessionToken(
    deps.jwtKey,
    { userId: user.id, workspaceId: chosen.id, role: chosen.role },
    deps.clock.now(),
    deps.config.auth.jwtTtlSeconds,
  );
  return {
    token,
    workspaceId: chosen.id,
    role: chosen.role,
    user: { id: user.id, email: user.email, name: user.name },
    workspaces: workspaces.map((w) => ({ id: w.id, name: w.name, role: w.role })),
  };
}
