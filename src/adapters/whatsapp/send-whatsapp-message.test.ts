import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeWhatsApp, startFakeWhatsApp } from "../../../test/fake-whatsapp.ts";
import { parseRetryAfter } from "../../platform/http/retry-after.ts";
import {
  closeWhatsAppConnections,
  sendWhatsAppTemplate,
  sendWhatsAppText,
  WhatsAppError,
} from "./send-whatsapp-message.ts";

const TO = "5531988776655";
const CLOSED = "5511999990000";

let meta: FakeWhatsApp;
beforeAll(async () => {
  meta = await startFakeWhatsApp({
    failTemplates: { modelo_inexistente: 132001, modelo_pausado: 132015 },
    closedWindowRecipients: [CLOSED],
  });
});
afterEach(() => {
  expect(meta.unexpected).toEqual([]);
  meta.reset();
});
afterAll(async () => {
  await closeWhatsAppConnections();
  await meta.close();
});

const connection = () => ({
  graphUrl: meta.url,
  phoneNumberId: meta.phoneNumberId,
  accessToken: meta.accessToken,
});

async function failure(promise: Promise<unknown>): Promise<WhatsAppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WhatsAppError);
  return error as WhatsAppError;
}

describe("sendWhatsAppTemplate", () => {
  it("posts the template body exactly as the wire format and returns the wamid", async () => {
    const sent = await sendWhatsAppTemplate({
      ...connection(),
      to: TO,
      template: {
        name: "boas_vindas_lead",
        language: "pt_BR",
        bodyParameters: ["Camila", "12 de janeiro"],
        urlButtonParameter: "lead-7f3a91",
      },
      callbackData: "dispatch_01J9",
    });
    expect(sent.providerMessageId).toMatch(/^wamid\./);
    expect(meta.messages).toHaveLength(1);
    const [message] = meta.messages;
    expect(message?.id).toBe(sent.providerMessageId);
    expect(message?.raw).toStrictEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: TO,
      type: "template",
      template: {
        name: "boas_vindas_lead",
        language: { code: "pt_BR", policy: "deterministic" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "Camila" },
              { type: "text", text: "12 de janeiro" },
            ],
          },
          {
            type: "button",
            sub_type: "url",
            index: "0",
            parameters: [{ type: "text", text: "lead-7f3a91" }],
          },
        ],
      },
      biz_opaque_callback_data: "dispatch_01J9",
    });
    expect(message?.template).toEqual({
      name: "boas_vindas_lead",
      language: "pt_BR",
      bodyParameters: ["Camila", "12 de janeiro"],
      urlButtonParameter: "lead-7f3a91",
    });
  });

  it("leaves out the button and the callback data when not given", async () => {
    await sendWhatsAppTemplate({
      ...connection(),
      to: TO,
      template: { name: "lembrete_aula", language: "pt_BR", bodyParameters: ["Bruno"] },
    });
    expect(meta.messages[0]?.raw).toStrictEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: TO,
      type: "template",
      template: {
        name: "lembrete_aula",
        language: { code: "pt_BR", policy: "deterministic" },
        components: [{ type: "body", parameters: [{ type: "text", text: "Bruno" }] }],
      },
    });
  });

  it("goes out to a recipient whose 24 h window is closed (templates may)", async () => {
    await sendWhatsAppTemplate({
      ...connection(),
      to: CLOSED,
      template: { name: "lembrete_aula", language: "pt_BR", bodyParameters: ["Bruno"] },
    });
    expect(meta.messages).toHaveLength(1);
  });

  it("132001 (template does not exist in the translation) is a permanent template error", async () => {
    const error = await failure(
      sendWhatsAppTemplate({
        ...connection(),
        to: TO,
        template: { name: "modelo_inexistente", language: "pt_BR", bodyParameters: [] },
      }),
    );
    expect(error).toMatchObject({ kind: "template", code: "132001", isRetryable: false, status: 400 });
    expect(error.message).not.toContain(TO);
  });

  it("132015 (paused template) is a permanent template error", async () => {
    const error = await failure(
      sendWhatsAppTemplate({
        ...connection(),
        to: TO,
        template: { name: "modelo_pausado", language: "pt_BR", bodyParameters: ["x"] },
      }),
    );
    expect(error).toMatchObject({ kind: "template", code: "132015", isRetryable: false });
  });

  it("refuses a recipient that is not E.164 digits without calling Meta", async () => {
    const error = await failure(
      sendWhatsAppTemplate({
        ...connection(),
        to: "+55 31 98877-6655",
        template: { name: "lembrete_aula", language: "pt_BR", bodyParameters: [] },
      }),
    );
    expect(error).toMatchObject({ kind: "recipient", code: "invalid_recipient", isRetryable: false });
    expect(error.message).not.toContain("98877");
    expect(meta.messages).toHaveLength(0);
  });
});

describe("sendWhatsAppText", () => {
  it("posts a text message inside the window", async () => {
    const sent = await sendWhatsAppText({
      ...connection(),
      to: TO,
      text: "Oi Camila, sua aula começa em 10 minutos: https://exemplo.com.br/aula",
      previewUrl: true,
      callbackData: "dispatch_02",
    });
    expect(sent.providerMessageId).toMatch(/^wamid\./);
    expect(meta.messages[0]?.raw).toStrictEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: TO,
      type: "text",
      text: {
        preview_url: true,
        body: "Oi Camila, sua aula começa em 10 minutos: https://exemplo.com.br/aula",
      },
      biz_opaque_callback_data: "dispatch_02",
    });
    expect(meta.messages[0]).toMatchObject({
      type: "text",
      to: TO,
      previewUrl: true,
      callbackData: "dispatch_02",
    });
  });

  it("131047 (more than 24 h since the customer wrote) is window_closed and permanent", async () => {
    const error = await failure(sendWhatsAppText({ ...connection(), to: CLOSED, text: "Oi" }));
    expect(error).toMatchObject({
      kind: "window_closed",
      code: "131047",
      isRetryable: false,
      retryAfterSeconds: null,
    });
    expect(error.message).not.toContain(CLOSED);
    expect(meta.messages).toHaveLength(0);
  });
});

