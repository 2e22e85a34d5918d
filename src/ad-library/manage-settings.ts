import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { findMetaAccessToken } from "./connect-provider.ts";
import { type AdLibrarySettingsInput, adLibraryDb, type SettingsView } from "./schemas.ts";

/** The workspace's Ad Library settings (defaults when never saved: nothing to search, disabled). */
export async function getSettings(deps: Deps, input: { workspaceId: string }): Promise<SettingsView> {
  const row = await adLibraryDb(deps.db)
    .selectFrom("ad_library_settings")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  const hasMetaToken = (await findMetaAccessToken(deps, input.workspaceId)) !== null;
  return {
    searchTerms: row?.search_terms ?? [],
    countries: row?.countries ?? [],
    publisherPlatforms: row?.publisher_platforms ?? [],
    enabled: row?.enabled ?? false,
    hasMetaToken,
    updatedAt: row?.updated_at.toISOString() ?? null,
  };
}

/** Replaces the settings (audited: terms and countries are no personal data). */
export async function updateSettings(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; userId: string | null; settings: AdLibrarySettingsInput },
): Promise<SettingsView> {
  const now = deps.clock.now();
  const { settings } = input;
  await deps.db.transaction().execute(async (tx) => {
    const trx = adLibraryDb(tx);
    const before = await trx
      .selectFrom("ad_library_settings")
      .select(["search_terms", "countries", "publisher_platforms", "enabled"])
      .where("workspace_id", "=", input.workspaceId)
      .forUpdate()
      .executeTakeFirst();
    const values = {
      search_terms: JSON.stringify(settings.searchTerms),
      countries: JSON.stringify(settings.countries),
      publisher_platforms: JSON.stringify(settings.publisherPlatforms),
      enabled: settings.enabled,
      updated_by: input.userId,
      updated_at: now,
    };
    await trx
      .insertInto("ad_library_settings")
      .values({ workspace_id: input.workspaceId, created_at: now, ...values })
      .onConflict((oc) => oc.column("workspace_id").doUpdateSet(values))
      .execute();
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      entityType: "ad_library_settings",
      entityId: input.workspaceId,
      action: before ? "update" : "create",
      actor: input.actor,
      before: before
        ? {
            searchTerms: before.search_terms,
            countries: before.countries,
            publisherPlatforms: before.publisher_platforms,
            enabled: before.enabled,
          }
        : null,
      after: { ...settings },
      at: now,
    });
  });
  return getSettings(deps, { workspaceId: input.workspaceId });
}
