import { randomBytes } from "node:crypto";
import { seedBuiltinRules } from "../automation/seed-builtin-rules.ts";
import type { Deps } from "../deps.ts";
import { createUser } from "./create-user.ts";

export interface BootstrapResult {
  workspaceId: string;
  /** Set only when a password was generated: print it once, never log it. */
  generatedPassword: string | null;
  email: string | null;
}

/**
 * Makes sure a default workspace exists, and on first start with no users creates the admin:
 * from FUNIL_ADMIN_EMAIL/FUNIL_ADMIN_PASSWORD, or with a random password shown once.
 */
export async function createBootstrapAdmin(deps: Deps): Promise<BootstrapResult> {
  // Several processes may start at once on one PostgreSQL: only one creates the admin.
  return deps.database.withAdvisoryLock(BOOTSTRAP_LOCK, () => bootstrap(deps));
}

const BOOTSTRAP_LOCK = 4_242_002;

async function bootstrap(deps: Deps): Promise<BootstrapResult> {
  let workspace = await deps.db
    .selectFrom("workspaces")
    .select("id")
    .where("is_default", "=", true)
    .executeTakeFirst();
  if (!workspace) {
    workspace = await deps.db
      .insertInto("workspaces")
      .values({ name: "Funil", is_default: true })
      .onConflict((oc) => oc.column("is_default").where("is_default", "=", true).doNothing())
      .returning("id")
      .executeTakeFirst();
    workspace ??= await deps.db
      .selectFrom("workspaces")
      .select("id")
      .where("is_default", "=", true)
      .executeTakeFirstOrThrow();
  }
  // Keyed by name: a second start (or a racing one) adds nothing.
  await seedBuiltinRules(deps, deps.db, workspace.id);
  const anyUser = await deps.db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (anyUser) return { workspaceId: workspace.id, generatedPassword: null, email: null };

  const email = deps.config.auth.adminEmail ?? "admin@funil.local";
  const generatedPassword = deps.config.auth.adminPassword ? null : randomBytes(12).toString("base64url");
  const password = deps.config.auth.adminPassword ?? generatedPassword ?? "";
  await createUser(deps, { email, password, name: "Admin", role: "admin", workspaceId: workspace.id });
  return { workspaceId: workspace.id, generatedPassword, email };
}
