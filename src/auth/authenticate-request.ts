import type { Deps } from "../deps.ts";
import { API_KEY_PREFIX, type Principal, type Role } from "./schemas.ts";
import { hashApiKey, verifySessionToken } from "./tokens.ts";

const CACHE_MS = 30_000;
const CACHE_MAX = 10_000;

interface Cached {
  principal: Principal;
  expiresAt: number;
}

const caches = new WeakMap<Deps, Map<string, Cached>>();

function cacheFor(deps: Deps): Map<string, Cached> {
  let cache = caches.get(deps);
  if (!cache) {
    cache = new Map();
    caches.set(deps, cache);
  }
  return cache;
}

/** Forget cached credentials, e.g. after a membership or API key changes. */
export function forgetCredentials(deps: Deps): void {
  cacheFor(deps).clear();
}

async function resolveApiKey(deps: Deps, key: string): Promise<Principal | null> {
  const row = await deps.db
    .selectFrom("api_keys")
    .select(["id", "workspace_id", "role", "name"])
    .where("key_hash", "=", hashApiKey(key))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  await deps.db
    .updateTable("api_keys")
    .set({ last_used_at: deps.clock.now() })
    .where("id", "=", row.id)
    .execute();
  return {
    workspaceId: row.workspace_id,
    role: row.role,
    userId: null,
    actor: { type: "api_key", id: row.id, label: row.name },
  };
}

async function resolveSession(deps: Deps, token: string): Promise<Principal | null> {
  const claims = await verifySessionToken(deps.jwtKey, token, deps.clock.now());
  if (!claims) return null;
  // The membership is re-read (then cached briefly) so removing a member revokes their sessions.
  const row = await deps.db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["memberships.role", "users.email", "users.disabled_at"])
    .where("memberships.user_id", "=", claims.userId)
    .where("memberships.workspace_id", "=", claims.workspaceId)
    .executeTakeFirst();
  if (!row || row.disabled_at) return null;
  return {
    workspaceId: claims.workspaceId,
    role: row.role as Role,
    userId: claims.userId,
    expiresAt: claims.expiresAt,
    actor: { type: "user", id: claims.userId, label: row.email },
  };
}

/** Resolves `Authorization: Bearer <JWT or API key>` to a principal, or null. */
export async function authenticateRequest(
  deps: Deps,
  authorization: string | undefined,
): Promise<Principal | null> {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  const credential = match?.[1];
  if (!credential || credential.length > 4096) return null;
  const cache = cacheFor(deps);
  const nowMs = deps.clock.now().getTime();
  const hit = cache.get(credential);
  if (hit && hit.expiresAt > nowMs) return hit.principal;
  const principal = credential.startsWith(API_KEY_PREFIX)
    ? await resolveApiKey(deps, credential)
    : await resolveSession(deps, credential);
  // Failures are not cached: a key created a moment ago must work at once.
  if (!principal) return null;
  if (cache.size >= CACHE_MAX) cache.clear();
  const expiresAt = Math.min(nowMs + CACHE_MS, principal.expiresAt ?? Number.POSITIVE_INFINITY);
  cache.set(credential, { principal, expiresAt });
  return principal;
}