describe("failures", () => {
  it("a wrong token is a permanent auth error (401, 190)", async () => {
    const error = await failure(
      sendWhatsAppText({ ...connection(), accessToken: "expired", to: TO, text: "Oi" }),
    );
    expect(error).toMatchObject({ kind: "auth", code: "190", isRetryable: false, status: 401 });
    expect(error.message).not.toContain("expired");
    expect(meta.unexpected).toEqual([
      `POST /v21.0/${meta.phoneNumberId}/messages: missing or wrong access token`,
    ]);
    meta.unexpected.length = 0;
  });

  it("5xx is transient and retryable", async () => {
    meta.failNext(503);
    const error = await failure(sendWhatsAppText({ ...connection(), to: TO, text: "Oi" }));
    expect(error).toMatchObject({ kind: "transient", isRetryable: true, status: 503 });
  });

  it("a connection refused is transient and certainly not sent", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await failure(
      sendWhatsAppText({
        graphUrl: `http://127.0.0.1:${port}/v21.0`,
        phoneNumberId: "1",
        accessToken: "t",
        to: TO,
        text: "Oi",
      }),
    );
    expect(error).toMatchObject({
      kind: "transient",
      code: "network",
      isRetryable: true,
      outcomeUnknown: false,
    });
  });

  it("a timeout is transient, and the outcome is unknown", async () => {
    const silent = createHttpServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const error = await failure(
        sendWhatsAppText({
          graphUrl: `http://127.0.0.1:${port}/v21.0`,
          phoneNumberId: "1",
          accessToken: "t",
          to: TO,
          text: "Oi",
          timeoutMs: 200,
        }),
      );
      expect(error).toMatchObject({
        kind: "transient",
        code: "timeout",
        isRetryable: true,
        outcomeUnknown: true,
      });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe("throughput", () => {
  it("429 (130429) is rate_limited and retryable, with retryAfterSeconds from the header", async () => {
    const limited = await startFakeWhatsApp({ ratePerSecond: 1, retryAfterSeconds: 7 });
    try {
      const input = {
        graphUrl: limited.url,
        phoneNumberId: limited.phoneNumberId,
        accessToken: limited.accessToken,
        to: TO,
        text: "Oi",
      };
      await sendWhatsAppText(input);
      const error = await failure(sendWhatsAppText(input));
      expect(error).toMatchObject({
        kind: "rate_limited",
        code: "130429",
        isRetryable: true,
        retryAfterSeconds: 7,
        status: 429,
      });
      expect(limited.rateLimited).toBe(1);
      expect(limited.unexpected).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it("the fake's rate limit holds: 100 in parallel at 20/s gets some 429s", async () => {
    const limited = await startFakeWhatsApp({ ratePerSecond: 20 });
    try {
      const started = performance.now();
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_, index) =>
          sendWhatsAppTemplate({
            graphUrl: limited.url,
            phoneNumberId: limited.phoneNumberId,
            accessToken: limited.accessToken,
            to: `55319880${String(index).padStart(5, "0")}`,
            template: { name: "lembrete_aula", language: "pt_BR", bodyParameters: [`n${index}`] },
          }),
        ),
      );
      const accepted = results.filter((result) => result.status === "fulfilled").length;
      const refused = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
      const seconds = (performance.now() - started) / 1000;
      // One second's worth at once, then what the bucket refilled while the burst lasted.
      expect(accepted).toBeGreaterThanOrEqual(20);
      expect(accepted).toBeLessThanOrEqual(20 + Math.ceil(seconds * 20));
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.length).toBe(100 - accepted);
      expect(limited.rateLimited).toBe(refused.length);
      for (const reason of refused) {
        expect(reason).toBeInstanceOf(WhatsAppError);
        expect(reason).toMatchObject({ kind: "rate_limited", isRetryable: true });
      }
      expect(limited.messages).toHaveLength(accepted);
      expect(limited.unexpected).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it("80 sends in parallel at 80/s all go through, over pooled keep-alive connections", async () => {
    const before = meta.connections;
    const sends = Array.from({ length: 80 }, (_, index) =>
      sendWhatsAppText({
        ...connection(),
        to: `55319870${String(index).padStart(5, "0")}`,
        text: `Oi ${index}`,
      }),
    );
    const ids = (await Promise.all(sends)).map((sent) => sent.providerMessageId);
    expect(new Set(ids).size).toBe(80);
    const opened = meta.connections - before;
    expect(opened).toBeLessThanOrEqual(64);
    // A second burst reuses the pool.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const again = meta.connections;
    await Promise.all(
      Array.from({ length: 10 }, () => sendWhatsAppText({ ...connection(), to: TO, text: "de novo" })),
    );
    expect(meta.connections).toBe(again);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("12")).toBe(12);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
    const now = Date.parse("2026-12-03T10:00:00Z");
    expect(parseRetryAfter("Thu, 03 Dec 2026 10:00:30 GMT", now)).toBe(30);
  });
});
