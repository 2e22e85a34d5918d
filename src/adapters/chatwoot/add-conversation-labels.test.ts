import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeChatwoot, startFakeChatwoot } from "../../../test/fake-chatwoot.ts";
import { addConversationLabels, ChatwootError, unionLabels } from "./add-conversation-labels.ts";

const TOKEN = "cw-agent-bot-token";
const ACCOUNT = 7;

let chatwoot: FakeChatwoot;
beforeAll(async () => {
  chatwoot = await startFakeChatwoot({
    apiToken: TOKEN,
    accountId: ACCOUNT,
    conversations: {
      101: ["origem_instagram", "suporte"],
      102: ["lead_quente"],
      103: [],
    },
  });
});
afterEach(() => {
  expect(chatwoot.unexpected).toEqual([]);
  chatwoot.requests.length = 0;
});
afterAll(async () => {
  await chatwoot.close();
});

const add = (
  conversationId: number,
  labels: string[],
  overrides: { apiToken?: string; allowHosts?: string[] } = {},
) =>
  addConversationLabels({
    baseUrl: chatwoot.url,
    apiToken: overrides.apiToken ?? TOKEN,
    accountId: ACCOUNT,
    conversationId,
    labels,
    allowHosts: overrides.allowHosts ?? [chatwoot.host],
  });

async function failure(promise: Promise<unknown>): Promise<ChatwootError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ChatwootError);
  return error as ChatwootError;
}

const path = (id: number) => `/api/v1/accounts/${ACCOUNT}/conversations/${id}/labels`;

describe("addConversationLabels", () => {
  it("keeps the existing labels and appends the new one (GET, then POST the union)", async () => {
    const result = await add(101, ["lead_quente"]);
    expect(result.labels).toEqual(["origem_instagram", "suporte", "lead_quente"]);
    expect(chatwoot.labels(101)).toEqual(["origem_instagram", "suporte", "lead_quente"]);
    expect(chatwoot.requests).toEqual([
      { method: "GET", path: path(101) },
      { method: "POST", path: path(101) },
    ]);
  });

  it("does not POST when nothing is new (same label, other case or spacing)", async () => {
    const result = await add(102, ["lead_quente", " LEAD_QUENTE "]);
    expect(result.labels).toEqual(["lead_quente"]);
    expect(chatwoot.requests).toEqual([{ method: "GET", path: path(102) }]);
  });

  it("adds several new labels once each, in order, to a conversation with none", async () => {
    const result = await add(103, ["comprou", "turma_2027", "comprou"]);
    expect(result.labels).toEqual(["comprou", "turma_2027"]);
    expect(chatwoot.labels(103)).toEqual(["comprou", "turma_2027"]);
  });

  it("maps 404 to a permanent conversation_not_found", async () => {
    const error = await failure(add(999, ["x"]));
    expect(error).toMatchObject({
      kind: "not_found",
      code: "conversation_not_found",
      isRetryable: false,
      status: 404,
    });
    expect(chatwoot.requests).toEqual([{ method: "GET", path: path(999) }]);
  });

  it("maps a wrong token to a permanent auth error", async () => {
    const error = await failure(add(101, ["x"], { apiToken: "wrong" }));
    expect(error).toMatchObject({ kind: "auth", code: "unauthorized", isRetryable: false, status: 401 });
    expect(error.message).not.toContain("wrong");
    expect(chatwoot.unexpected).toHaveLength(1);
    chatwoot.unexpected.length = 0;
  });

  it("429 is retryable with Retry-After; 5xx is retryable", async () => {
    chatwoot.failNext({ status: 429, headers: { "retry-after": "30" } }, { status: 502 });
    expect(await failure(add(101, ["x"]))).toMatchObject({
      kind: "rate_limited",
      isRetryable: true,
      retryAfterSeconds: 30,
    });
    expect(await failure(add(101, ["x"]))).toMatchObject({
      kind: "transient",
      code: "http_502",
      isRetryable: true,
    });
    expect(chatwoot.labels(101)).not.toContain("x");
  });

  it("a failed POST leaves the labels as they were, and running it again completes", async () => {
    chatwoot.failNext({ status: 503, method: "POST" });
    expect(await failure(add(102, ["retry_ok"]))).toMatchObject({ code: "http_503", isRetryable: true });
    expect(chatwoot.labels(102)).toEqual(["lead_quente"]);
    expect(await add(102, ["retry_ok"])).toEqual({ labels: ["lead_quente", "retry_ok"] });
    expect(chatwoot.requests.map((request) => request.method)).toEqual(["GET", "POST", "GET", "POST"]);
  });

  it("refuses a private address that is not allow-listed (the base URL is user-given)", async () => {
    const error = await failure(add(101, ["x"], { allowHosts: [] }));
    expect(error).toMatchObject({ kind: "refused", isRetryable: false });
    expect(chatwoot.requests).toEqual([]);
  });
});

describe("unionLabels", () => {
  it("keeps order, appends new ones, no duplicates, no blanks", () => {
    expect(unionLabels(["a", "B"], ["b", "c", "", "  ", "c", "d"])).toEqual(["a", "B", "c", "d"]);
  });
});
