import { createHmac, randomBytes, randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { apiCall, waitFor } from "./support/api.ts";
import { useBrowserSession } from "./support/browser-session.ts";

const FIXTURE = new URL("../../fixtures/webhooks/meta/whatsapp-inbound-text.json", import.meta.url);

interface TriageSenderJson {
  id: string;
  phone: string | null;
  status: string;
  optedOutAt: string | null;
}

/** A new Brazilian mobile number as WhatsApp sends it (digits only, with the country code). */
function newPhone(): string {
  return `55219${randomInt(6, 10)}${String(randomInt(0, 10_000_000)).padStart(7, "0")}`;
}

/** The fixture's inbound text message, from another person, with a new wamid and the given text. */
async function inboundMessage(input: { phone: string; name: string; text: string }): Promise<string> {
  const body = JSON.parse(await readFile(FIXTURE, "utf8")) as {
    entry: {
      changes: {
        value: {
          contacts: { profile: { name: string }; wa_id: string }[];
          messages: { from: string; id: string; timestamp: string; text: { body: string } }[];
        };
      }[];
    }[];
  };
  const value = body.entry[0]?.changes[0]?.value;
  const contact = value?.contacts[0];
  const message = value?.messages[0];
  if (!contact || !message) throw new Error("unexpected fixture shape");
  contact.profile.name = input.name;
  contact.wa_id = input.phone;
  message.from = input.phone;
  message.id = `wamid.E2E${randomBytes(16).toString("hex").toUpperCase()}`;
  message.timestamp = String(Math.floor(Date.now() / 1000));
  message.text.body = input.text;
  return JSON.stringify(body);
}

/** POSTs a Meta delivery signed with `x-hub-signature-256` (HMAC-SHA256 of the raw body). */
async function sendMetaWebhook(baseUrl: string, webhookUrl: string, appSecret: string, body: string) {
  const signature = createHmac("sha256", appSecret).update(body, "utf8").digest("hex");
  const response = await fetch(new URL(webhookUrl, baseUrl), {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${signature}` },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, text: await response.text() };
}

async function pendingSender(
  baseUrl: string,
  token: string,
  phone: string,
): Promise<TriageSenderJson | undefined> {
  const list = await apiCall<{ items: TriageSenderJson[] }>(
    baseUrl,
    "GET",
    "/api/v1/triage?status=pending&channel=whatsapp&limit=200",
    { token },
  );
  return list.body.items.find((item) => item.phone === `+${phone}`);
}

describe("WhatsApp triage, in a real browser against the real server", () => {
  const session = useBrowserSession();

  it("shows new WhatsApp senders in Triagem, ignores one in a batch, accepts the other and opens its lead", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const appSecret = `e2e-${randomBytes(16).toString("hex")}`;
    const connection = await apiCall<{ id: string; webhookUrl: string }>(
      server.baseUrl,
      "POST",
      "/api/v1/connections",
      {
        token,
        body: { type: "meta", name: "WhatsApp E2E", config: { appSecret, verifyToken: "e2e-verify" } },
      },
    );
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);

    const joana = {
      phone: newPhone(),
      name: "Joana Triagem E2E",
      text: "Oi! Quero saber o preço da mentoria.",
    };
    const rui = { phone: newPhone(), name: "Rui Parar E2E", text: "PARAR" };
    for (const person of [joana, rui]) {
      const delivery = await sendMetaWebhook(
        server.baseUrl,
        connection.body.webhookUrl,
        appSecret,
        await inboundMessage(person),
      );
      expect(delivery.status, delivery.text).toBe(202);
    }
    const joanaSender = await waitFor("Joana to wait for triage", () =>
      pendingSender(server.baseUrl, token, joana.phone),
    );
    const ruiSender = await waitFor("Rui to wait for triage", () =>
      pendingSender(server.baseUrl, token, rui.phone),
    );

    const page = await newPage();
    await signIn(page);
    const triageLink = page.getByRole("link", { name: /^Triagem/ });
    await page.getByTestId("triage-pending-count").getByText("2", { exact: true }).waitFor();
    await triageLink.click();
    await page.getByRole("heading", { name: "Triagem", level: 1 }).waitFor();

    const joanaRow = page.locator(`tr[data-triage-id="${joanaSender.id}"]`);
    const ruiRow = page.locator(`tr[data-triage-id="${ruiSender.id}"]`);
    await joanaRow.waitFor();
    await ruiRow.waitFor();
    const joanaText = (await joanaRow.textContent()) ?? "";
    expect(joanaText).toContain(joana.name);
    expect(joanaText).toContain(`+${joana.phone}`);
    expect(joanaText).toContain("WhatsApp");
    expect(joanaText).toContain(joana.text);
    expect(joanaText).not.toContain("pediu para parar");
    await ruiRow.getByText("pediu para parar").waitFor();

    await joanaRow.getByRole("button", { name: "Ver mensagens" }).click();
    await page
      .getByRole("region", { name: `Mensagens de ${joana.name}` })
      .getByText(joana.text)
      .waitFor();
    await screenshot(page, "triage.png");

    // Batch: ignore Rui, then undo by accepting him from the "Ignoradas" tab.
    await page.getByRole("checkbox", { name: `Selecionar ${rui.name}` }).check();
    await page.getByRole("button", { name: "Ignorar selecionadas" }).click();
    await page.getByTestId("triage-batch-summary").getByText("1 conversa(s) ignorada(s).").waitFor();
    await ruiRow.getByText("Ignorada", { exact: true }).waitFor();

    // One by one: accept Joana and follow the link to her new lead.
    await joanaRow.getByRole("button", { name: "Aceitar como lead" }).click();
    await joanaRow.getByText("Aceita como lead").waitFor();
    await page.getByTestId("triage-pending-count").waitFor({ state: "detached" });
    await screenshot(page, "triage-decided.png");
    await joanaRow.getByRole("link", { name: "Abrir lead" }).click();
    await page.getByRole("heading", { name: joana.name, level: 1 }).waitFor();
    const conversations = page.getByRole("region", { name: "Conversas" });
    const message = conversations.locator("li", { hasText: joana.text });
    await message.waitFor();
    expect(await message.textContent()).toContain("recebida");
    expect(await message.textContent()).toContain("WhatsApp");
    await screenshot(page, "lead-conversations.png");

    await page.getByRole("link", { name: /^Triagem/ }).click();
    await page.getByRole("heading", { name: "Triagem", level: 1 }).waitFor();
    await page.getByText("Nenhuma conversa aguardando triagem").waitFor();
    await page.getByRole("button", { name: /^Ignoradas/ }).click();
    await ruiRow.waitFor();
    await ruiRow.getByRole("button", { name: "Aceitar como lead" }).click();
    await ruiRow.getByText("Aceita como lead").waitFor();
    await ruiRow.getByRole("link", { name: "Abrir lead" }).waitFor();
    await page.context().close();
  });
});
