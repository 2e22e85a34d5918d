import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeApi, graphError, startFakeGraphApi } from "../../enrichment/fake-apis.ts";
import { businessDiscoveryUrl, fetchBusinessDiscovery, GraphApiError } from "./business-discovery.ts";
import { parseGraphUsage } from "./graph-errors.ts";

const IG = "17841455500011122";
const TOKEN = "EAAG-test-token";
const fixture = JSON.parse(
  readFileSync(
    new URL("../../../fixtures/webhooks/meta/ig-business-discovery-response.json", import.meta.url),
    "utf8",
  ),
) as Record<string, unknown>;

let graph: FakeApi;
beforeAll(async () => {
  graph = await startFakeGraphApi({ igUserId: IG, accessToken: TOKEN });
});
afterEach(() => {
  graph.verify();
  graph.reset();
});
afterAll(async () => {
  await graph.close();
});

const call = (username: string, after?: string) =>
  fetchBusinessDiscovery({
    graphUrl: graph.url,
    igUserId: IG,
    accessToken: TOKEN,
    username,
    mediaLimit: 12,
    ...(after ? { after } : {}),
  });

describe("business_discovery", () => {
  it("asks for the profile and the last N media on our own IG user, naming the target", () => {
    const url = new URL(
      businessDiscoveryUrl({
        graphUrl: "https://graph.facebook.com/v21.0",
        igUserId: IG,
        accessToken: TOKEN,
        username: "aurora",
        mediaLimit: 12,
        after: "CUR",
      }),
    );
    expect(url.pathname).toBe(`/v21.0/${IG}`);
    expect(url.searchParams.get("fields")).toMatch(
      /^business_discovery\.username\(aurora\)\{id,username,name,biography,website,followers_count,follows_count,media_count,media\.after\(CUR\)\.limit\(12\)\{id,caption,like_count,comments_count,timestamp,media_type,/,
    );
    expect(url.searchParams.get("access_token")).toBe(TOKEN);
  });

  it("reads the real answer: profile, media and the paging cursor, with the usage headers", async () => {
    graph.expect("estudio.aurora.foto", {
      body: fixture,
      headers: {
        "x-app-usage": JSON.stringify({ call_count: 28, total_time: 25, total_cputime: 25 }),
        "x-business-use-case-usage": JSON.stringify({
          "17841455500011122": [
            {
              type: "instagram",
              call_count: 41,
              total_cputime: 20,
              total_time: 20,
              estimated_time_to_regain_access: 0,
            },
          ],
        }),
      },
    });
    const page = await call("estudio.aurora.foto");
    expect(page.profile).toMatchObject({ id: "17841402277718350", followersCount: 48210, mediaCount: 655 });
    expect(page.media).toHaveLength(3);
    expect(page.after).toMatch(/^QVFIUk5/);
    expect(page.usage).toEqual({ percent: 41, regainSeconds: 0 });
  });

  it.each([
    [400, graphError(110, "Invalid user id", 2207013), "not_business_account", false],
    [400, graphError(100, "Unsupported get request.", 33, "GraphMethodException"), "not_found", false],
    [400, graphError(4, "Application request limit reached"), "throttled", false],
    [403, graphError(80002, "There have been too many calls to this Instagram account."), "throttled", false],
    [429, graphError(613, "Calls to this api have exceeded the rate limit."), "throttled", true],
    [400, graphError(190, "Error validating access token"), "auth_failed", false],
    [500, graphError(2, "An unexpected error has occurred."), "upstream_error", true],
    [400, graphError(100, "Invalid parameter"), "bad_request", false],
  ])("classifies HTTP %i %j as %s (retryable: %s)", async (status, body, kind, retryable) => {
    graph.expect("someone", { status, body });
    const error = await call("someone").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GraphApiError);
    expect((error as GraphApiError).kind).toBe(kind);
    expect((error as GraphApiError).retryable).toBe(retryable);
    // Meta's message never travels in ours (it can name the account).
    expect((error as GraphApiError).message).not.toMatch(/Invalid|limit|someone/);
  });
});

describe("parseGraphUsage", () => {
  it("takes the highest percentage of both headers and the time to regain access", () => {
    const headers = new Headers({
      "x-app-usage": JSON.stringify({ call_count: 12, total_time: 88, total_cputime: 5 }),
      "x-business-use-case-usage": JSON.stringify({
        "1": [
          {
            type: "instagram",
            call_count: 100,
            total_time: 3,
            total_cputime: 3,
            estimated_time_to_regain_access: 7,
          },
        ],
      }),
    });
    expect(parseGraphUsage(headers)).toEqual({ percent: 100, regainSeconds: 420 });
    expect(parseGraphUsage(new Headers())).toBeNull();
    expect(parseGraphUsage(new Headers({ "x-app-usage": "not json" }))).toBeNull();
  });
});
