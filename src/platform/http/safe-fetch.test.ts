import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkUrl,
  FetchFailedError,
  FetchRefusedError,
  isBlockedAddress,
  type SafeFetchOptions,
  safeFetch,
} from "./safe-fetch.ts";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A server on 127.0.0.1 (random port) counting its hits. */
async function listen(handler: Handler) {
  let hits = 0;
  const server: Server = createServer((request, response) => {
    hits++;
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Listening = Awaited<ReturnType<typeof listen>>;
let canary: Listening;
let site: Listening;

beforeAll(async () => {
  // Must never be reached: every refusal happens before connect.
  canary = await listen((_request, response) => response.end("canary"));
  site = await listen((request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    const to = url.searchParams.get("to");
    if (url.pathname === "/redirect" && to) {
      response.writeHead(302, { location: to }).end();
    } else if (url.pathname === "/loop") {
      response.writeHead(301, { location: "/loop" }).end();
    } else if (url.pathname === "/big") {
      response.writeHead(200, { "content-type": "text/html" });
      // No content-length: the cap must cut the stream.
      for (let i = 0; i < 64; i++) response.write("x".repeat(1024));
      response.end();
    } else if (url.pathname === "/hang") {
      response.writeHead(200, { "content-type": "text/html" });
      response.write("<html>");
    } else if (url.pathname === "/image") {
      response.writeHead(200, { "content-type": "image/png" }).end("png");
    } else {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<p>ok</p>");
    }
  });
});
afterAll(async () => {
  await canary.close();
  await site.close();
});

const options = (overrides: Partial<SafeFetchOptions> = {}): SafeFetchOptions => ({
  allowHosts: [`127.0.0.1:${site.port}`],
  maxBytes: 16 * 1024,
  timeoutMs: 2000,
  accept: ["text/html"],
  // No test touches real DNS: unknown names do not resolve.
  resolve: async (host) => {
    const table: Record<string, string[]> = {
      "public.test": ["93.184.216.34"],
      "private.test": ["10.1.2.3"],
      "mixed.test": ["93.184.216.34", "192.168.0.10"],
      "metadata.test": ["169.254.169.254"],
      "loopback6.test": ["::1"],
      "mapped.test": ["::ffff:127.0.0.1"],
      localhost: ["127.0.0.1", "::1"],
      "pinned.test": ["127.0.0.1"],
    };
    const found = table[host];
    if (!found) throw new Error("ENOTFOUND");
    return found;
  },
  ...overrides,
});

async function refusal(url: string, overrides: Partial<SafeFetchOptions> = {}) {
  const error = await safeFetch(url, options(overrides)).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error, url).toBeInstanceOf(FetchRefusedError);
  return (error as FetchRefusedError).reason;
}

describe("safeFetch: the SSRF guard", () => {
  it.each([
    ["http://127.0.0.1/", "loopback"],
    ["http://127.1.2.3/", "loopback range"],
    ["http://10.0.0.1/", "10.0.0.0/8"],
    ["http://10.255.255.254/", "10.0.0.0/8"],
    ["http://172.16.5.4/", "172.16.0.0/12"],
    ["http://192.168.1.1/", "192.168.0.0/16"],
    ["http://100.64.0.1/", "CGNAT"],
    ["http://169.254.169.254/latest/meta-data/", "metadata"],
    ["http://[::1]/", "IPv6 loopback"],
    ["http://[::ffff:127.0.0.1]/", "IPv4-mapped loopback"],
    ["http://[::ffff:169.254.169.254]/", "IPv4-mapped metadata"],
    ["http://[64:ff9b::a00:1]/", "NAT64 of 10.0.0.1"],
    ["http://[fe80::1]/", "IPv6 link-local"],
    ["http://[fd00:ec2::254]/", "IPv6 unique local (metadata)"],
    ["http://2130706433/", "decimal loopback"],
    ["http://0177.0.0.1/", "octal loopback"],
    ["http://0x7f.0.0.1/", "hex loopback"],
    ["http://0x7f000001/", "hex loopback (one number)"],
    ["http://017700000001/", "octal loopback (one number)"],
    ["http://0.0.0.0/", "unspecified"],
    ["http://[::]/", "IPv6 unspecified"],
    ["http://224.0.0.1/", "multicast"],
    ["http://255.255.255.255/", "broadcast"],
  ])("refuses %s (%s) before connecting", async (url) => {
    expect(await refusal(url)).toBe("address");
    expect(canary.hits()).toBe(0);
  });

  it("refuses host names that resolve to private addresses, checking every address", async () => {
    expect(await refusal("http://private.test/")).toBe("address");
    expect(await refusal("http://mixed.test/")).toBe("address");
    expect(await refusal("http://metadata.test/")).toBe("address");
    expect(await refusal("http://loopback6.test/")).toBe("address");
    expect(await refusal("http://mapped.test/")).toBe("address");
    expect(await refusal("http://localhost/")).toBe("address");
    expect(await refusal("http://metadata.google.internal/")).toBe("address");
  });

  it("refuses other schemes, credentials and other ports", async () => {
    expect(await refusal("file:///etc/passwd")).toBe("scheme");
    expect(await refusal("ftp://public.test/")).toBe("scheme");
    expect(await refusal("gopher://public.test/")).toBe("scheme");
    expect(await refusal("javascript:alert(1)")).toBe("scheme");
    expect(await refusal("not a url")).toBe("scheme");
    expect(await refusal("http://user:pass@public.test/")).toBe("credentials");
    expect(await refusal("http://public.test:22/")).toBe("port");
    expect(await refusal(`${canary.origin}/`)).toBe("port");
    expect(canary.hits()).toBe(0);
  });

  it("refuses a redirect to loopback, to the canary, to metadata, or to another scheme", async () => {
    for (const to of [
      canary.origin,
      "http://127.0.0.1/",
      "http://localhost/admin",
      "http://[::ffff:7f00:1]/",
      "http://2130706433/",
      "http://169.254.169.254/latest/meta-data/",
      "file:///etc/passwd",
    ]) {
      const reason = await refusal(`${site.origin}/redirect?to=${encodeURIComponent(to)}`);
      expect(["address", "port", "scheme"]).toContain(reason);
    }
    expect(canary.hits()).toBe(0);
  });

  it("follows allowed redirects, re-checked, up to the limit", async () => {
    const hop = `${site.origin}/redirect?to=${encodeURIComponent(`${site.origin}/page`)}`;
    const response = await safeFetch(hop, options());
    expect(response).toMatchObject({ status: 200, url: `${site.origin}/page`, redirects: [hop] });
    expect(response.body.toString()).toBe("<p>ok</p>");
    expect(await refusal(`${site.origin}/loop`)).toBe("redirects");
  });

  it("connects only to the address it checked (pinned, not resolved again)", async () => {
    const response = await safeFetch(`http://pinned.test:${site.port}/page`, {
      ...options(),
      allowHosts: [`pinned.test:${site.port}`],
    });
    expect(response.status).toBe(200);
  });

  it("allows loopback only through the allow-list, host or host:port", async () => {
    expect(await refusal(`${site.origin}/page`, { allowHosts: [] })).toBe("port");
    expect((await safeFetch(`${site.origin}/page`, options({ allowHosts: ["127.0.0.1"] }))).status).toBe(200);
    expect(await refusal(`${canary.origin}/`, { allowHosts: [`127.0.0.1:${site.port}`] })).toBe("port");
    expect(canary.hits()).toBe(0);
  });

  it("caps size and time, and checks the content type", async () => {
    const tooLarge = await safeFetch(`${site.origin}/big`, options()).catch((error: unknown) => error);
    expect(tooLarge).toBeInstanceOf(FetchFailedError);
    expect((tooLarge as FetchFailedError).reason).toBe("too_large");

    const started = Date.now();
    const slow = await safeFetch(`${site.origin}/hang`, options({ timeoutMs: 200 })).catch(
      (error: unknown) => error,
    );
    expect((slow as FetchFailedError).reason).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(1500);

    const image = await safeFetch(`${site.origin}/image`, options()).catch((error: unknown) => error);
    expect((image as FetchFailedError).reason).toBe("content_type");

    const unknown = await safeFetch("http://nowhere.test/", options()).catch((error: unknown) => error);
    expect((unknown as FetchFailedError).reason).toBe("dns");
  });

  it("classifies addresses", () => {
    expect(isBlockedAddress("93.184.216.34")).toBe(false);
    expect(isBlockedAddress("2606:2800:220:1:248:1893:25c8:1946")).toBe(false);
    expect(isBlockedAddress("::ffff:93.184.216.34")).toBe(false);
    expect(isBlockedAddress("::ffff:10.0.0.1")).toBe(true);
    expect(isBlockedAddress("2002:7f00:1::")).toBe(true);
    expect(isBlockedAddress("not-an-ip")).toBe(true);
    expect(checkUrl("HTTP://Example.COM/a", []).hostname).toBe("example.com");
  });
});
