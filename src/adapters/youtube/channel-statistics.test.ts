import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeApi, startFakeYouTubeApi } from "../../enrichment/fake-apis.ts";
import { channelQuery, fetchChannelStatistics, type YouTubeApiError } from "./channel-statistics.ts";

const KEY = "AIza-test";
let yt: FakeApi;
beforeAll(async () => {
  yt = await startFakeYouTubeApi({ apiKey: KEY });
});
afterEach(() => {
  yt.verify();
  yt.reset();
});
afterAll(async () => {
  await yt.close();
});

describe("YouTube channel statistics", () => {
  it("reads subscribers, videos and views by handle", async () => {
    yt.expect("@aurorafoto", {
      body: {
        kind: "youtube#channelListResponse",
        items: [
          {
            kind: "youtube#channel",
            id: "UCabcdefghijklmnopqrstuv",
            snippet: { title: "Aurora Foto", description: "…", customUrl: "@aurorafoto" },
            statistics: {
              viewCount: "1234567",
              subscriberCount: "45600",
              hiddenSubscriberCount: false,
              videoCount: "210",
            },
          },
        ],
      },
    });
    const channel = await fetchChannelStatistics({ apiUrl: yt.url, apiKey: KEY, channel: "@aurorafoto" });
    expect(channel).toEqual({
      channelId: "UCabcdefghijklmnopqrstuv",
      title: "Aurora Foto",
      description: "…",
      customUrl: "@aurorafoto",
      subscribers: 45600,
      subscribersHidden: false,
      videos: 210,
      views: 1234567,
    });
  });

  it("looks channels up by id, and says not found for an empty answer", async () => {
    expect(channelQuery("channel/UCabcdefghijklmnopqrstuv")).toEqual({ id: "UCabcdefghijklmnopqrstuv" });
    expect(channelQuery("https://www.youtube.com/@Fulana")).toEqual({ forHandle: "@Fulana" });
    yt.expect("UCabcdefghijklmnopqrstuv", { body: { items: [] } });
    const error = await fetchChannelStatistics({
      apiUrl: yt.url,
      apiKey: KEY,
      channel: "channel/UCabcdefghijklmnopqrstuv",
    }).catch((caught: unknown) => caught);
    expect((error as YouTubeApiError).kind).toBe("not_found");
  });

  it("classifies quota errors as throttling and 5xx as retryable", async () => {
    yt.expect("@a", {
      status: 403,
      body: { error: { code: 403, message: "quota", errors: [{ reason: "quotaExceeded" }] } },
    });
    yt.expect("@b", { status: 503, body: { error: { code: 503, message: "backend" } } });
    const quota = (await fetchChannelStatistics({ apiUrl: yt.url, apiKey: KEY, channel: "@a" }).catch(
      (e: unknown) => e,
    )) as YouTubeApiError;
    expect([quota.kind, quota.retryable]).toEqual(["throttled", false]);
    const down = (await fetchChannelStatistics({ apiUrl: yt.url, apiKey: KEY, channel: "@b" }).catch(
      (e: unknown) => e,
    )) as YouTubeApiError;
    expect([down.kind, down.retryable]).toEqual(["upstream_error", true]);
  });
});
