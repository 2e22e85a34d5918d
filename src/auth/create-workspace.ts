import { seedBuiltinRules } from "../automation/seed-builtin-rules.ts";
import type { Deps } from "../deps.ts";

/** Creates a workspace whose first admin is `adminUserId`. */
export async function createWorkspace(
  deps: Deps,
  input: { name: string; adminUserId: string; isDefault?: boolean },
): Promise<{ id: string }> {
  return deps.db.transaction().execute(async (trx) => {
    const workspace = await trx
      .insertInto("workspaces")
      .values({ name: input.name, is_default: input.isDefault ?? false })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("memberships")
      .values({ workspace_id: workspace.id, user_id: input.adminUserId, role: "admin" })
      .execute();
    await seedBuiltinRules(deps, trx, workspace.id);
    return { id: workspace.id };
  });
}
