import { describe, expect, it } from "vitest";
import { apiCall } from "./support/api.ts";
import { useBrowserSession } from "./support/browser-session.ts";

describe("Imóveis, in a real browser against the real server", () => {
  const session = useBrowserSession();

  it("adds a property, filters the list, and sees it matched on a lead's interest", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const lead = await apiCall<{ id: string }>(server.baseUrl, "POST", "/api/v1/leads", {
      token,
      body: { name: "Helena Interesse E2E", email: "helena.imovel.e2e@example.com" },
    });
    expect(lead.status).toBe(201);

    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Imóveis" }).click();
    await page.getByRole("heading", { name: "Imóveis", level: 1 }).waitFor();
    await page.getByText("Nenhum imóvel cadastrado ainda").waitFor();

    // Added through the form (Brazilian number formats accepted).
    await page.getByRole("button", { name: "Novo imóvel" }).first().click();
    const form = page.getByRole("form", { name: "Novo imóvel" });
    await form.getByLabel("Título").fill("Apto Jardim E2E");
    await form.getByLabel("Preço (R$)").fill("480.000");
    await form.getByLabel("Área (m²)").fill("72,5");
    await form.getByLabel("Quartos").fill("2");
    await form.getByLabel("Bairro").fill("Pinheiros");
    await form.getByLabel("Cidade").fill("São Paulo");
    await form.getByRole("button", { name: "Cadastrar" }).click();
    await page.getByText("Apto Jardim E2E foi cadastrado.").waitFor();
    const apartment = page.getByRole("row", { name: /Apto Jardim E2E/ });
    await apartment.getByText(/R\$\s480\.000,00/).waitFor();
    await apartment.getByText("72,5 m²").waitFor();

    const house = await apiCall(server.baseUrl, "POST", "/api/v1/properties", {
      token,
      body: { title: "Casa Campinas E2E", kind: "house", price: 950_000, bedrooms: 3, city: "Campinas" },
    });
    expect(house.status).toBe(201);
    await page.reload();
    const rows = page.locator("table.properties-table tbody tr");
    await page.getByRole("row", { name: /Casa Campinas E2E/ }).waitFor();
    expect(await rows.count()).toBe(2);

    // Filters: kind, price range, status (nothing: said so, and cleared in one click).
    const filters = page.getByRole("region", { name: "Filtros de imóveis" });
    await filters.getByLabel("Tipo").selectOption({ label: "Casa" });
    await apartment.waitFor({ state: "detached" });
    expect(await rows.count()).toBe(1);
    await filters.getByLabel("Tipo").selectOption({ label: "Todos" });
    await filters.getByLabel("Preço máximo (R$)").fill("500.000");
    await page.getByRole("row", { name: /Casa Campinas E2E/ }).waitFor({ state: "detached" });
    await apartment.waitFor();
    await filters.getByLabel("Situação").selectOption({ label: "Vendido" });
    await page.getByText("Nenhum imóvel com esses filtros").waitFor();
    await screenshot(page, "properties-empty-filter.png");
    await page.getByRole("button", { name: "Limpar filtros" }).first().click();
    await page.getByRole("row", { name: /Casa Campinas E2E/ }).waitFor();
    await screenshot(page, "properties-list.png");

    // A development with one unit.
    await page.getByRole("link", { name: "Empreendimentos" }).click();
    await page.getByText("Nenhum empreendimento cadastrado ainda").waitFor();
    await page.getByRole("button", { name: "Novo empreendimento" }).click();
    const newDevelopment = page.getByRole("form", { name: "Novo empreendimento" });
    await newDevelopment.getByLabel("Nome").fill("Residencial E2E");
    await newDevelopment.getByLabel("Cidade").fill("São Paulo");
    await newDevelopment.getByRole("button", { name: "Cadastrar" }).click();
    await page.getByRole("heading", { name: "Residencial E2E" }).waitFor();
    const unitForm = page.getByRole("form", { name: "Nova unidade" });
    await unitForm.getByLabel("Unidade (ex.: Torre A, 302)").fill("A-101");
    await unitForm.getByLabel("Preço (R$)").fill("650000");
    await unitForm.getByRole("button", { name: "Adicionar unidade" }).click();
    await page.getByText("Unidade A-101 adicionada.").waitFor();
    await page
      .getByRole("table", { name: "Unidades" })
      .getByRole("row", { name: /A-101.*Disponível/ })
      .waitFor();

    // The lead's interest: saved on the lead page, the apartment matched, the house and the unit not.
    await page.goto(`${server.baseUrl}/#/leads/${lead.body.id}`);
    await page.getByRole("heading", { name: "Helena Interesse E2E", level: 1 }).waitFor();
    const panel = page.locator("section.interest-panel");
    await panel.getByText("Salve o interesse para ver os imóveis compatíveis.").waitFor();
    await panel.getByLabel("Quer").selectOption({ label: "Comprar" });
    await panel.locator("label.chip", { hasText: "Apartamento" }).click();
    expect(await panel.getByRole("checkbox", { name: "Apartamento" }).isChecked()).toBe(true);
    await panel.getByLabel("Preço máximo (R$)").fill("500.000");
    await panel.getByLabel("Quartos (mín.)").fill("2");
    await panel.getByLabel("Cidades (separe por vírgula)").fill("Sao Paulo");
    await panel.getByLabel("Bairros preferidos (separe por vírgula)").fill("Pinheiros, Perdizes");
    await panel.getByRole("button", { name: "Salvar interesse" }).click();
    await panel.getByText("Interesse salvo.").waitFor();
    const matches = panel.getByRole("list", { name: "Imóveis compatíveis" });
    const match = matches.getByRole("listitem").filter({ hasText: "Apto Jardim E2E" });
    await match.getByText("100% compatível").waitFor();
    await match.getByText("preço dentro da faixa").waitFor();
    await match.getByText("bairro preferido").waitFor();
    expect(await matches.getByText("Casa Campinas E2E").count()).toBe(0);
    expect(await matches.getByText(/A-101/).count()).toBe(0);
    await screenshot(page, "lead-interest.png");

    const saved = await apiCall<{ interest: { priceMax: number; kinds: string[] } }>(
      server.baseUrl,
      "GET",
      `/api/v1/leads/${lead.body.id}/interest`,
      { token },
    );
    expect(saved.body.interest).toMatchObject({ priceMax: 500_000, kinds: ["apartment"] });
  });
});
