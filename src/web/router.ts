import { useSyncExternalStore } from "react";

/** Where the app is: the hash `#/leads/123?q=ana` as a path, its segments and its query. */
export interface Route {
  path: string;
  segments: string[];
  query: URLSearchParams;
}

let cachedHash: string | null = null;
let cachedRoute: Route = { path: "/", segments: [], query: new URLSearchParams() };

function readRoute(): Route {
  const hash = window.location.hash;
  if (hash === cachedHash) return cachedRoute;
  const raw = hash.replace(/^#/, "") || "/";
  const [pathPart = "/", queryPart = ""] = raw.split("?", 2);
  const path = pathPart.startsWith("/") ? pathPart : `/${pathPart}`;
  cachedHash = hash;
  cachedRoute = {
    path,
    segments: path.split("/").filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(queryPart),
  };
  return cachedRoute;
}

function subscribe(listener: () => void) {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, readRoute, readRoute);
}

/** `#/path?query` for links. */
export function href(path: string, query?: URLSearchParams): string {
  const text = query?.toString();
  return `#${path}${text ? `?${text}` : ""}`;
}

/** Goes to `path`; `replace` rewrites the current history entry (filters, redirects). */
export function navigate(path: string, options: { query?: URLSearchParams; replace?: boolean } = {}) {
  const target = href(path, options.query);
  if (target === window.location.hash) return;
  if (options.replace) {
    window.history.replaceState(window.history.state, "", target);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    window.location.hash = target;
  }
}
