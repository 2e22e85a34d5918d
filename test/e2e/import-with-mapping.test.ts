import { describe, expect, it } from "vitest";
import { apiCall } from "./support/api.ts";
import { useBrowserSession } from "./support/browser-session.ts";

describe("importing a file with a column mapping, in a real browser", () => {
  const session = useBrowserSession();

  it("uploads a CSV, previews it, changes one column's choice, starts and sees the import finish", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const page = await newPage();
    await signIn(page);

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
    await screenshot(page, "import-mapping.png");
    await page.getByRole("button", { name: "Importar", exact: true }).click();

    const card = page.locator('.import-card[data-status="done"]', { hasText: "mapeamento.csv" });
    await card.waitFor();
    expect(await card.getByTestId("import-created").textContent()).toBe("2");
    expect(await card.getByTestId("import-failed").textContent()).toBe("0");
    await page.getByTestId("saved-mappings").getByText("Planilha de turmas").waitFor();
    await screenshot(page, "import-mapped-done.png");

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
    await page.context().close();
  });
});
