import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { RuleView } from "../../src/automation/manage-rules.ts";
import type { DispatchView } from "../../src/automation/review-dispatches.ts";
import { apiCall, waitFor } from "./support/api.ts";
import { useBrowserSession } from "./support/browser-session.ts";

/**
 * The rule editor of Automação in a real browser against the real server: a person's rule made in the
 * form (tag.added where the tag is vip → a task in 30 minutes, in suggest mode, Automático cancelled at
 * its warning), seen in the list in words, a lead tagged vip to fill the queue with its suggestion, the
 * rule edited (a condition added: only that is PATCHed), then deleted after its confirmation (the
 * pending suggestion expires); a scheduled rule refused for its cron, the error beside the field, then
 * made with the friendly weekly picker; a built-in rule's schedule edited, and no "Excluir" on it.
 */

const VIP = "VIP → ligar em 30 min";

/** Native alert/confirm dialogs the page opened (none expected: Automação asks in its own dialogs). */
function watchNativeDialogs(page: Page, into: string[]) {
  page.on("dialog", (dialog) => {
    into.push(dialog.message());
    void dialog.dismiss();
  });
}

/** The JSON bodies the page sent to PATCH /api/v1/automation-rules/:id. */
function watchRulePatches(page: Page, into: unknown[]) {
  page.on("request", (request) => {
    if (request.method() === "PATCH" && request.url().includes("/api/v1/automation-rules/")) {
      into.push(request.postDataJSON());
    }
  });
}

