import { setTimeout as sleep } from "node:timers/promises";
import robotsParser from "robots-parser";
import {
  FetchFailedError,
  FetchRefusedError,
  type SafeFetchOptions,
  safeFetch,
  USER_AGENT,
} from "../platform/http/safe-fetch.ts";
import { PAGE_MAX_BYTES, PAGE_TIMEOUT_MS, ROBOTS_MAX_BYTES } from "./schemas.ts";

export type FetchOutcome =
  | { status: "ok"; url: string; body: Buffer }
  | { status: "refused"; reason: string }
  | { status: "failed"; reason: string };

type Robots = ReturnType<typeof robotsParser>;
/** What robots.txt says for a host: rules, or "everything" allowed / disallowed. */
type HostRules = Robots | "allow-all" | "disallow-all";

export interface PoliteFetcherOptions {
  allowHosts: readonly string[];
  /** At least this long between two requests to one host. */
  rateLimitMs: number;
  /** Tests stub DNS; default: the system resolver. */
  resolve?: SafeFetchOptions["resolve"];
  userAgent?: string;
}

/** Crawl-delay asked by robots.txt is honoured up to this. */
const MAX_CRAWL_DELAY_MS = 30_000;

const ACCEPT = {
  page: ["text/html", "application/xhtml+xml"],
  sitemap: ["application/xml", "text/xml"],
} as const;

/**
 * One run's fetcher: the SSRF guard (safeFetch), robots.txt (fetched once per host per run; 4xx means
 * no rules, 5xx or unreachable means stay out), and per-host pacing (one request per `rateLimitMs`, or
 * the robots.txt Crawl-delay when longer). Requests are sequential.
 */
export function createPoliteFetcher(options: PoliteFetcherOptions) {
  const userAgent = options.userAgent ?? USER_AGENT;
  const rules = new Map<string, Promise<HostRules>>();
  const nextAt = new Map<string, number>();
  const intervals = new Map<string, number>();

  const base = (maxBytes: number, accept?: readonly string[]): SafeFetchOptions => ({
    allowHosts: options.allowHosts,
    maxBytes,
    timeoutMs: PAGE_TIMEOUT_MS,
    userAgent,
    ...(accept ? { accept } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });

  /** Runs one request to `host` at least the host's interval after the end of the previous one. */
  async function paced<T>(host: string, request: () => Promise<T>): Promise<T> {
    const wait = (nextAt.get(host) ?? 0) - Date.now();
    if (wait > 0) await sleep(wait);
    try {
      return await request();
    } finally {
      nextAt.set(host, Date.now() + (intervals.get(host) ?? options.rateLimitMs));
    }
  }

  async function loadRules(origin: URL): Promise<HostRules> {
    const robotsUrl = new URL("/robots.txt", origin).toString();
    try {
      const response = await paced(origin.host, () => safeFetch(robotsUrl, base(ROBOTS_MAX_BYTES)));
      if (response.status >= 500) return "disallow-all";
      if (response.status >= 400) return "allow-all";
      if (response.status >= 300) return "disallow-all";
      const robots = robotsParser(robotsUrl, response.body.toString("utf8"));
      const delay = robots.getCrawlDelay(userAgent);
      if (delay !== undefined && delay > 0) {
        intervals.set(origin.host, Math.max(options.rateLimitMs, Math.min(delay * 1000, MAX_CRAWL_DELAY_MS)));
      }
      return robots;
    } catch (error) {
      if (error instanceof FetchRefusedError) throw error;
      return "disallow-all";
    }
  }

  async function isAllowed(url: URL): Promise<boolean> {
    const key = url.origin;
    let pending = rules.get(key);
    if (!pending) {
      pending = loadRules(url);
      rules.set(key, pending);
    }
    const hostRules = await pending;
    if (hostRules === "allow-all") return true;
    if (hostRules === "disallow-all") return false;
    return hostRules.isAllowed(url.toString(), userAgent) !== false;
  }

  return {
    /** A page (HTML) or a sitemap (XML), when robots.txt and the guard allow it. */
    async fetch(raw: string, kind: "page" | "sitemap"): Promise<FetchOutcome> {
      try {
        const url = new URL(raw);
        if (!(await isAllowed(url))) return { status: "refused", reason: "robots" };
        const response = await paced(url.host, () => safeFetch(url, base(PAGE_MAX_BYTES, ACCEPT[kind])));
        if (response.status < 200 || response.status >= 300) {
          return { status: "failed", reason: `http_${response.status}` };
        }
        return { status: "ok", url: response.url, body: response.body };
      } catch (error) {
        if (error instanceof FetchRefusedError) return { status: "refused", reason: `guard_${error.reason}` };
        if (error instanceof FetchFailedError) return { status: "failed", reason: error.reason };
        if (error instanceof TypeError) return { status: "refused", reason: "guard_scheme" };
        return { status: "failed", reason: "network" };
      }
    },
  };
}

export type PoliteFetcher = ReturnType<typeof createPoliteFetcher>;
