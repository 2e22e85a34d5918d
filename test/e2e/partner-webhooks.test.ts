import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyStandardWebhook } from "../../src/platform/crypto/hmac.ts";
import { useBrowserSession } from "./support/browser-session.ts";

/**
 * Webhooks de parceiros in a real browser: an endpoint on a local receiver (127.0.0.1), its secret
 * shown once, a test event delivered and signed, a refused one retried from the delivery log.
 */

let receiver: Server;
let port = 0;
let secret = "";
let answers: number[] = [];
const received: { type: string; verified: boolean }[] = [];

describe("Webhooks de parceiros, in a real browser", () => {
  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const raw = Buffer.concat(chunks);
        const verified = verifyStandardWebhook({
          secret,
          headers: request.headers,
          rawBody: raw,
          now: new Date(),
        });
        received.push({
          type: (JSON.parse(raw.toString("utf8")) as { type: string }).type,
          verified: verified.ok,
        });
        const status = answers.shift() ?? 200;
        response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "nope");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    port = (receiver.address() as AddressInfo).port;
  });
  const session = useBrowserSession(() => ({ env: { FUNIL_FETCH_ALLOW_HOSTS: `127.0.0.1:${port}` } }));
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("creates an endpoint, shows its secret once, delivers a test and retries a refused one", async () => {
    const { newPage, signIn, screenshot } = session();
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Webhooks de parceiros" }).click();
    await page.getByRole("heading", { name: "Webhooks de parceiros", level: 1 }).waitFor();
    await page.getByText("Nenhum endpoint ainda.").waitFor();

    await page.getByLabel("URL de destino").fill(`http://127.0.0.1:${port}/funil`);
    await page.getByLabel("Descrição (opcional)").fill("ERP da imobiliária");
    await page.getByText("Todos os eventos").click();
    await page.getByText("Negócio ganho").click();
    await page.getByText("Negócio perdido").click();
    await page.getByRole("button", { name: "Criar endpoint" }).click();
    secret = (await page.getByTestId("webhook-secret-value").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    const card = page.locator("article[data-endpoint-id]");
    await card.getByText("Negócio ganho, Negócio perdido").waitFor();
    await screenshot(page, "partner-webhooks-created.png");

    await card.getByRole("button", { name: "Enviar teste" }).click();
    await card.getByText("Evento de teste na fila").waitFor();
    const statusOf = async (text: string) => {
      for (let round = 0; round < 30; round++) {
        if ((await card.locator("tbody tr").first().textContent())?.includes(text)) return;
        await card.getByRole("button", { name: "Atualizar" }).click();
        await page.waitForTimeout(300);
      }
      throw new Error(`no delivery became ${text}`);
    };
    await statusOf("entregue");
    expect(received).toEqual([{ type: "webhook.test", verified: true }]);

    answers = [400];
    await card.getByRole("button", { name: "Enviar teste" }).click();
    await statusOf("recusada");
    await card.locator("tbody tr").first().getByRole("button", { name: "Reenviar" }).click();
    await statusOf("entregue");
    expect(received.map((item) => item.verified)).toEqual([true, true, true]);
    await card.locator("tbody tr").first().getByRole("button", { name: "Ver conteúdo" }).click();
    await card.getByText('"type": "webhook.test"').waitFor();
    await screenshot(page, "partner-webhooks-log.png");
  });
});