describe("the rule editor, in a real browser against the real server", () => {
  const session = useBrowserSession();

  async function rules(): Promise<RuleView[]> {
    const { server, token } = session();
    return (
      await apiCall<{ items: RuleView[] }>(server.baseUrl, "GET", "/api/v1/automation-rules", { token })
    ).body.items;
  }

  it("makes a rule, sees it in words, edits it and deletes it (its pending suggestion expires)", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const call = <T>(method: string, path: string, body?: unknown) =>
      apiCall<T>(server.baseUrl, method, path, { token, ...(body === undefined ? {} : { body }) });
    const page = await newPage();
    const dialogs: string[] = [];
    const patches: unknown[] = [];
    watchNativeDialogs(page, dialogs);
    watchRulePatches(page, patches);
    await signIn(page);
    await page.goto(`${server.baseUrl}/#/automation/rules`);
    await page.getByRole("heading", { name: "Regras padrão" }).waitFor();

    // Nova regra: the form opens with the focus on its name.
    await page.getByRole("button", { name: "Nova regra" }).click();
    const form = page.getByRole("form", { name: "Regra de automação" });
    const name = form.getByLabel("Nome", { exact: true });
    await name.waitFor();
    expect(await name.evaluate((element) => element === document.activeElement)).toBe(true);
    await name.fill(VIP);
    await form.getByLabel("Quando algo acontece").check();
    await form.getByLabel("Evento", { exact: true }).selectOption({ label: "Tag adicionada" });

    // A condition: the tag.added event's own field comes first; the product's is not offered.
    await form.getByRole("button", { name: "Adicionar condição" }).click();
    const condition = form.getByRole("group", { name: "Condição 1" });
    const field = condition.getByLabel("Campo");
    expect(await field.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await field.locator("option:checked").textContent()).toBe("Tag adicionada");
    expect(await field.locator('option[value="product.monitoring"]').count()).toBe(0);
    expect(await condition.getByLabel("Comparação").locator("option:checked").textContent()).toBe("é");
    await condition.getByLabel("Valor").fill("vip");

    // An action: a task due in 30 minutes.
    await form.getByRole("button", { name: "Adicionar ação" }).click();
    const action = form.getByRole("group", { name: "Ação 1" });
    await action.getByLabel("O que fazer").selectOption({ label: "Criar tarefa" });
    await action.getByLabel("Título da tarefa").fill("Ligar para o VIP");
    expect(await action.getByLabel("Prazo da tarefa", { exact: true }).inputValue()).toBe("30");
    expect(await action.getByLabel("Unidade").locator("option:checked").textContent()).toBe("minutos");

    // Suggest is the default; Automático asks first, and cancelling keeps Sugerir.
    expect(await form.getByRole("button", { name: "Sugerir" }).getAttribute("aria-pressed")).toBe("true");
    await form.getByRole("button", { name: "Automático" }).click();
    const auto = page.getByRole("dialog", { name: `Passar “${VIP}” para automático?` });
    await auto.getByText("As mensagens serão enviadas sem revisão.", { exact: false }).waitFor();
    await auto.getByRole("button", { name: "Cancelar" }).click();
    await auto.waitFor({ state: "hidden" });
    expect(await form.getByRole("button", { name: "Sugerir" }).getAttribute("aria-pressed")).toBe("true");

    // The summary says it in the rule cards' words.
    const summary = form.getByTestId("rule-summary");
    await summary.getByText("Tag adicionada", { exact: true }).waitFor();
    await summary.getByText("Tag adicionada é vip").waitFor();
    await summary.getByText("Criar a tarefa “Ligar para o VIP” para daqui a 30 min").waitFor();
    await summary.getByText("Cada disparo espera uma pessoa aprovar na fila.", { exact: false }).waitFor();
    await screenshot(page, "automation-rule-new.png");
    await form.getByRole("button", { name: "Criar regra" }).click();
    await page.getByText(`Regra “${VIP}” criada.`).waitFor();
    expect(await form.count()).toBe(0);
    expect(
      await page
        .getByRole("button", { name: "Nova regra" })
        .evaluate((element) => element === document.activeElement),
    ).toBe(true);

    const created = (await rules()).find((rule) => rule.name === VIP);
    expect(created).toMatchObject({
      trigger: "tag.added",
      mode: "suggest",
      enabled: true,
      builtin: null,
      conditions: [{ field: "event.tag", op: "eq", value: "vip" }],
      actions: [{ type: "create_task", title: "Ligar para o VIP", dueInMinutes: 30 }],
    });
    const id = created?.id ?? "";
    const own = page.getByRole("region", { name: "Regras do workspace" });
    const card = own.locator(`article[data-rule-id="${id}"]`);
    await card.getByRole("heading", { name: VIP }).waitFor();
    await card.getByText("Tag adicionada", { exact: true }).waitFor();
    await card.getByText("Tag adicionada é vip").waitFor();
    await card.getByText("Criar a tarefa “Ligar para o VIP” para daqui a 30 min").waitFor();
    expect(await card.getByRole("button", { name: "Sugerir" }).getAttribute("aria-pressed")).toBe("true");

    // A lead tagged vip: the rule suggests its task in the queue.
    const lead = await call<{ id: string }>("POST", "/api/v1/leads", {
      name: "Vitória Vip",
      email: "vitoria.vip@example.com",
      phone: "+55 81 98888-1234",
      city: "Recife",
      source: "api",
    });
    expect(lead.status).toBeLessThan(300);
    expect((await call("PATCH", `/api/v1/leads/${lead.body.id}`, { tags: ["vip"] })).status).toBe(200);
    const suggestion = await waitFor(
      "the rule's suggestion",
      async () =>
        (await call<{ items: DispatchView[] }>("GET", `/api/v1/dispatches?ruleId=${id}`)).body.items.find(
          (item) => item.status === "pending",
        ),
      30_000,
    );
    expect(suggestion.channel).toBe("task");

    // Editar: the same form, filled in; the trigger is read-only; one more condition; only it is sent.
    await card.getByRole("button", { name: "Editar" }).click();
    const edit = page.getByRole("form", { name: `Editar a regra ${VIP}` });
    expect(await edit.getByLabel("Nome", { exact: true }).inputValue()).toBe(VIP);
    await edit.getByText("O gatilho de uma regra que já existe não muda", { exact: false }).waitFor();
    expect(await edit.getByLabel("Evento", { exact: true }).count()).toBe(0);
    expect(await edit.getByRole("group", { name: "Condição 1" }).getByLabel("Valor").inputValue()).toBe(
      "vip",
    );
    expect(
      await edit.getByRole("group", { name: "Ação 1" }).getByLabel("Título da tarefa").inputValue(),
    ).toBe("Ligar para o VIP");
    await edit.getByRole("button", { name: "Adicionar condição" }).click();
    const city = edit.getByRole("group", { name: "Condição 2" });
    await city.getByLabel("Campo").selectOption({ label: "Cidade" });
    await city.getByLabel("Valor").fill("Recife");
    await edit.getByTestId("rule-summary").getByText("Cidade é Recife").waitFor();
    await edit.getByRole("button", { name: "Salvar" }).click();
    await page.getByText(`Regra “${VIP}” salva.`).waitFor();
    await card.getByText("Cidade é Recife").waitFor();
    expect(
      await card
        .getByRole("button", { name: "Editar" })
        .evaluate((element) => element === document.activeElement),
    ).toBe(true);
    expect(patches).toEqual([
      {
        conditions: [
          { field: "event.tag", op: "eq", value: "vip" },
          { field: "contact.city", op: "eq", value: "Recife" },
        ],
      },
    ]);
    expect((await rules()).find((rule) => rule.id === id)?.conditions).toHaveLength(2);

    // Excluir, after its confirmation: the rule goes and its pending suggestion expires.
    await card.getByRole("button", { name: "Excluir" }).click();
    const confirm = page.getByRole("dialog", { name: `Excluir a regra “${VIP}”?` });
    await confirm.getByText("As sugestões pendentes desta regra expiram.", { exact: false }).waitFor();
    await screenshot(page, "automation-rule-delete.png");
    await confirm.getByRole("button", { name: "Excluir" }).click();
    await page.getByText(`Regra “${VIP}” excluída.`).waitFor();
    expect(await card.count()).toBe(0);
    expect((await call("GET", `/api/v1/automation-rules/${id}`)).status).toBe(404);
    expect((await call<DispatchView>("GET", `/api/v1/dispatches/${suggestion.id}`)).body.status).toBe(
      "expired",
    );
    expect(dialogs).toEqual([]);
  });

  it("shows the server's error by its field, then makes a weekly rule; a built-in is edited, not deleted", async () => {
    const { server, newPage, signIn } = session();
    const page = await newPage();
    const dialogs: string[] = [];
    const patches: unknown[] = [];
    watchNativeDialogs(page, dialogs);
    watchRulePatches(page, patches);
    await signIn(page);
    await page.goto(`${server.baseUrl}/#/automation/rules`);
    await page.getByRole("button", { name: "Nova regra" }).click();
    const form = page.getByRole("form", { name: "Regra de automação" });
    await form.getByLabel("Nome", { exact: true }).fill("Resgate de segunda");
    await form.getByLabel("Numa agenda").check();
    await form.getByLabel("Quem a agenda procura").selectOption({ label: "resgate de acesso" });
    // A schedule's conditions offer the product, not an event's tag.
    await form.getByRole("button", { name: "Adicionar condição" }).click();
    const condition = form.getByRole("group", { name: "Condição 1" });
    expect(await condition.getByLabel("Campo").locator('option[value="product.monitoring"]').count()).toBe(1);
    expect(await condition.getByLabel("Campo").locator('option[value="event.tag"]').count()).toBe(0);
    await condition.getByRole("button", { name: "Remover a condição 1" }).click();
    expect(
      await form
        .getByRole("button", { name: "Adicionar condição" })
        .evaluate((element) => element === document.activeElement),
    ).toBe(true);
    await form.getByRole("button", { name: "Adicionar ação" }).click();
    const action = form.getByRole("group", { name: "Ação 1" });
    await action.getByLabel("Modelo").selectOption({ label: "resgate de acesso" });

    // Avançado: a cron the server refuses; its message shows beside the field, which takes the focus.
    await form.getByLabel("Avançado").check();
    const cron = form.getByLabel("Expressão cron");
    expect(await cron.inputValue()).toBe("0 9 * * *");
    await cron.fill("61 9 * * *");
    await form.getByRole("button", { name: "Criar regra" }).click();
    await form
      .locator(".field", { has: page.getByLabel("Expressão cron") })
      .locator(".field-error", { hasText: "five fields, e.g. 0 9 * * 1" })
      .waitFor();
    expect(await cron.getAttribute("aria-describedby")).toBe(
      await form
        .locator(".field", { has: page.getByLabel("Expressão cron") })
        .locator(".field-error")
        .getAttribute("id"),
    );
    expect(await cron.getAttribute("aria-invalid")).toBe("true");
    expect(await cron.evaluate((element) => element === document.activeElement)).toBe(true);
    await form.getByText("Corrija os campos marcados.").waitFor();
    expect((await rules()).some((rule) => rule.name === "Resgate de segunda")).toBe(false);

    // The friendly picker writes the cron: every Monday at 08:30.
    await form.getByLabel("Toda semana").check();
    await form.getByLabel("Dia da semana").selectOption({ label: "segunda-feira" });
    await form.getByLabel("Horário").fill("08:30");
    await form
      .getByTestId("schedule-in-words")
      .getByText("Toda segunda-feira às 08:30", { exact: false })
      .waitFor();
    await form
      .getByTestId("rule-summary")
      .getByText("Toda segunda-feira às 08:30 — resgate de acesso", { exact: true })
      .waitFor();
    await form.getByRole("button", { name: "Criar regra" }).click();
    await page.getByText("Regra “Resgate de segunda” criada.").waitFor();
    const weekly = (await rules()).find((rule) => rule.name === "Resgate de segunda");
    expect(weekly).toMatchObject({
      trigger: "schedule",
      schedule: { query: "access_rescue", cron: "30 8 * * 1" },
      actions: [{ type: "send_whatsapp", template: "access_rescue" }],
      mode: "suggest",
    });
    await page
      .locator(`article[data-rule-id="${weekly?.id}"]`)
      .getByText("Toda segunda-feira às 08:30 — resgate de acesso")
      .waitFor();

    // A built-in rule: "Editar" but no "Excluir"; its schedule changes through scheduleCron alone.
    const rescue = page.locator('article[data-builtin="access_rescue"]');
    expect(await rescue.getByRole("button", { name: "Excluir" }).count()).toBe(0);
    await rescue.getByRole("button", { name: "Editar" }).click();
    const edit = rescue.getByRole("form");
    await edit.getByText("Uma regra padrão pode ser editada e desligada, mas não excluída.").waitFor();
    expect(await edit.getByLabel("Todo dia").isChecked()).toBe(true);
    expect(await edit.getByLabel("Horário").inputValue()).toBe("09:00");
    await edit.getByLabel("Horário").fill("10:00");
    await edit.getByRole("button", { name: "Salvar" }).click();
    await page.getByText(/^Regra “Resgate de acesso.*” salva\.$/).waitFor();
    expect(await edit.count()).toBe(0);
    await rescue.locator(".rule-trigger").getByText("Todo dia às 10:00 — resgate de acesso").waitFor();
    expect(patches).toEqual([{ scheduleCron: "0 10 * * *" }]);
    expect((await rules()).find((rule) => rule.builtin === "access_rescue")?.schedule?.cron).toBe(
      "0 10 * * *",
    );
    expect(dialogs).toEqual([]);
  });
});
