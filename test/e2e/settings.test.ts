import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { apiCall } from "./support/api.ts";
import { useBrowserSession } from "./support/browser-session.ts";

/**
 * Configurações in a real browser, as the admin: working hours and a holiday kept after a reload, an SLA
 * target for a pipeline (with the server's field error by the field), a sales member added (who then
 * finds no settings), the audit trail saying so in Portuguese, and an API key shown once.
 */

const SALES_EMAIL = "bia.vendas.e2e@example.com";
const SALES_PASSWORD = "senha-forte-e2e";

/** Accepts the next window.confirm() the page opens. */
function acceptNextConfirm(page: Page) {
  page.once("dialog", (dialog) => void dialog.accept());
}

describe("Configurações, in a real browser against the real server", () => {
  const session = useBrowserSession();

  it("sets working hours and a holiday, and finds them saved after a reload", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Configurações" }).click();
    await page.getByRole("heading", { name: "Configurações", level: 1 }).waitFor();
    const calendar = page.getByRole("form", { name: "Horário comercial" });
    expect(await calendar.getByLabel("Início do expediente").inputValue()).toBe("09:00");
    await calendar.getByText("Nenhum feriado cadastrado.").waitFor();

    await calendar.getByLabel("Sábado").check();
    await calendar.getByLabel("Início do expediente").fill("08:30");
    await calendar.getByLabel("Fim do expediente").fill("17:45");
    await calendar.getByLabel("Data do feriado").fill("2026-12-25");
    await calendar.getByRole("button", { name: "Adicionar feriado" }).click();
    await calendar.locator('[data-holiday="2026-12-25"]', { hasText: "25/12/2026" }).waitFor();
    await calendar.getByText("Há alterações não salvas.").waitFor();
    await calendar.getByRole("button", { name: "Salvar horário" }).click();
    await page.getByText("Horário comercial salvo.").waitFor();

    await page.reload();
    const again = page.getByRole("form", { name: "Horário comercial" });
    await again.locator('[data-holiday="2026-12-25"]', { hasText: "25/12/2026" }).waitFor();
    expect(await again.getByLabel("Início do expediente").inputValue()).toBe("08:30");
    expect(await again.getByLabel("Fim do expediente").inputValue()).toBe("17:45");
    expect(await again.getByLabel("Sábado").isChecked()).toBe(true);
    expect(await again.getByLabel("Domingo").isChecked()).toBe(false);
    await screenshot(page, "settings-calendar.png");

    // A time zone the server does not know: its message shows by the field, nothing is saved.
    await again.getByLabel("Fuso horário").fill("Marte/Olimpo");
    await again.getByRole("button", { name: "Salvar horário" }).click();
    await again.locator("label", { hasText: "Fuso horário" }).locator(".field-error").waitFor();
    expect(await again.getByLabel("Fuso horário").getAttribute("aria-invalid")).toBe("true");
    await again.getByRole("button", { name: "Descartar alterações" }).click();
    expect(await again.getByLabel("Fuso horário").inputValue()).toBe("America/Sao_Paulo");

    const saved = await apiCall(server.baseUrl, "GET", "/api/v1/business-calendar", { token });
    expect(saved.body).toEqual({
      timeZone: "America/Sao_Paulo",
      days: [1, 2, 3, 4, 5, 6],
      start: "08:30",
      end: "17:45",
      holidays: ["2026-12-25"],
    });
  });

  it("creates a first-response target for a pipeline, with the field error shown by the field", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const pipeline = await apiCall<{ id: string }>(server.baseUrl, "POST", "/api/v1/pipelines", {
      token,
      body: { name: "Funil SLA E2E", template: "sales" },
    });
    expect(pipeline.status).toBe(201);
    const page = await newPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/#/settings/sla`);
    await page.getByText("Nenhuma meta de SLA ainda").waitFor();

    const form = page.getByRole("form", { name: "Nova meta" });
    await form.getByLabel("Nome").fill("Resposta no funil E2E");
    await form.getByLabel("Funil").selectOption({ label: "Funil SLA E2E" });
    await form.getByLabel("Meta (minutos úteis)").fill("0");
    await form.getByRole("button", { name: "Criar meta" }).click();
    const targetError = form.locator("label", { hasText: "Meta (minutos úteis)" }).locator(".field-error");
    await targetError.waitFor();
    expect(await page.getByRole("table", { name: "Metas de primeira resposta (SLA)" }).count()).toBe(0);

    await form.getByLabel("Meta (minutos úteis)").fill("30");
    await form.getByRole("button", { name: "Criar meta" }).click();
    await page.getByText("Meta “Resposta no funil E2E” criada.").waitFor();
    const row = page.getByRole("row", { name: /Resposta no funil E2E/ });
    await row.getByRole("cell", { name: "Funil SLA E2E" }).waitFor();
    await row.getByRole("cell", { name: "30 min" }).waitFor();
    await screenshot(page, "settings-sla.png");

    await row.getByRole("checkbox", { name: "Ativar Resposta no funil E2E" }).uncheck();
    await page.getByText("Meta “Resposta no funil E2E” desativada.").waitFor();
    await row.getByRole("button", { name: "Editar Resposta no funil E2E" }).click();
    const edit = page.getByRole("form", { name: "Editar “Resposta no funil E2E”" });
    await edit.getByLabel("Meta (minutos úteis)").fill("45");
    await edit.getByRole("button", { name: "Salvar" }).click();
    await page.getByText("Meta “Resposta no funil E2E” salva.").waitFor();
    await row.getByRole("cell", { name: "45 min" }).waitFor();

    const policies = await apiCall<{ items: unknown[] }>(server.baseUrl, "GET", "/api/v1/sla-policies", {
      token,
    });
    expect(policies.body.items).toMatchObject([
      { name: "Resposta no funil E2E", pipelineId: pipeline.body.id, targetMinutes: 45, enabled: false },
    ]);
  });

  it("adds a sales member, who finds no settings; the audit says so in Portuguese", async () => {
    const { server, newPage, signIn, screenshot } = session();
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Configurações" }).click();
    await page.getByRole("link", { name: "Equipe" }).click();
    await page.getByRole("heading", { name: "Membros da equipe" }).waitFor();
    await page
      .getByRole("row", { name: new RegExp(server.adminEmail) })
      .getByText("(você)")
      .waitFor();

    const form = page.getByRole("form", { name: "Adicionar membro" });
    await form.getByLabel("E-mail").fill(SALES_EMAIL);
    await form.getByLabel("Nome (opcional)").fill("Bia Vendas E2E");
    await form.getByLabel("Papel").selectOption({ label: "Vendas" });
    await form.getByText("vê e muda só os negócios de que é responsável").waitFor();
    // A new person needs an initial password: the server says so by the field.
    await form.getByRole("button", { name: "Adicionar membro" }).click();
    await form.locator("label", { hasText: "Senha inicial" }).getByText("required for a new user").waitFor();
    await form.getByLabel("Senha inicial").fill(SALES_PASSWORD);
    await form.getByRole("button", { name: "Adicionar membro" }).click();
    await page.getByText("Bia Vendas E2E entrou como Vendas.", { exact: false }).waitFor();
    const row = page.getByRole("row", { name: /Bia Vendas E2E/ });
    await row.getByRole("cell", { name: SALES_EMAIL }).waitFor();
    expect(await row.getByRole("combobox", { name: "Papel de Bia Vendas E2E" }).inputValue()).toBe("sales");
    await screenshot(page, "settings-team.png");

    await page.getByRole("link", { name: "Auditoria" }).click();
    await page.getByRole("heading", { name: "Trilha de auditoria" }).waitFor();
    // The admin's own membership (made by the system at the first start) is there too.
    const added = page.getByRole("row", { name: /Membro adicionado/ }).filter({ hasText: SALES_EMAIL });
    await added.getByText("member.added").waitFor();
    await added.getByText("Vendas", { exact: true }).waitFor();
    await page.getByRole("row", { name: /Horário comercial alterado/ }).waitFor();
    await page.getByRole("row", { name: /Meta de SLA criada/ }).waitFor();
    await screenshot(page, "settings-audit.png");

    // Filtered by the action's start: only the member's entries are left.
    await page.getByLabel("Ação (começa com)").fill("member.");
    await page.getByLabel("Ação (começa com)").press("Enter");
    await page.getByRole("row", { name: /Horário comercial alterado/ }).waitFor({ state: "detached" });
    const actions = await page
      .locator("tr[data-action]")
      .evaluateAll((rows) => rows.map((item) => item.getAttribute("data-action")));
    expect(actions).toEqual(["member.added", "member.added"]);
    await page.getByLabel("Tipo de registro").selectOption({ label: "Negócio" });
    await page.getByText("Nada com esses filtros").waitFor();
    await page.getByRole("button", { name: "Limpar filtros" }).first().click();
    await page.getByRole("row", { name: /Horário comercial alterado/ }).waitFor();

    // The sales rep signs in: no Configurações in the menu, and the page itself says no.
    const rep = await newPage();
    await rep.goto(`${server.baseUrl}/`);
    await rep.getByLabel("E-mail").fill(SALES_EMAIL);
    await rep.getByLabel("Senha").fill(SALES_PASSWORD);
    await rep.getByRole("button", { name: "Entrar" }).click();
    await rep.getByRole("heading", { name: "Leads", level: 1 }).waitFor();
    expect(await rep.getByRole("link", { name: "Configurações" }).count()).toBe(0);
    await rep.goto(`${server.baseUrl}/#/settings/team`);
    await rep.getByText("Sem acesso às configurações").waitFor();

    // Back as the admin: a new role, then out of the team; both are in the audit.
    await page.getByRole("link", { name: "Equipe" }).click();
    await row.getByRole("combobox", { name: "Papel de Bia Vendas E2E" }).selectOption({ label: "Leitor" });
    await page.getByText("Bia Vendas E2E agora é Leitor.").waitFor();
    acceptNextConfirm(page);
    await row.getByRole("button", { name: "Remover Bia Vendas E2E" }).click();
    await page.getByText("Bia Vendas E2E saiu da equipe.").waitFor();
    await row.waitFor({ state: "detached" });
    await page.getByRole("link", { name: "Auditoria" }).click();
    await page.getByRole("row", { name: /Membro removido/ }).waitFor();
    await page
      .getByRole("row", { name: /Papel de membro alterado/ })
      .getByText("Leitor")
      .waitFor();
  });

  it("creates an API key shown once that works, then revokes it", async () => {
    const { server, newPage, signIn } = session();
    const page = await newPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/#/settings/team`);
    await page.getByText("Nenhuma chave de API ainda.").waitFor();
    const form = page.getByRole("form", { name: "Nova chave" });
    await form.getByLabel("Nome da chave").fill("Site E2E");
    await form.getByLabel("Papel da chave").selectOption({ label: "Vendas" });
    await form.getByRole("button", { name: "Criar chave" }).click();
    const shown = page.getByTestId("api-key-created");
    await shown.getByText("Copie agora: ela não será mostrada de novo.").waitFor();
    await shown.getByRole("button", { name: "Copiar: Chave de API" }).waitFor();
    const key = (await page.getByTestId("api-key-value").textContent()) ?? "";
    expect(key).toMatch(/^fk_/);
    const withKey = await fetch(`${server.baseUrl}/api/v1/leads`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(withKey.status).toBe(200);

    const row = page.getByRole("row", { name: /Site E2E/ });
    await row.getByRole("cell", { name: "Vendas" }).waitFor();
    await row.getByText("ativa").waitFor();
    acceptNextConfirm(page);
    await row.getByRole("button", { name: "Revogar Site E2E" }).click();
    await page.getByText("Chave “Site E2E” revogada.").waitFor();
    await row.getByText(/revogada em/).waitFor();
    expect(await page.getByTestId("api-key-created").count()).toBe(0);
    // The server caches credentials for a moment; revoking clears that cache.
    const revoked = await fetch(`${server.baseUrl}/api/v1/leads`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(revoked.status).toBe(401);
  });
});
