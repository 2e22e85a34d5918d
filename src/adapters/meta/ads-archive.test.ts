import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AdsArchiveError,
  type AdsArchivePage,
  type AdsArchiveQuery,
  fetchAdsArchive,
  stripAccessToken,
  usagePause,
} from "./ads-archive.ts";

const TOKEN = "EAAFICTICIOUS";
const FIXTURE = join(import.meta.dirname, "../../../fixtures/webhooks/meta/ads-archive-response.json");

type Handler = (url: URL, request: IncomingMessage, response: ServerResponse) => void;

async function server(handler: Handler) {
  const seen: URL[] = [];
  const http: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    seen.push(url);
    handler(url, request, response);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

const json = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

let handler: Handler = () => undefined;
let graph: Awaited<ReturnType<typeof server>>;
let elsewhere: Awaited<ReturnType<typeof server>>;

beforeAll(async () => {
  graph = await server((url, request, response) => handler(url, request, response));
  elsewhere = await server((_url, _request, response) => json(response, 200, { data: [] }));
});
afterAll(async () => {
  await graph?.close();
  await elsewhere?.close();
});
afterEach(() => {
  graph.seen.length = 0;
  elsewhere.seen.length = 0;
});

const query = (): AdsArchiveQuery => ({
  graphUrl: `${graph.origin}/v21.0`,
  accessToken: TOKEN,
  searchTerms: "fotografia",
  countries: ["DE", "PT"],
  since: "2026-01-02",
  until: "2026-01-08",
});

async function collect(iterator: AsyncGenerator<AdsArchivePage>): Promise<AdsArchivePage[]> {
  const pages: AdsArchivePage[] = [];
  for await (const page of iterator) pages.push(page);
  return pages;
}

/** The fixture (WIRE-FORMATS §2.8), its `next` pointed at the local server. */
function fixturePage(next: string | null) {
  const body = JSON.parse(readFileSync(FIXTURE, "utf8")) as { paging: { next?: string } };
  if (next) body.paging.next = next;
  else delete body.paging.next;
  return body;
}

describe("ads_archive", () => {
  it("asks for the window and countries, follows paging.next, strips the token from snapshot links", async () => {
    handler = (url, _request, response) => {
      if (url.pathname !== "/v21.0/ads_archive" || url.searchParams.get("access_token") !== TOKEN) {
        return json(response, 500, {});
      }
      if (!url.searchParams.has("after")) {
        return json(
          response,
          200,
          fixturePage(`${graph.origin}/v21.0/ads_archive?access_token=${TOKEN}&after=p2`),
        );
      }
      if (url.searchParams.get("after") === "p2") {
        return json(
          response,
          200,
          fixturePage(`${graph.origin}/v21.0/ads_archive?access_token=${TOKEN}&after=p3`),
        );
      }
      return json(response, 200, {
        data: [],
        paging: { next: `${graph.origin}/v21.0/ads_archive?after=p4` },
      });
    };
    const pages = await collect(fetchAdsArchive(query(), { sleep: async () => undefined }));
    expect(pages.map((page) => page.ads.length)).toEqual([2, 2, 0]);
    expect(graph.seen).toHaveLength(3);
    const first = graph.seen[0] as URL;
    expect(first.searchParams.get("search_terms")).toBe("fotografia");
    expect(first.searchParams.get("ad_reached_countries")).toBe('["DE","PT"]');
    expect(first.searchParams.get("ad_delivery_date_min")).toBe("2026-01-02");
    expect(first.searchParams.get("ad_delivery_date_max")).toBe("2026-01-08");
    expect(first.searchParams.get("fields")).toContain("page_id");
    const [aurora, lumina] = pages[0]?.ads ?? [];
    expect(aurora).toEqual({
      id: "1092837465019283",
      pageId: "104455667788990",
      pageName: "Estúdio Aurora",
      snapshotUrl: "https://www.facebook.com/ads/archive/render_ad/?id=1092837465019283",
      platforms: ["facebook", "instagram"],
      deliveryStart: "2026-01-04",
      deliveryStop: null,
    });
    // Stopped on 2026-01-08, inside the window: kept.
    expect(lumina?.deliveryStop).toBe("2026-01-08");
    expect(JSON.stringify(pages)).not.toContain(TOKEN);
  });

  it("drops ads that stopped before the window", async () => {
    handler = (_url, _request, response) => json(response, 200, fixturePage(null));
    const pages = await collect(fetchAdsArchive({ ...query(), since: "2026-01-09", until: "2026-01-15" }));
    expect(pages[0]?.ads.map((ad) => ad.id)).toEqual(["1092837465019283"]);
  });

  it("refuses a next page on another host", async () => {
    handler = (_url, _request, response) =>
      json(response, 200, fixturePage(`${elsewhere.origin}/v21.0/ads_archive?after=x`));
    const pages: AdsArchivePage[] = [];
    await expect(async () => {
      for await (const page of fetchAdsArchive(query())) pages.push(page);
    }).rejects.toThrow(/another host/);
    expect(pages).toHaveLength(1);
    expect(elsewhere.seen).toHaveLength(0);
  });

  it("retries 5xx and throttling up to 3 times, then fails in plain words without the token", async () => {
    handler = (_url, _request, response) =>
      json(response, 503, {
        error: {
          message: `Service temporarily unavailable access_token=${TOKEN}`,
          type: "OAuthException",
          code: 2,
        },
      });
    const failure = await collect(fetchAdsArchive(query(), { initialDelayMs: 1, maxDelayMs: 5 })).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AdsArchiveError);
    expect(graph.seen).toHaveLength(4);
    const message = (failure as Error).message;
    expect(message).toContain("Service temporarily unavailable");
    expect(message).toContain("code 2");
    expect(message).not.toContain(TOKEN);

    graph.seen.length = 0;
    let calls = 0;
    handler = (_url, _request, response) => {
      calls++;
      if (calls === 1)
        return json(response, 400, {
          error: { message: "(#613) rate limit", type: "OAuthException", code: 613 },
        });
      return json(response, 200, fixturePage(null));
    };
    const pages = await collect(fetchAdsArchive(query(), { initialDelayMs: 1 }));
    expect(pages[0]?.ads).toHaveLength(2);
    expect(graph.seen).toHaveLength(2);

    graph.seen.length = 0;
    handler = (_url, _request, response) =>
      json(response, 400, {
        error: { message: "(#100) Invalid parameter", type: "OAuthException", code: 100 },
      });
    await expect(collect(fetchAdsArchive(query(), { initialDelayMs: 1 }))).rejects.toThrow(
      "(#100) Invalid parameter",
    );
    expect(graph.seen).toHaveLength(1);
  });

  it("slows down when X-App-Usage is high", async () => {
    handler = (url, _request, response) => {
      const usage = JSON.stringify({ call_count: 92, total_time: 10, total_cputime: 10 });
      if (!url.searchParams.has("after")) {
        return json(response, 200, fixturePage(`${graph.origin}/v21.0/ads_archive?after=2`), {
          "x-app-usage": usage,
        });
      }
      return json(response, 200, { data: [] }, { "x-app-usage": usage });
    };
    const waits: number[] = [];
    const pages = await collect(
      fetchAdsArchive(query(), {
        sleep: async (ms) => {
          waits.push(ms);
        },
      }),
    );
    expect(pages).toHaveLength(2);
    expect(waits).toEqual([30_000]);
    // The token was added back to a next URL that lacked it.
    expect(graph.seen[1]?.searchParams.get("access_token")).toBe(TOKEN);
    expect(usagePause({ percent: 10, regainSeconds: 0 })).toBe(0);
    expect(usagePause({ percent: 100, regainSeconds: 300 })).toBe(300_000);
  });

  it("strips credentials from URLs", () => {
    expect(stripAccessToken("https://www.facebook.com/ads/archive/render_ad/?id=1&access_token=abc")).toBe(
      "https://www.facebook.com/ads/archive/render_ad/?id=1",
    );
    expect(stripAccessToken("not a url?access_token=abc&id=2")).not.toContain("abc");
  });
});
