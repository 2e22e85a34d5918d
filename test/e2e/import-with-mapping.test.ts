import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall, loginToken } from "./support/api.ts";
import { buildWebApp, type FunilServer, startFunilServer } from "./support/funil-server.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = join(tmpdir(), "funil-e2e-screenshots");
const UI_TIMEOUT = 15_000;

let server: FunilServer | undefined;
let browser: Browser | undefined;
let token = "";

describe("importing a file with a column mapping, in a real browser", () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
      );
    }
    await mkdir(SCREENSHOTS, { recursive: true });
    buildWebApp();
    server = await startFunilServer();
    token = await loginToken(server.baseUrl, server.adminEmail, server.adminPassword);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
      timeout: 60_000,
    });
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  it("uploads a CSV, previews it, changes one column's choice, starts and sees the import finish", async () => {
    if (!server || !browser) throw new Error("not started");
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "pt-BR" });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(`${server.baseUrl}/`);
    await page.getByLabel("E-mail").fill(server.adminEmail);
    await page.getByLabel("Senha").fill(server.adminPassword);
    await page.getByRole("button", { name: "Entrar" }).click();
    await page.getByRole("heading", { name: "Leads", level: 1 }).waitFor();

    await page.getByRole("link", { name: "Importar" }).click();
    await page.getByRole("heading", { name: "Importar", level: 1 }).waitFor();
    await page.getByText("Nenhum mapeamento salvo.").waitFor();

    const csv = [
      "nome;contato;cidade;turma",
      "Helena Mapeada;helena.mapa@example.com;Recife;T1",
      "Igor Mapeado;igor.mapa@example.com;Natal;T2",
    ].join("\r\n");
    await page.getByLabel("Arquivo", { exact: true }).setInputFiles({
      name: "mapeamento.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv, "latin1"),
    });

    // The preview: headers, sample values and the suggested choices.
    const mapping = page.getByTestId("import-mapping");
    await mapping.getByRole("heading", { name: "Colunas de mapeamento.csv" }).waitFor();
    expect(await mapping.textContent()).toContain("separador “;”");
    const contato = mapping.locator('tr[data-column="contato"]');
    expect(await contato.textContent()).toContain("helena.mapa@example.com");
    const contatoChoice = page.getByLabel("Importar a coluna contato como");
    expect(await contatoChoice.inputValue()).toBe("custom");
    expect(await page.getByLabel("Importar a coluna nome como").inputValue()).toBe("name");

    // One change: the "contato" column holds e-mails.
    await contatoChoice.selectOption("email");
    await page.getByLabel("Salvar este mapeamento como…").fill("Planilha de turmas");
    await page.screenshot({ path: join(SCREENSHOTS, "import-mapping.png"), fullPage: true });
    await page.getByRole("button", { name: "Importar", exact: true }).click();

    const card = page.locator('.import-card[data-status="done"]', { hasText: "mapeamento.csv" });
    await card.waitFor();
    expect(await card.getByTestId("import-created").textContent()).toBe("2");
    expect(await card.getByTestId("import-failed").textContent()).toBe("0");
    await page.getByTestId("saved-mappings").getByText("Planilha de turmas").waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, "import-mapped-done.png"), fullPage: true });

    const found = await apiCall<{ items: { name: string; email: string | null; city: string | null }[] }>(
      server.baseUrl,
      "GET",
      "/api/v1/leads?q=Helena",
      { token },
    );
    expect(found.status).toBe(200);
    expect(found.body.items[0]).toMatchObject({
      name: "Helena Mapeada",
      email: "helena.mapa@example.com",
      city: "Recife",
    });
    await context.close();
  });
});
