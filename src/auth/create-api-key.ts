import { recordAudit } from "../audit/record-audit.ts";
import type { Deps } from "../deps.ts";
import { type Actor, API_KEY_PREFIX, type Role } from "./schemas.ts";
import { generateApiKey } from "./tokens.ts";

/** Creates an API key; the plain key is returned once and only its hash is stored. */
export async function createApiKey(
  deps: Deps,
  input: { workspaceId: string; name: string; role: Role; createdBy: string | null; actor?: Actor },
): Promise<{ id: string; key: string; prefix: string }> {
  const generated = generateApiKey(API_KEY_PREFIX);
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
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
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "workspace",
      entityId: input.workspaceId,
      action: "api_key.created",
      actor: input.actor ?? { type: "system", id: null, label: "funil" },
      before: null,
      after: { apiKeyId: row.id, name: input.name, role: input.role },
      at: deps.clock.now(),
    });
    return { id: row.id, key: generated.key, prefix: generated.displayPrefix };
  });
}
