import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Local stand-ins for what the journeys of Creator Discovery reach outside: a public web site (HTML
 * and robots.txt) and the Graph API (business discovery and ads_archive), on 127.0.0.1. Every request
 * they were not told about is recorded in `unexpected` (and answered 599), for the test to assert on.
 */

export interface FakeServer {
  url: string;
  port: number;
  requests: string[];
  unexpected: string[];
  close(): Promise<void>;
}

type Handler = (url: URL, request: IncomingMessage) => { status: number; type: string; body: string } | null;

async function serve(handler: Handler): Promise<FakeServer> {
  const requests: string[] = [];
  const unexpected: string[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push(url.pathname);
    const answer = request.method === "GET" ? handler(url, request) : null;
    if (!answer) {
      unexpected.push(`${request.method} ${url.pathname}`);
      response.writeHead(599, { "content-type": "application/json" }).end('{"error":"unexpected"}');
      return;
    }
    response.writeHead(answer.status, { "content-type": answer.type }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    unexpected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A site serving `pages` (path → HTML) and `robots` as /robots.txt. */
export function startFakeSite(pages: Record<string, string>, robots = "User-agent: *\nAllow: /\n") {
  return serve((url) => {
    if (url.pathname === "/robots.txt") return { status: 200, type: "text/plain", body: robots };
    const page = pages[url.pathname];
    return page === undefined ? null : { status: 200, type: "text/html; charset=utf-8", body: page };
  });
}

export interface FakeAd {
  id: string;
  pageId: string;
  pageName: string;
  platforms: string[];
  start: string;
}

/**
 * The Graph API under `/v21.0`: `/{igUserId}?fields=business_discovery.username(U){…}` answers the
 * profile given for U (404-style Graph error for others); `/ads_archive` answers one page of `ads`
 * for any of `terms`. The access token must be `accessToken`.
 */
export function startFakeGraph(options: {
  igUserId: string;
  accessToken: string;
  profiles: Record<string, unknown>;
  terms: string[];
  ads: FakeAd[];
}) {
  return serve((url) => {
    const json = (status: number, body: unknown) => ({
      status,
      type: "application/json",
      body: JSON.stringify(body),
    });
    if (url.searchParams.get("access_token") !== options.accessToken) return null;
    if (url.pathname === `/v21.0/${options.igUserId}`) {
      const username = /^business_discovery\.username\(([^)]+)\)/.exec(
        url.searchParams.get("fields") ?? "",
      )?.[1];
      const profile = username ? options.profiles[username] : undefined;
      if (!username) return null;
      return profile
        ? json(200, profile)
        : json(400, {
            error: {
              message: "Invalid user id",
              type: "OAuthException",
              code: 110,
              error_subcode: 2207013,
              fbtrace_id: "AbC",
            },
          });
    }
    if (url.pathname === "/v21.0/ads_archive") {
      if (!options.terms.includes(url.searchParams.get("search_terms") ?? "")) return null;
      return json(200, {
        data: options.ads.map((ad) => ({
          id: ad.id,
          ad_creation_time: ad.start,
          ad_delivery_start_time: ad.start,
          ad_snapshot_url: `https://www.facebook.com/ads/archive/render_ad/?id=${ad.id}&access_token=${options.accessToken}`,
          languages: ["pt"],
          page_id: ad.pageId,
          page_name: ad.pageName,
          publisher_platforms: ad.platforms,
        })),
        paging: { cursors: { before: "b0", after: "a0" } },
      });
    }
    return null;
  });
}
