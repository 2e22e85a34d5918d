import { lookup as dnsLookup } from "node:dns/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

/**
 * A fetch for URLs that users (or the pages they point at) choose: the SSRF guard.
 *
 * - http/https only, no credentials in the URL, ports 80/443 only;
 * - the host is parsed by WHATWG URL (decimal, octal and hex IPv4 forms become dotted quads) and every
 *   address it resolves to is checked: private, loopback, link-local (metadata), CGNAT, multicast,
 *   reserved, unspecified, and the IPv4 inside IPv4-mapped / NAT64 / 6to4 IPv6 addresses;
 * - the connection goes to the checked address only (pinned through `lookup`), so a second DNS answer
 *   (rebinding) cannot swap it;
 * - redirects are followed by hand, each hop checked again, at most `maxRedirects`;
 * - one deadline for the whole fetch, the body streamed and cut at `maxBytes`, the content type checked.
 *
 * `allowHosts` (host or host:port, from `config.outbound.fetchAllowHosts`) is the only way past the
 * address and port checks: for local test servers.
 */

export const USER_AGENT = "FunilBot/1.0 (+https://github.com/funil)";

export type RefusedReason = "scheme" | "credentials" | "port" | "address" | "redirects";
export type FailedReason = "dns" | "timeout" | "too_large" | "content_type" | "network";

/** The guard said no: nothing was (or will be) connected to. */
export class FetchRefusedError extends Error {
  constructor(
    readonly reason: RefusedReason,
    message: string,
  ) {
    super(message);
    this.name = "FetchRefusedError";
  }
}

/** The fetch was allowed but did not produce a usable response. */
export class FetchFailedError extends Error {
  constructor(
    readonly reason: FailedReason,
    message: string,
  ) {
    super(message);
    this.name = "FetchFailedError";
  }
}

export interface SafeFetchOptions {
  /** host or host:port (lowercase) reachable although private or on another port (tests only). */
  allowHosts: readonly string[];
  maxBytes: number;
  /** For the whole fetch, redirects included. */
  timeoutMs: number;
  maxRedirects?: number;
  /** Accepted media types (`text/html`, …); a response of another type fails unread. Any when absent. */
  accept?: readonly string[];
  userAgent?: string;
  /** Resolves a host name to its addresses (tests stub it; default: the system resolver). */
  resolve?: (host: string) => Promise<string[]>;
  signal?: AbortSignal;
  /** GET by default. A POST is never redirected: a 3xx answer is returned as it is. */
  method?: "GET" | "POST";
  body?: string | Buffer;
  headers?: Record<string, string>;
  /**
   * Called with every redirect target that passed the URL checks, before it is resolved or connected
   * to; throwing stops the fetch with that error (robots.txt of the target's host, pacing).
   */
  beforeRedirect?: (next: URL) => Promise<void> | void;
}

export interface SafeResponse {
  /** The final URL, after redirects. */
  url: string;
  status: number;
  contentType: string | null;
  body: Buffer;
  /** The URLs redirected from, in order. */
  redirects: string[];
  /** Response headers, lower-case names (repeated ones joined with ", "). */
  headers: Record<string, string>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };
/** Names that mean the cloud metadata service whatever they resolve to. */
const METADATA_NAMES = new Set([
  "metadata",
  "metadata.google.internal",
  "instance-data",
  "metadata.internal",
]);

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // CGNAT (and 100.100.100.200, a metadata address)
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (169.254.169.254: metadata)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 96], // unspecified, loopback, IPv4-compatible
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard
  ["2001::", 23], // IETF protocol assignments (Teredo, ORCHID…)
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local (fd00:ec2::254: a metadata address)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/** Expands an IPv6 address (no brackets, no zone) to its eight 16-bit groups; null when malformed. */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const parts = dotted[1].split(".").map(Number);
    if (parts.some((part) => part > 255)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array.from({ length: missing }, () => "0"), ...tail].map((group) =>
    /^[0-9a-f]{1,4}$/.test(group) ? Number.parseInt(group, 16) : Number.NaN,
  );
  return groups.some(Number.isNaN) ? null : groups;
}

/** The IPv4 address an IPv6 address carries (mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16). */
function embeddedIpv4(groups: number[]): string | null {
  const quad = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return quad(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return quad(g6, g7);
  if (g0 === 0x2002) return quad(g1 ?? 0, g2 ?? 0);
  return null;
}

/** True when `address` (an IP literal) is not a public unicast address. Malformed counts as blocked. */
export function isBlockedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, "ipv4");
  if (family !== 6) return true;
  const groups = ipv6Groups(bare);
  if (!groups) return true;
  const inner = embeddedIpv4(groups);
  if (inner !== null && isBlockedAddress(inner)) return true;
  // IPv4-mapped addresses are only reachable as their IPv4 address, checked above.
  if (inner !== null && groups[5] === 0xffff) return false;
  return blocked.check(bare, "ipv6");
}

/** The URL, parsed and checked for scheme, credentials and port (not yet its addresses). */
export function checkUrl(raw: string | URL, allowHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchRefusedError("scheme", "not a valid absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FetchRefusedError("scheme", "only http and https URLs can be fetched");
  }
  if (url.username || url.password) {
    throw new FetchRefusedError("credentials", "URLs with credentials are refused");
  }
  const port = url.port || DEFAULT_PORTS[url.protocol];
  if (!isAllowListed(url, allowHosts) && port !== "80" && port !== "443") {
    throw new FetchRefusedError("port", "only ports 80 and 443 can be fetched");
  }
  return url;
}

