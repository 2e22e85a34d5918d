import type { Deps } from "../deps.ts";
import { API_KEY_PREFIX, type Role } from "./schemas.ts";
import { generateApiKey } from "./tokens.ts";

/** Creates an API key; the plain key is returned once and only its hash is stored. */
export async function createApiKey(
  deps: Deps,
  input: { workspaceId: string; name: string; role: Role; createdBy: string | null },
): Promise<{ id: string; key: string; prefix: string }> {
  const generated = generateApiKey(API_KEY_PREFIX);
  const row = await deps.db
    .insertInto("api_keys")
    .values({
      workspace_id: input.workspaceId,
      name: input.name,
      prefix: generated.displayPrefix,
      key_hash: generated.hash,
      role: input.role,
      created_by: input.createdBy,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, key: generated.key, prefix: generated.displayPrefix };
}
