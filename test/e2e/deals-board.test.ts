import { describe, expect, it } from "vitest";
import { apiCall } from "./support/api.ts";
import { useBrowserSession } from "./support/browser-session.ts";

describe("Negócios board, in a real browser against the real server", () => {
  const session = useBrowserSession();

  it("creates a pipeline, opens a deal, is told which rule blocks a move, then drags it through", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const lead = await apiCall<{ id: string }>(server.baseUrl, "POST", "/api/v1/leads", {
      token,
      body: { name: "Carla Board E2E", email: "carla.board.e2e@example.com" },
    });
    expect(lead.status).toBe(201);

    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Negócios" }).click();
    await page.getByRole("heading", { name: "Negócios", level: 1 }).waitFor();
    await page.getByText("Nenhum funil ainda").waitFor();
    await page.getByRole("button", { name: "Criar funil imobiliário" }).click();
    const column = (name: string) => page.getByRole("region", { name, exact: true });
    await column("Proposta").getByText("Exige: responsável, imóvel, valor").waitFor();

    await page.getByRole("button", { name: "Novo negócio" }).click();
    await page.getByRole("textbox", { name: "Buscar lead por nome, e-mail ou telefone" }).fill("Carla Board");
    await page.getByRole("radio", { name: /Carla Board E2E/ }).check();
    await page.getByRole("button", { name: "Abrir negócio" }).click();
    const card = page.locator("article.deal-card", { hasText: "Carla Board E2E" });
    await column("Novo").locator("article.deal-card", { hasText: "Carla Board E2E" }).waitFor();

    // Dragged to "Proposta" without what it asks: the move is refused and each rule is named.
    await card.dragTo(column("Proposta"));
    const blocked = page.locator(".deal-blocked");
    await blocked.getByText("Carla Board E2E não pode entrar em “Proposta” ainda:").waitFor();
    for (const rule of ["falta um responsável", "falta escolher o imóvel", "falta o valor"]) {
      await blocked.getByText(rule).waitFor();
    }
    await column("Novo").locator("article.deal-card", { hasText: "Carla Board E2E" }).waitFor();
    await screenshot(page, "deals-blocked.png");

    // Fill what is missing, then the same drag goes through.
    await card.getByRole("button", { name: "Carla Board E2E" }).click();
    const details = page.getByRole("form", { name: "Detalhes de Carla Board E2E" });
    await details.getByLabel("Responsável").selectOption({ index: 1 });
    await details.getByLabel("Valor (R$)").fill("480000");
    await details.getByLabel("Referência em texto (fora do catálogo)").fill("Apto 302, Ed. Mirante");
    await details.getByRole("button", { name: "Salvar" }).click();
    await details.waitFor({ state: "detached" });
    await card.dragTo(column("Proposta"));
    await page.getByText("Carla Board E2E foi para Proposta.").waitFor();
    await column("Proposta").locator("article.deal-card", { hasText: "Carla Board E2E" }).waitFor();
    expect(await column("Proposta").textContent()).toMatch(/R\$\s480\.000,00/);

    // Lost: picked from the card's own stage menu, with the reason asked for.
    await card.getByRole("combobox", { name: "Mover Carla Board E2E" }).selectOption({ label: "Perdido" });
    await page.getByLabel("Motivo da perda").fill("Financiamento negado");
    await page.getByRole("button", { name: "Mover", exact: true }).click();
    await column("Perdido").getByText("Motivo: Financiamento negado").waitFor();
    await screenshot(page, "deals-board.png");

    const deals = await apiCall<{ items: { status: string; closeReason: string; stageName: string }[] }>(
      server.baseUrl,
      "GET",
      "/api/v1/deals",
      { token },
    );
    expect(deals.body.items).toMatchObject([
      { status: "lost", closeReason: "Financiamento negado", stageName: "Perdido" },
    ]);
  });

  it("plans a task in Meu dia, completes it and takes the completion back", async () => {
    const { newPage, signIn, screenshot } = session();
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Meu dia" }).click();
    await page.getByRole("heading", { name: "Meu dia", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Nova tarefa" }).click();
    const form = page.getByRole("form", { name: "Nova tarefa" });
    await form.getByLabel("O que fazer").fill("Ligar para a Carla E2E");
    await form.getByLabel("Tipo").selectOption({ label: "Ligação" });
    await form.getByRole("button", { name: "Adicionar" }).click();
    const checkbox = page.getByRole("checkbox", { name: "Concluir Ligar para a Carla E2E" });
    await checkbox.waitFor();
    // The deal from the first journey is lost (closed): it is not listed as idle.
    expect(await page.getByRole("region", { name: "Negócios sem próximo passo" }).count()).toBe(0);
    await screenshot(page, "my-day.png");
    await checkbox.click(); // not check(): the row leaves the list once the task is done
    await page.getByText("“Ligar para a Carla E2E” concluída.").waitFor();
    await checkbox.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Desfazer" }).click();
    await page.getByRole("checkbox", { name: "Concluir Ligar para a Carla E2E" }).waitFor();
  });

  it("logs a call on the lead with a file attached, and downloads the file back", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const leads = await apiCall<{ items: { id: string; name: string }[] }>(
      server.baseUrl,
      "GET",
      "/api/v1/leads?q=Carla%20Board",
      { token },
    );
    const carla = leads.body.items[0];
    expect(carla?.name).toBe("Carla Board E2E");
    const page = await newPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/#/leads/${carla?.id}`);
    await page.getByRole("heading", { name: "Carla Board E2E", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Registrar interação" }).click();
    const form = page.getByRole("form", { name: "Registrar interação" });
    await form.getByLabel("Canal").selectOption({ label: "Ligação" });
    await form.getByLabel("Resultado").fill("Agendou visita");
    await form.getByLabel("Anotações").fill("Quer ver o apartamento no sábado");
    const pdf = Buffer.from("%PDF-1.4\nproposta e2e\n%%EOF\n");
    await form.getByLabel("Anexo (opcional)").setInputFiles({
      name: "proposta.pdf",
      mimeType: "application/pdf",
      buffer: pdf,
    });
    await form.getByRole("button", { name: "Registrar" }).click();
    await page.getByText("Interação registrada.").waitFor();
    const message = page.getByTestId("lead-conversations").locator("li", { hasText: "Agendou visita" });
    await message.getByText("Quer ver o apartamento no sábado").waitFor();
    await screenshot(page, "lead-interaction.png");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      message.getByRole("button", { name: /Baixar proposta\.pdf/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("proposta.pdf");
    const path = await download.path();
    const { readFile } = await import("node:fs/promises");
    expect((await readFile(path)).equals(pdf)).toBe(true);
  });

  it("shows the SLA badge on a lead nobody answered in time", { timeout: 180_000 }, async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    // Every minute of every day is working time, so the run does not depend on when CI runs.
    const calendar = await apiCall(server.baseUrl, "PUT", "/api/v1/business-calendar", {
      token,
      body: { timeZone: "UTC", days: [0, 1, 2, 3, 4, 5, 6], start: "00:00", end: "23:59", holidays: [] },
    });
    expect(calendar.status).toBe(200);
    const policy = await apiCall(server.baseUrl, "POST", "/api/v1/sla-policies", {
      token,
      body: { name: "Resposta em 1 min", targetMinutes: 1 },
    });
    expect(policy.status).toBe(201);
    const lead = await apiCall<{ id: string }>(server.baseUrl, "POST", "/api/v1/leads", {
      token,
      body: { name: "Ivo Atrasado E2E", email: "ivo.sla.e2e@example.com" },
    });
    await apiCall(server.baseUrl, "POST", "/api/v1/sla/sweep", { token });
    const page = await newPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/#/leads/${lead.body.id}`);
    await page.getByText(/^SLA: \d min úteis restantes$/).waitFor();
    // A minute later, with no answer, the lead is late.
    await new Promise((resolve) => setTimeout(resolve, 62_000));
    const swept = await apiCall<{ breached: number }>(server.baseUrl, "POST", "/api/v1/sla/sweep", { token });
    expect(swept.body.breached).toBeGreaterThanOrEqual(1);
    await page.reload();
    await page.getByText("SLA estourado: sem resposta").waitFor();
    await screenshot(page, "lead-sla-breached.png");
  });

  it("reports the funnel, the reasons and the SLA compliance", async () => {
    const { newPage, signIn, screenshot } = session();
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Relatórios" }).click();
    await page.getByRole("heading", { name: "Relatórios", level: 1 }).waitFor();
    const funnel = page.getByRole("region", { name: "Funil por etapa" });
    await funnel.getByRole("row", { name: /^Novo 1/ }).waitFor();
    const lost = page.getByRole("region", { name: "Motivos de perda" });
    await lost.getByText("Financiamento negado").waitFor();
    const sla = page.getByRole("region", { name: "SLA de primeira resposta por responsável" });
    await sla.getByRole("cell", { name: "0%" }).waitFor();
    await screenshot(page, "reports.png");
  });

  it("lists the deals, filters them and moves a selection in bulk", async () => {
    const { newPage, signIn, screenshot } = session();
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Negócios" }).click();
    await page.getByRole("button", { name: "Lista" }).click();
    await page.getByLabel("Situação").selectOption({ label: "Perdido" });
    const row = page.getByRole("row", { name: /Carla Board E2E/ });
    await row.getByText("Motivo: Financiamento negado").waitFor();
    await page.getByRole("checkbox", { name: "Selecionar Carla Board E2E" }).check();
    await page
      .getByRole("toolbar", { name: "Ações em lote" })
      .getByLabel("Mover selecionados para")
      .selectOption({
        label: "Visita",
      });
    await page.getByText("1 negócio(s) atualizado(s).").waitFor();
    // Reopened: no longer among the lost ones.
    await page.getByText("Nenhum negócio com esses filtros").waitFor();
    await page.getByLabel("Situação").selectOption({ label: "Aberto" });
    await page.getByRole("row", { name: /Carla Board E2E.*Visita/ }).waitFor();
    await screenshot(page, "deals-list.png");
  });
});
