import type { Deps } from "../deps.ts";

/** A connection's config as stored: the whole JSON sealed (tokens and app secrets are in it). */
export function sealConnectionConfig(deps: Deps, config: Record<string, unknown>): string {
  return JSON.stringify({ sealed: deps.secrets.seal(JSON.stringify(config)) });
}

/** The stored config, opened. */
export function openConnectionConfig(deps: Deps, stored: Record<string, unknown>): Record<string, unknown> {
  if (typeof stored.sealed !== "string") return stored;
  return JSON.parse(deps.secrets.open(stored.sealed)) as Record<string, unknown>;
}
