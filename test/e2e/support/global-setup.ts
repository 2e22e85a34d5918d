import { buildWebApp } from "./funil-server.ts";

/** Once per e2e run, before any journey: the web app is built from the current source (journeys run two at a time). */
export function setup(): void {
  buildWebApp();
}
