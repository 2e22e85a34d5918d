import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "../../../test/fake-slack.ts";
import { postSlackMessage, SlackError } from "./post-slack-message.ts";

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack({ rateLimitAfter: 3, retryAfterSeconds: 5 });
});
afterEach(() => {
  expect(slack.unexpected).toEqual([]);
});
afterAll(async () => {
  await slack.close();
});

async function failure(promise: Promise<unknown>): Promise<SlackError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SlackError);
  return error as SlackError;
}

describe("postSlackMessage against the fake webhook", () => {
  it("posts text and blocks; 200 ok", async () => {
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "*Lead quente* chegou" } }];
    await postSlackMessage({
      webhookUrl: slack.url,
      text: "Lead quente chegou",
      blocks,
      allowHosts: [slack.host],
    });
    await postSlackMessage({ webhookUrl: slack.url, text: "Só texto", allowHosts: [slack.host] });
    expect(slack.messages).toEqual([{ text: "Lead quente chegou", blocks }, { text: "Só texto" }]);
  });

  it("beyond the limit: 429, retryable, with Retry-After", async () => {
    await postSlackMessage({ webhookUrl: slack.url, text: "terceira", allowHosts: [slack.host] });
    const error = await failure(
      postSlackMessage({ webhookUrl: slack.url, text: "quarta", allowHosts: [slack.host] }),
    );
    expect(error).toMatchObject({
      status: 429,
      code: "rate_limited",
      isRetryable: true,
      retryAfterSeconds: 5,
    });
    expect(slack.rateLimited).toBe(1);
  });

  it("a revoked or archived channel is permanent", async () => {
    const gone = await startFakeSlack({ failWith: { status: 404, body: "channel_not_found" } });
    try {
      const error = await failure(
        postSlackMessage({ webhookUrl: gone.url, text: "x", allowHosts: [gone.host] }),
      );
      expect(error).toMatchObject({ status: 404, code: "channel_not_found", isRetryable: false });
      expect(gone.unexpected).toEqual([]);
    } finally {
      await gone.close();
    }
  });
});
