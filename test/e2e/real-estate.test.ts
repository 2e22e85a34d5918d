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

  it("links a property to a deal with the picker, sees it on the card, and finds the client in Clientes", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const penthouse = await apiCall<{ id: string }>(server.baseUrl, "POST", "/api/v1/properties", {
      token,
      body: {
        title: "Cobertura Picker E2E",
        code: "COB-9",
        kind: "apartment",
        price: 1_200_000,
        city: "Campinas",
      },
    });
    expect(penthouse.status).toBe(201);
    const pipeline = await apiCall<{ id: string }>(server.baseUrl, "POST", "/api/v1/pipelines", {
      token,
      body: { name: "Imóveis", template: "real-estate" },
    });
    expect(pipeline.status).toBe(201);

    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Negócios" }).click();
    await page.getByRole("heading", { name: "Negócios", level: 1 }).waitFor();
    const column = (name: string) => page.getByRole("region", { name, exact: true });
    await column("Proposta").getByText("Exige: responsável, imóvel, valor").waitFor();

    // A deal opened for the lead, with no property yet.
    await page.getByRole("button", { name: "Novo negócio" }).click();
    await page.getByRole("textbox", { name: "Buscar lead por nome, e-mail ou telefone" }).fill("Helena");
    await page.getByRole("radio", { name: /Helena Interesse E2E/ }).check();
    await page.getByRole("button", { name: "Abrir negócio" }).click();
    const card = page.locator("article.deal-card", { hasText: "Helena Interesse E2E" });
    await column("Novo").locator("article.deal-card", { hasText: "Helena Interesse E2E" }).waitFor();

    // "Proposta" asks for a property: the message leads to the picker, focused.
    await card.dragTo(column("Proposta"));
    const blocked = page.locator(".deal-blocked");
    await blocked.getByText("falta escolher o imóvel").waitFor();
    await blocked.getByText("Escolha o imóvel no catálogo e tente mover de novo.").waitFor();
    await blocked.getByRole("button", { name: "Escolher o imóvel de Helena Interesse E2E" }).click();
    const details = page.getByRole("form", { name: "Detalhes de Helena Interesse E2E" });
    const picker = details.getByRole("combobox", { name: "Imóvel ou empreendimento" });
    await expect.poll(() => picker.evaluate((input) => input === document.activeElement)).toBe(true);

    // Searched by city: both Campinas properties, with price and status; picked with the keyboard.
    await picker.fill("campinas");
    const options = page.getByRole("listbox", { name: "Imóvel ou empreendimento" });
    const penthouseOption = options.getByRole("option", { name: /Cobertura Picker E2E/ });
    await penthouseOption.getByText(/R\$\s1\.200\.000,00/).waitFor();
    await penthouseOption.getByText("Disponível").waitFor();
    await options.getByRole("option", { name: /Casa Campinas E2E/ }).waitFor();
    await options.getByRole("option", { name: /Apto Jardim E2E/ }).waitFor({ state: "detached" });
    await screenshot(page, "deal-property-picker.png");
    await picker.fill("COB-9");
    await options.getByRole("option").filter({ hasText: "Casa Campinas E2E" }).waitFor({ state: "detached" });
    await picker.press("ArrowDown");
    await expect.poll(() => penthouseOption.getAttribute("aria-selected")).toBe("true");
    await picker.press("Enter");
    const picked = details.getByTestId("catalog-picked");
    await picked.getByText("Cobertura Picker E2E").waitFor();

    // Cleared, then picked again with the mouse.
    await details.getByRole("button", { name: "Remover Cobertura Picker E2E do negócio" }).click();
    await picked.waitFor({ state: "detached" });
    await picker.fill("cobertura");
    await penthouseOption.click();
    await picked.getByText("Cobertura Picker E2E").waitFor();

    await details.getByLabel("Responsável").selectOption({ index: 1 });
    await details.getByLabel("Valor (R$)").fill("1150000");
    await details.getByRole("button", { name: "Salvar" }).click();
    await details.waitFor({ state: "detached" });
    await card.getByTestId("deal-linked-property").getByText("Cobertura Picker E2E").waitFor();
    await card.dragTo(column("Proposta"));
    await page.getByText("Helena Interesse E2E foi para Proposta.").waitFor();
    await column("Proposta")
      .locator("article.deal-card", { hasText: "Helena Interesse E2E" })
      .getByText("Cobertura Picker E2E")
      .waitFor();
    await screenshot(page, "deal-with-property.png");

    const deals = await apiCall<{ items: { propertyId: string | null; stageName: string }[] }>(
      server.baseUrl,
      "GET",
      `/api/v1/deals?pipelineId=${pipeline.body.id}`,
      { token },
    );
    expect(deals.body.items).toMatchObject([{ propertyId: penthouse.body.id, stageName: "Proposta" }]);

    // Opened again, the detail shows the linked property with its status.
    await card.getByRole("button", { name: "Helena Interesse E2E" }).click();
    await details.getByTestId("catalog-picked").getByText("Cobertura Picker E2E").waitFor();
    await details.getByTestId("catalog-picked").locator(".badge").waitFor();
    await details.getByRole("button", { name: "Cancelar" }).click();

    // Clientes: the lead with the interest saved in the first journey, and an open property deal.
    await page.getByRole("link", { name: "Imóveis" }).click();
    await page.getByRole("link", { name: "Clientes" }).click();
    const helena = page.getByRole("row", { name: /Helena Interesse E2E/ });
    await helena.getByText("Comprar · Apartamento").waitFor();
    await helena.getByText(/até R\$\s500\.000,00 · 2\+ quartos/).waitFor();
    await helena.getByText("bairros preferidos: Pinheiros, Perdizes").waitFor();
    expect(await helena.getByRole("cell").nth(4).textContent()).toBe("1");
    await screenshot(page, "real-estate-clients.png");

    // A filter nobody meets: said so, cleared in one click; the row opens the lead.
    const filters = page.getByRole("region", { name: "Filtros de clientes" });
    await filters.getByLabel("Tipo de interesse").selectOption({ label: "Terreno" });
    await page.getByText("Nenhum cliente com esses filtros").waitFor();
    await page.getByRole("button", { name: "Limpar filtros" }).first().click();
    await helena.getByRole("link", { name: "Helena Interesse E2E" }).click();
    await page.getByRole("heading", { name: "Helena Interesse E2E", level: 1 }).waitFor();
  });
});
