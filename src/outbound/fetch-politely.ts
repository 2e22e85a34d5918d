import { setTimeout as sleep } from "node:timers/promises";
import { gunzipSync } from "node:zlib";
import robotsParser from "robots-parser";
import {
  FetchFailedError,
  FetchRefusedError,
  type SafeFetchOptions,
  safeFetch,
  USER_AGENT,
} from "../platform/http/safe-fetch.ts";
import { PAGE_MAX_BYTES, PAGE_TIMEOUT_MS, ROBOTS_MAX_BYTES, SITEMAP_MAX_BYTES } from "./schemas.ts";

export type FetchOutcome =
  | { status: "ok"; url: string; body: Buffer; contentType: string | null }
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
  // sitemap.xml.gz is served under any of the gzip types (or as bytes); the gzip magic decides.
  sitemap: [
    "application/xml",
    "text/xml",
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
  ],
} as const;

const GZIP_TYPES = new Set(["application/gzip", "application/x-gzip", "application/octet-stream"]);

/** A redirect led to a path the target host's robots.txt disallows. */
class RobotsRefusal extends Error {}

/**
 * Cheerio options for a fetched page: the charset the server declared (a `<meta charset>` in the
 * page still wins, as in browsers), UTF-8 when nothing says otherwise.
 */
export function htmlEncodingOf(contentType: string | null): {
  encoding: { transportLayerEncodingLabel?: string; defaultEncoding: string };
} {
  const charset = /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? "")?.[1];
  return {
    encoding: { defaultEncoding: "utf-8", ...(charset ? { transportLayerEncodingLabel: charset } : {}) },
  };
}

/** The gzip magic number. */
export function isGzip(body: Buffer): boolean {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
}

/**
 * A sitemap's XML: gzip (sitemap.xml.gz, or a server that gzips anyway) is inflated with the same cap
 * on the inflated size, so a small bomb that inflates to gigabytes is refused, not expanded.
 */
export function decodeSitemapBody(
  body: Buffer,
  contentType: string | null,
  maxBytes: number,
): { ok: true; xml: string } | { ok: false; reason: "too_large" | "gzip" | "content_type" } {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!isGzip(body)) {
    // Bytes that say they are gzip but are not, or bytes of an unknown kind: not a sitemap.
    return GZIP_TYPES.has(type)
      ? { ok: false, reason: type.includes("gzip") ? "gzip" : "content_type" }
      : { ok: true, xml: body.toString("utf8") };
  }
  try {
    return { ok: true, xml: gunzipSync(body, { maxOutputLength: maxBytes }).toString("utf8") };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { ok: false, reason: code === "ERR_BUFFER_TOO_LARGE" ? "too_large" : "gzip" };
  }
}

/**
 * One run's fetcher: the SSRF guard (safeFetch), robots.txt (fetched once per host per run, for the
 * host asked and for every host a redirect leads to; 4xx means no rules, 5xx or unreachable means stay
 * out), and per-host pacing (one request per `rateLimitMs`, or
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

  /** Before a redirect is followed: the target's robots.txt (its own host's), and its host's pace. */
  async function beforeRedirect(next: URL): Promise<void> {
    if (!(await isAllowed(next))) throw new RobotsRefusal();
    const wait = (nextAt.get(next.host) ?? 0) - Date.now();
    if (wait > 0) await sleep(wait);
  }

  return {
    /**
     * A page (HTML) or a sitemap (XML, or gzipped XML: the text is returned inflated), when robots.txt
     * (of the URL's host and of every host a redirect leads to) and the guard allow it.
     */
    async fetch(raw: string, kind: "page" | "sitemap"): Promise<FetchOutcome> {
      const touched = new Set<string>();
      try {
        const url = new URL(raw);
        if (!(await isAllowed(url))) return { status: "refused", reason: "robots" };
        const maxBytes = kind === "sitemap" ? SITEMAP_MAX_BYTES : PAGE_MAX_BYTES;
        const response = await paced(url.host, () =>
          safeFetch(url, {
            ...base(maxBytes, ACCEPT[kind]),
            beforeRedirect: async (next) => {
              await beforeRedirect(next);
              touched.add(next.host);
            },
          }),
        );
        if (response.status < 200 || response.status >= 300) {
          return { status: "failed", reason: `http_${response.status}` };
        }
        if (kind === "sitemap") {
          const decoded = decodeSitemapBody(response.body, response.contentType, SITEMAP_MAX_BYTES);
          if (!decoded.ok) return { status: "failed", reason: decoded.reason };
          return {
            status: "ok",
            url: response.url,
            body: Buffer.from(decoded.xml, "utf8"),
            contentType: "application/xml; charset=utf-8",
          };
        }
        return { status: "ok", url: response.url, body: response.body, contentType: response.contentType };
      } catch (error) {
        if (error instanceof RobotsRefusal) return { status: "refused", reason: "robots" };
        if (error instanceof FetchRefusedError) return { status: "refused", reason: `guard_${error.reason}` };
        if (error instanceof FetchFailedError) return { status: "failed", reason: error.reason };
        if (error instanceof TypeError) return { status: "refused", reason: "guard_scheme" };
        return { status: "failed", reason: "network" };
      } finally {
        // Hosts a redirect reached are paced like the one asked.
        for (const host of touched) {
          nextAt.set(host, Date.now() + (intervals.get(host) ?? options.rateLimitMs));
        }
      }
    },
  };
}

export type PoliteFetcher = ReturnType<typeof createPoliteFetcher>;
