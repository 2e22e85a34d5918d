import { describe, expect, it } from "vitest";
import { apiCall, sendSignedWebhook, waitFor } from "./support/api.ts";
import { useBrowserSession } from "./support/browser-session.ts";

describe("the web app, in a real browser against the real server", () => {
  const session = useBrowserSession();

  it("logs in, finds a lead by name and shows its profile, temperature and score reasons", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const created = await apiCall<{ id: string; temperature: string }>(
      server.baseUrl,
      "POST",
      "/api/v1/leads",
      {
        token,
        body: {
          name: "Larissa Teste E2E",
          email: "larissa@example.com",
          phone: "(11) 98765-4321",
          interest: "apartamento",
          city: "São Paulo",
          income: 25000,
        },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.temperature).toBe("hot");
    const other = await apiCall(server.baseUrl, "POST", "/api/v1/leads", {
      token,
      body: { name: "Outro Contato", email: "outro@example.com", city: "Recife" },
    });
    expect(other.status).toBe(201);

    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Outro Contato" }).waitFor();

    await page.getByLabel("Buscar").fill("Larissa");
    await page.getByRole("link", { name: "Outro Contato" }).waitFor({ state: "detached" });
    const leadLink = page.getByRole("link", { name: "Larissa Teste E2E" });
    await leadLink.waitFor();
    expect(await page.locator("tbody tr").count()).toBe(1);
    await expect.poll(() => page.locator("tbody tr [data-temperature]").textContent()).toBe("quente");
    await screenshot(page, "leads-list.png");

    await leadLink.click();
    await page.getByRole("heading", { name: "Larissa Teste E2E", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "Auditoria" }).waitFor();
    const main = page.locator("main");
    const text = ((await main.textContent()) ?? "").replace(/\s+/g, " ");
    expect(text).toContain("larissa@example.com");
    expect(text).toContain("+5511987654321");
    expect(await page.locator(".lead-title [data-temperature]").textContent()).toBe("quente");
    const reasons = (await page.getByTestId("score-reasons").textContent()) ?? "";
    expect(reasons).toContain("Interesse de alto ticket");
    expect(reasons).toContain("Cidade atendida");
    expect(reasons).toContain("Bônus por renda");
    expect(Number(await page.getByTestId("lead-score").textContent())).toBeGreaterThanOrEqual(25);
    await screenshot(page, "lead-detail.png");

    await page.getByRole("link", { name: "Regras de pontuação" }).click();
    await page.getByRole("heading", { name: /Regras de pontuação/, level: 1 }).waitFor();
    await page.getByText("Bônus por renda").waitFor();
    await screenshot(page, "scoring-rules.png");

    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: /Scoring rules/, level: 1 }).waitFor();
    await page.getByRole("link", { name: "Events" }).waitFor();
    await page.getByRole("button", { name: "Português" }).click();
    await page.getByRole("link", { name: "Eventos" }).waitFor();
    await page.context().close();
  });

  it("shows a failed webhook delivery on the events page with a replay button", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const baseUrl = server.baseUrl;
    const connection = await apiCall<{ id: string; webhookUrl: string; secret: string }>(
      baseUrl,
      "POST",
      "/api/v1/connections",
      { token, body: { type: "generic", name: "x" } },
    );
    expect(connection.status).toBe(201);
    const delivery = await sendSignedWebhook(
      baseUrl,
      connection.body,
      JSON.stringify({ type: "lead", data: { city: "Recife" } }),
    );
    expect(delivery.status, delivery.text).toBe(202);
    const { eventId } = JSON.parse(delivery.text) as { eventId: string };
    const failed = await waitFor("the delivery to fail", async () => {
      const list = await apiCall<{ items: { id: string; error: string | null }[] }>(
        baseUrl,
        "GET",
        "/api/v1/events?status=failed",
        { token },
      );
      return list.body.items.find((item) => item.id === eventId);
    });
    expect(failed.error).toBeTruthy();

    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Eventos" }).click();
    const row = page.locator(`tr[data-event-id="${eventId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("com falha");
    expect(await row.locator(".error-text").textContent()).toBe(failed.error);
    const replay = row.getByRole("button", { name: "Reprocessar" });
    await replay.waitFor();
    await row.getByRole("button", { name: "Detalhes" }).click();
    await page.getByText('"city": "Recife"').waitFor();
    await screenshot(page, "events.png");

    await replay.click();
    await row.getByText("Reprocessado: falhou de novo").waitFor();
    await page.context().close();
  });

  it("creates a generic connection on the Conexões page and shows its URL and secret once", async () => {
    const { newPage, signIn, screenshot } = session();
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Conexões" }).click();
    await page.getByRole("heading", { name: "Conexões", level: 1 }).waitFor();

    await page.getByLabel("Tipo").selectOption("generic");
    await page.getByLabel("Nome", { exact: true }).fill("Site E2E");
    await page.getByLabel("Alertar se silenciosa por (horas)").fill("24");
    await page.getByRole("button", { name: "Criar conexão" }).click();

    const created = page.getByTestId("created-connection");
    await created.waitFor();
    const url = (await page.getByTestId("created-url").textContent()) ?? "";
    expect(url).toMatch(/^https?:\/\/.+\/hooks\/[A-Za-z0-9_-]+$/);
    expect(((await page.getByTestId("created-secret").textContent()) ?? "").length).toBeGreaterThan(10);
    expect(await created.textContent()).toContain("copie agora, não será mostrado de novo");

    const card = page.locator(".connection-card", { hasText: "Site E2E" });
    await card.waitFor();
    expect(await card.locator("code").textContent()).toBe(url);
    expect(await card.textContent()).toContain("nunca");
    await screenshot(page, "connections.png");

    await card.getByRole("link", { name: "Ver eventos" }).click();
    await page.getByRole("heading", { name: "Eventos", level: 1 }).waitFor();
    expect(page.url()).toContain("connectionId=");
    await page.context().close();
  });

  it("imports a CSV on the Importar page and follows its progress to the end", async () => {
    const { newPage, signIn, screenshot } = session();
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Importar" }).click();
    await page.getByRole("heading", { name: "Importar", level: 1 }).waitFor();
    await page.getByText("Nenhuma importação nesta sessão.").waitFor();

    const csv = [
      "nome,email,cidade",
      "Paula Import,paula.import@example.com,Recife",
      "Rui Import,rui.import@example.com,Natal",
      ",not-an-email,",
    ].join("\r\n");
    await page.getByLabel("Arquivo", { exact: true }).setInputFiles({
      name: "contatos.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv, "utf8"),
    });
    await page.getByLabel("Importação silenciosa (não disparar automações)").check();
    await page.getByRole("button", { name: "Importar", exact: true }).click();

    const card = page.locator(".import-card", { hasText: "contatos.csv" });
    await card.waitFor();
    await page.locator('.import-card[data-status="done"]', { hasText: "contatos.csv" }).waitFor();
    expect(await card.getByTestId("import-status").textContent()).toBe("concluída");
    expect(await card.getByTestId("import-created").textContent()).toBe("2");
    expect(await card.getByTestId("import-failed").textContent()).toBe("1");
    expect(await card.getByTestId("import-processed").textContent()).toContain("3 de 3");
    await card.getByRole("button", { name: "Baixar linhas com erro (CSV)" }).waitFor();
    await screenshot(page, "imports.png");

    const download = page.waitForEvent("download");
    await card.getByRole("button", { name: "Baixar linhas com erro (CSV)" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/errors\.csv$/);
    await page.context().close();
  });
});
