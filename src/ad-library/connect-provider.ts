import { MetaConfigSchema } from "../adapters/meta/schemas.ts";
import { findConnectionConfig } from "../capture/find-connection-config.ts";
import type { Deps } from "../deps.ts";
import { metaGraphProvider } from "./meta-graph-provider.ts";
import { type AdLibraryProvider, AdLibraryProviderError } from "./providers.ts";

/** The workspace's Meta access token (first enabled `meta` connection that has one), or null. */
export async function findMetaAccessToken(deps: Deps, workspaceId: string): Promise<string | null> {
  return findConnectionConfig(deps, { workspaceId, type: "meta" }, (config) => {
    const parsed = MetaConfigSchema.safeParse(config);
    return parsed.success && parsed.data.accessToken ? parsed.data.accessToken : null;
  });
}

/**
 * The provider a workspace's capture uses. Today: the official Meta Ad Library API through the
 * workspace's Meta connection. Another source is one more file implementing AdLibraryProvider, picked here.
 */
export async function connectProvider(deps: Deps, workspaceId: string): Promise<AdLibraryProvider> {
  const accessToken = await findMetaAccessToken(deps, workspaceId);
  if (!accessToken) {
    throw new AdLibraryProviderError(
      "No Meta connection with an access token: add one (type meta, with accessToken) under Connections",
    );
  }
  return metaGraphProvider({ graphUrl: deps.config.outbound.metaGraphUrl, accessToken });
}
