import type { Deps } from "../deps.ts";
import { openConnectionConfig } from "./connection-config.ts";

/**
 * The first of a workspace's enabled connections of `type` (oldest first) whose opened config `pick`
 * accepts, as `pick` returns it; null when none does. Configs are opened one at a time, only as needed.
 */
export async function findConnectionConfig<T>(
  deps: Deps,
  input: { workspaceId: string; type: string },
  pick: (config: Record<string, unknown>) => T | null,
): Promise<T | null> {
  const rows = await deps.db
    .selectFrom("connections")
    .select(["config"])
    .where("workspace_id", "=", input.workspaceId)
    .where("type", "=", input.type)
    .where("disabled_at", "is", null)
    .orderBy("created_at")
    .execute();
  for (const row of rows) {
    const picked = pick(openConnectionConfig(deps, row.config));
    if (picked !== null) return picked;
  }
  return null;
}