function isAllowListed(url: URL, allowHosts: readonly string[]): boolean {
  if (allowHosts.length === 0) return false;
  const host = url.hostname.toLowerCase();
  const port = url.port || DEFAULT_PORTS[url.protocol] || "";
  const bare = host.replace(/^\[|\]$/g, "");
  return (
    allowHosts.includes(host) ||
    allowHosts.includes(bare) ||
    allowHosts.includes(`${host}:${port}`) ||
    allowHosts.includes(`${bare}:${port}`)
  );
}

const systemResolve = async (host: string): Promise<string[]> =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/** The address to connect to for `url`, after checking every address its host resolves to. */
async function pickAddress(
  url: URL,
  options: SafeFetchOptions,
): Promise<{ address: string; family: 4 | 6 } | null> {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const allowed = isAllowListed(url, options.allowHosts);
  if (isIP(host) !== 0) {
    if (!allowed && isBlockedAddress(host)) {
      throw new FetchRefusedError("address", "the address is private, loopback or reserved");
    }
    return null; // a literal: nothing to resolve or pin
  }
  if (!allowed && (METADATA_NAMES.has(host.replace(/\.$/, "")) || host.endsWith(".internal"))) {
    throw new FetchRefusedError("address", "the host is an internal name");
  }
  let addresses: string[];
  try {
    addresses = await (options.resolve ?? systemResolve)(host);
  } catch {
    throw new FetchFailedError("dns", "the host name does not resolve");
  }
  if (addresses.length === 0) throw new FetchFailedError("dns", "the host name does not resolve");
  if (!allowed && addresses.some(isBlockedAddress)) {
    throw new FetchRefusedError("address", "the host resolves to a private, loopback or reserved address");
  }
  const address = addresses[0] as string;
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}

function mediaType(contentType: string | null): string | null {
  return contentType?.split(";")[0]?.trim().toLowerCase() || null;
}

interface Hop {
  status: number;
  contentType: string | null;
  location: string | null;
  body: Buffer;
  headers: Record<string, string>;
}

function flatHeaders(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** One request to the pinned address; reads the body only when it is not a redirect. */
function requestOnce(
  url: URL,
  pinned: { address: string; family: 4 | 6 } | null,
  options: SafeFetchOptions,
  signal: AbortSignal,
): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const lookup: LookupFunction | undefined = pinned
      ? (_hostname, lookupOptions, callback) => {
          if (lookupOptions.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
          else callback(null, pinned.address, pinned.family);
        }
      : undefined;
    const client = url.protocol === "https:" ? https : http;
    const request = client.request(
      url,
      {
        method: options.method ?? "GET",
        headers: {
          "user-agent": options.userAgent ?? USER_AGENT,
          accept: options.accept?.join(", ") ?? "*/*",
          "accept-encoding": "identity",
          ...options.headers,
          ...(options.body === undefined
            ? {}
            : { "content-length": String(Buffer.byteLength(options.body)) }),
        },
        ...(lookup ? { lookup } : {}),
        agent: false,
        signal,
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        const contentType = response.headers["content-type"] ?? null;
        const location = response.headers.location ?? null;
        const headers = flatHeaders(response);
        if (REDIRECTS.has(status) && location && (options.method ?? "GET") === "GET") {
          response.destroy();
          resolve({ status, contentType, location, body: Buffer.alloc(0), headers });
          return;
        }
        const type = mediaType(contentType);
        if (options.accept && status < 300 && (!type || !options.accept.includes(type))) {
          response.destroy();
          reject(new FetchFailedError("content_type", `unexpected content type ${type ?? "(none)"}`));
          return;
        }
        const declared = Number(response.headers["content-length"] ?? Number.NaN);
        if (Number.isFinite(declared) && declared > options.maxBytes) {
          response.destroy();
          reject(new FetchFailedError("too_large", "the response is larger than allowed"));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let ended = false;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            response.destroy();
            reject(new FetchFailedError("too_large", "the response is larger than allowed"));
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () => {
          ended = true;
          resolve({ status, contentType, location, body: Buffer.concat(chunks), headers });
        });
        response.on("error", (error) => reject(error));
        response.on("close", () => {
          if (!ended) reject(new Error("the connection closed before the end of the response"));
        });
      },
    );
    request.on("error", (error) => reject(error));
    request.end(options.body);
  });
}

/** GET (or POST) `raw` through the guard. Non-2xx responses are returned, not thrown. */
export async function safeFetch(raw: string | URL, options: SafeFetchOptions): Promise<SafeResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const maxRedirects = options.maxRedirects ?? 5;
  const redirects: string[] = [];
  try {
    let url = checkUrl(raw, options.allowHosts);
    for (;;) {
      const pinned = await pickAddress(url, options);
      if (controller.signal.aborted) throw new FetchFailedError("timeout", "the fetch took too long");
      let hop: Hop;
      try {
        hop = await requestOnce(url, pinned, options, controller.signal);
      } catch (error) {
        if (error instanceof FetchFailedError || error instanceof FetchRefusedError) throw error;
        if (controller.signal.aborted) throw new FetchFailedError("timeout", "the fetch took too long");
        throw new FetchFailedError("network", error instanceof Error ? error.message : String(error));
      }
      if (hop.location !== null && REDIRECTS.has(hop.status) && (options.method ?? "GET") === "GET") {
        if (redirects.length >= maxRedirects) {
          throw new FetchRefusedError("redirects", `more than ${maxRedirects} redirects`);
        }
        redirects.push(url.toString());
        let next: URL;
        try {
          next = new URL(hop.location, url);
        } catch {
          throw new FetchRefusedError("scheme", "the redirect target is not a valid URL");
        }
        url = checkUrl(next, options.allowHosts);
        await options.beforeRedirect?.(url);
        continue;
      }
      return {
        url: url.toString(),
        status: hop.status,
        contentType: hop.contentType,
        body: hop.body,
        redirects,
        headers: hop.headers,
      };
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
