import type { Kysely, Transaction } from "kysely";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import type { DB } from "../platform/db/schema.ts";
import { enqueue } from "../platform/queue/queue.ts";
import {
  DEFAULT_TIERS,
  enrichmentDb,
  RETIER_WORKSPACE_JOB,
  type TierSettings,
  TierSettingsSchema,
} from "./schemas.ts";

export interface TierSettingsView extends TierSettings {
  version: number;
  defaults: TierSettings;
}

/** The workspace's creator tiers (the defaults until someone changes them). */
export async function getTierSettings(
  db: Kysely<DB> | Transaction<DB>,
  workspaceId: string,
): Promise<TierSettings & { version: number }> {
  const row = await enrichmentDb(db)
    .selectFrom("enrichment_settings")
    .select(["tiers", "version"])
    .where("workspace_id", "=", workspaceId)
    .executeTakeFirst();
  if (!row) return { ...DEFAULT_TIERS, version: 0 };
  const parsed = TierSettingsSchema.safeParse({ tiers: row.tiers });
  return parsed.success
    ? { ...parsed.data, version: row.version }
    : { ...DEFAULT_TIERS, version: row.version };
}

/** Replaces the tiers (audited); every enriched contact is re-tiered (and re-scored) in the background. */
export async function updateTierSettings(
  deps: Deps,
  input: { workspaceId: string; settings: TierSettings; actor: Actor },
): Promise<TierSettingsView> {
  const at = deps.clock.now();
  const before = await getTierSettings(deps.db, input.workspaceId);
  const version = await deps.db.transaction().execute(async (trx) => {
    const row = await enrichmentDb(trx)
      .insertInto("enrichment_settings")
      .values({
        workspace_id: input.workspaceId,
        version: 1,
        tiers: JSON.stringify(input.settings.tiers),
        updated_at: at,
        updated_by: input.actor.label ?? input.actor.type,
      })
      .onConflict((oc) =>
        oc.column("workspace_id").doUpdateSet((eb) => ({
          version: eb("enrichment_settings.version", "+", 1),
          tiers: JSON.stringify(input.settings.tiers),
          updated_at: at,
          updated_by: input.actor.label ?? input.actor.type,
        })),
      )
      .returning("version")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "enrichment_tiers",
      entityId: input.workspaceId,
      action: "update",
      actor: input.actor,
      before: { tiers: before.tiers, version: before.version },
      after: { tiers: input.settings.tiers, version: row.version },
      at,
    });
    await enqueue(trx, RETIER_WORKSPACE_JOB, { workspaceId: input.workspaceId, version: row.version });
    return row.version;
  });
  return { ...input.settings, version, defaults: DEFAULT_TIERS };
}
