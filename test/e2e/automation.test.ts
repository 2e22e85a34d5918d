import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RuleView } from "../../src/automation/manage-rules.ts";
import type { DispatchView } from "../../src/automation/review-dispatches.ts";
import { type FakeWhatsApp, startFakeWhatsApp } from "../fake-whatsapp.ts";
import { apiCall, connectHotmartAndWhatsApp, waitFor } from "./support/api.ts";
import { useBrowserSession } from "./support/browser-session.ts";

/**
 * Automação in a real browser against the real server: Hotmart purchases delivered to a hotmart
 * connection (welcomes sent automatically through a local fake WhatsApp), the access-rescue rule run
 * through the API to fill the queue; then in Chromium: the newest suggestion and its WhatsApp preview, its
 * message edited and approved (the original kept), the rest selected by the product facet (more than a page: "all
 * of this filter") and approved in one batch after the confirmation, a rule switched to automatic after
 * its warning, a scheduled rule run now with its result, a message template edited (field error, variables,
 * preview) and a product's own copy made and deleted, and a viewer who sees the queue but no buttons.
 */

const HOTTOK = "e2e_hottok_9f8e7d6c";
const PRODUCT = "Clube Lumina de Fotografia";
/** Buyers who never accessed: Marina (the fixture's buyer) and 52 more, more than one page of 50. */
const RESCUE = 53;
const STALLED = 2;
const VIEWER_EMAIL = "vera.viewer.e2e@example.com";
const VIEWER_PASSWORD = "senha-forte-viewer";

const APPROVED = readFileSync(
  new URL("../../fixtures/webhooks/hotmart/purchase-approved.json", import.meta.url),
  "utf8",
);
const MODULE = readFileSync(
  new URL("../../fixtures/webhooks/hotmart/club-module-completed.json", import.meta.url),
  "utf8",
);

interface Buyer {
  n: number;
  name: string;
  email: string;
  phone: string;
}

const buyers: Buyer[] = Array.from({ length: RESCUE + STALLED }, (_, n) =>
  n === 0
    ? { n, name: "Marina Tavares Lopes", email: "marina.tavares@example.com", phone: "11987654321" }
    : n <= RESCUE - 1
      ? {
          n,
          name: `Aluna ${String(n).padStart(2, "0")} Resgate`,
          email: `aluna${n}@example.com`,
          phone: `119${String(70000000 + n)}`,
        }
      : {
          n,
          name: `Paulo ${n} Parado`,
          email: `parado${n}@example.com`,
          phone: `119${String(60000000 + n)}`,
        },
);

function purchaseOf(buyer: Buyer): string {
  const body = JSON.parse(APPROVED) as {
    id: string;
    data: {
      buyer: { email: string; name: string; first_name: string; last_name: string; checkout_phone: string };
      purchase: { transaction: string };
    };
  };
  body.id = `e2e-purchase-${buyer.n}`;
  const [first = buyer.name, ...rest] = buyer.name.split(" ");
  Object.assign(body.data.buyer, {
    email: buyer.email,
    name: buyer.name,
    first_name: first,
    last_name: rest.join(" "),
    checkout_phone: buyer.phone,
  });
  body.data.purchase.transaction = `HP-E2E-${buyer.n}`;
  return JSON.stringify(body);
}

/** A first access 8 days ago (and nothing since): the student is stalled in Módulo 1. */
function firstAccessOf(buyer: Buyer): string {
  const body = JSON.parse(MODULE.replace('"CLUB_MODULE_COMPLETED"', '"CLUB_FIRST_ACCESS"')) as {
    id: string;
    creation_date: number;
    data: { user: { email: string; name: string } };
  };
  body.id = `e2e-first-access-${buyer.n}`;
  body.creation_date = Date.now() - 8 * 24 * 3600_000;
  body.data.user = { email: buyer.email, name: buyer.name };
  return JSON.stringify(body);
}

/** Native alert/confirm dialogs the page opened (none expected: Automação asks in its own dialogs). */
const nativeDialogs: string[] = [];
function watchNativeDialogs(page: Page) {
  page.on("dialog", (dialog) => {
    nativeDialogs.push(dialog.message());
    void dialog.dismiss();
  });
}

/** The element `testId` names, once its whole text is `text`. */
function byTestIdWithText(page: Page, testId: string, text: string | RegExp) {
  return page.getByTestId(testId).filter({ hasText: text });
}

let whatsapp: FakeWhatsApp;

describe("Automação, in a real browser against the real server", () => {
  beforeAll(async () => {
    whatsapp = await startFakeWhatsApp({ ratePerSecond: 500 });
  });
  const session = useBrowserSession(() => ({
    env: {
      FUNIL_META_GRAPH_URL: whatsapp.url,
      FUNIL_QUIET_HOURS: "00:00-00:00",
      FUNIL_FREQUENCY_CAP: "5/24h",
    },
  }));
  afterAll(async () => {
    await whatsapp?.close();
  });

  let rules: RuleView[] = [];
  const ruleOf = (builtin: string) => {
    const found = rules.find((rule) => rule.builtin === builtin);
    if (!found) throw new Error(`no built-in rule ${builtin}`);
    return found;
  };

  describe("with the queue filled by the access rescue", () => {
    beforeAll(async () => {
      const { server, token } = session();
      const call = <T>(method: string, path: string, body?: unknown) =>
        apiCall<T>(server.baseUrl, method, path, { token, ...(body === undefined ? {} : { body }) });

      const post = await connectHotmartAndWhatsApp(server.baseUrl, token, { hottok: HOTTOK, whatsapp });
      const deliver = async (body: string) => {
        await post(body);
      };
      const processed = (count: number) =>
        waitFor(
          `${count} processed events`,
          async () => {
            const events = await call<{ items: unknown[] }>(
              "GET",
              "/api/v1/events?status=processed&limit=100",
            );
            return events.body.items.length >= count ? true : null;
          },
          120_000,
        );

      for (let start = 0; start < buyers.length; start += 5) {
        await Promise.all(buyers.slice(start, start + 5).map((buyer) => deliver(purchaseOf(buyer))));
      }
      await processed(buyers.length);
      const stalled = buyers.slice(RESCUE);
      for (const buyer of stalled) await deliver(firstAccessOf(buyer));
      await processed(buyers.length + STALLED);
      // The welcome rule is automatic: every buyer got it through the fake WhatsApp.
      await waitFor(
        "the welcomes",
        async () => (whatsapp.messages.length >= buyers.length ? true : null),
        60_000,
      );

      rules = (await call<{ items: RuleView[] }>("GET", "/api/v1/automation-rules")).body.items;
      const run = await call<{ matched: number; created: number }>(
        "POST",
        `/api/v1/automation-rules/${ruleOf("access_rescue").id}/run`,
      );
      expect(run.status).toBe(200);
      expect(run.body).toMatchObject({ matched: RESCUE, created: RESCUE });
    });

    it("reviews the queue: a preview, an edited approval, a batch by facet with its confirmation", async () => {
      const { server, token, newPage, signIn, screenshot } = session();
      const page = await newPage();
      watchNativeDialogs(page);
      await signIn(page);
      await page.getByRole("link", { name: "Automação" }).click();
      await page.getByRole("heading", { name: "Automação", level: 1 }).waitFor();
      const tabs = page.getByRole("navigation", { name: "Situação dos disparos" });
      expect(await tabs.getByRole("button", { name: /Pendentes/ }).getAttribute("aria-pressed")).toBe("true");
      await byTestIdWithText(page, "pending-count", new RegExp(`^${RESCUE}$`)).waitFor();

      // The newest suggestion: its contact (a link to the lead), reason and WhatsApp bubble.
      const firstRow = page.locator("li[data-dispatch-id]").first();
      await firstRow.waitFor();
      const id = (await firstRow.getAttribute("data-dispatch-id")) ?? "";
      const name = ((await firstRow.locator(".dispatch-contact").textContent()) ?? "").trim();
      expect(name).toMatch(/^(Aluna \d\d Resgate|Marina Tavares Lopes)$/);
      const row = page.locator(`li[data-dispatch-id="${id}"]`);
      await row
        .getByText("Resgate de acesso (comprou há mais de 24 h e não acessou)", { exact: false })
        .waitFor();
      const bubble = row.locator(".dispatch-bubble");
      expect(await bubble.textContent()).toContain(
        "Vimos que você ainda não acessou Clube Lumina de Fotografia",
      );
      expect(await row.getByRole("link", { name }).getAttribute("href")).toMatch(/^#\/leads\/[0-9a-f-]{36}$/);
      // More than a page: 50 shown, the rest behind "Carregar mais".
      expect(await page.locator("li[data-dispatch-id]").count()).toBe(50);
      await page.getByRole("button", { name: "Carregar mais" }).waitFor();
      await screenshot(page, "automation-queue.png");

      // Edit the message and approve it: the original is kept and shown as "editado".
      const edit = `${name.split(" ")[0]}, o feriado atrasou o acesso? Responda aqui que ajudamos.`;
      await row.getByRole("button", { name: `Editar a mensagem para ${name}` }).click();
      await row.getByLabel(`Mensagem para ${name}`).fill(edit);
      await row.getByRole("button", { name: "Salvar e aprovar" }).click();
      await row.locator(".dispatch-status", { hasText: "aprovado" }).waitFor();
      await row.getByText("editado", { exact: true }).waitFor();
      await row.getByText("Ver a mensagem original").click();
      await row.locator(".dispatch-original").getByText("Vimos que você ainda não acessou").waitFor();
      const edited = await apiCall<DispatchView>(server.baseUrl, "GET", `/api/v1/dispatches/${id}`, {
        token,
      });
      expect(edited.body.body).toBe(edit);
      expect(edited.body.originalBody).toContain("Vimos que você ainda não acessou");
      await screenshot(page, "automation-edited.png");

      // The product facet: the remaining 52, selected as "all of this filter" and approved at once.
      const rest = RESCUE - 1;
      await page.getByRole("button", { name: `${PRODUCT} (${rest})` }).click();
      await page.waitForFunction(() => decodeURIComponent(window.location.hash).includes("facet=product:"));
      expect(
        await page.getByRole("button", { name: `${PRODUCT} (${rest})` }).getAttribute("aria-pressed"),
      ).toBe("true");
      await page.locator("li[data-dispatch-id]").nth(49).waitFor();
      expect(await page.locator('li[data-dispatch-id][data-status="pending"]').count()).toBe(50);
      await page.getByLabel("Selecionar os 50 visíveis").check();
      await byTestIdWithText(page, "selection-count", "50 selecionados").waitFor();
      await page.getByRole("button", { name: "Selecionar todos os pendentes deste filtro" }).click();
      await byTestIdWithText(page, "selection-count", `Todos os ${rest} deste filtro selecionados`).waitFor();
      await page.getByRole("button", { name: `Aprovar ${rest}`, exact: true }).click();
      const dialog = page.getByRole("dialog", { name: `Aprovar ${rest} disparos em ${PRODUCT}?` });
      await dialog.waitFor();
      await dialog.getByText("Eles saem assim que as regras de envio permitirem").waitFor();
      await screenshot(page, "automation-batch-confirm.png");
      await dialog.getByRole("button", { name: `Aprovar ${rest}` }).click();
      await byTestIdWithText(page, "automation-toast", `${rest} disparos aprovados.`).waitFor();
      await page.getByText("Nenhum disparo com esses filtros").waitFor();
      await page.getByRole("button", { name: "Limpar filtros" }).click();
      await page.getByText("Nada para revisar").waitFor();
      await page.getByText("As regras em modo sugestão colocam aqui o que propõem.").waitFor();
      await byTestIdWithText(page, "pending-count", /^0$/).waitFor();

      const pending = await apiCall<{ items: DispatchView[] }>(
        server.baseUrl,
        "GET",
        "/api/v1/dispatches?status=pending&limit=200",
        { token },
      );
      expect(pending.body.items).toEqual([]);

      // They go out through the fake WhatsApp; the sent ones show their delivery status.
      await waitFor(
        "the rescue messages",
        async () => (whatsapp.messages.length >= buyers.length + rest ? true : null),
        60_000,
      );
      await tabs.getByRole("button", { name: "Enviados" }).click();
      await page.locator("li[data-dispatch-id] .delivery", { hasText: "enviado" }).first().waitFor();
      // The edited text is free text outside the 24-hour window: refused at send time, said in words.
      await waitFor(
        "the edited message's refusal",
        async () => {
          const now = await apiCall<DispatchView>(server.baseUrl, "GET", `/api/v1/dispatches/${id}`, {
            token,
          });
          return now.body.status === "refused" ? true : null;
        },
        30_000,
      );
      await tabs.getByRole("button", { name: "Recusados" }).click();
      const refused = page.locator(`li[data-dispatch-id="${id}"]`);
      await refused.getByText("Não enviado: a janela de 24 h do WhatsApp está fechada").waitFor();
      await refused.getByText("editado", { exact: true }).waitFor();
      expect(whatsapp.unexpected).toEqual([]);
      expect(nativeDialogs).toEqual([]);
    });

    it("switches a rule to automatic after its warning and runs a scheduled rule now", async () => {
      const { server, token, newPage, signIn, screenshot } = session();
      const page = await newPage();
      watchNativeDialogs(page);
      await signIn(page);
      await page.goto(`${server.baseUrl}/#/automation/rules`);
      await page.getByRole("heading", { name: "Regras padrão" }).waitFor();

      const rescue = page.locator('article[data-builtin="access_rescue"]');
      await rescue.getByText("Todo dia às 09:00 — resgate de acesso").waitFor();
      await page
        .locator('article[data-builtin="welcome"]')
        .getByText("Compra aprovada", { exact: true })
        .waitFor();
      await page
        .locator('article[data-builtin="module_completed"]')
        .getByText("Pôr a etiqueta “Conquista” no Chatwoot")
        .waitFor();

      // Automático asks first; cancelling changes nothing.
      await rescue.getByRole("button", { name: "Automático" }).click();
      let dialog = page.getByRole("dialog", { name: /Passar “Resgate de acesso.*” para automático\?/ });
      await dialog.getByText("As mensagens serão enviadas sem revisão.", { exact: false }).waitFor();
      await dialog.getByRole("button", { name: "Cancelar" }).click();
      await dialog.waitFor({ state: "hidden" });
      expect(await rescue.getByRole("button", { name: "Sugerir" }).getAttribute("aria-pressed")).toBe("true");
      await rescue.getByRole("button", { name: "Automático" }).click();
      dialog = page.getByRole("dialog", { name: /Passar “Resgate de acesso.*” para automático\?/ });
      await screenshot(page, "automation-confirm-auto.png");
      await dialog.getByRole("button", { name: "Sim, enviar sem revisão" }).click();
      await dialog.waitFor({ state: "hidden" });
      await rescue.locator('button[aria-pressed="true"]', { hasText: "Automático" }).waitFor();
      const after = await apiCall<RuleView>(
        server.baseUrl,
        "GET",
        `/api/v1/automation-rules/${ruleOf("access_rescue").id}`,
        {
          token,
        },
      );
      expect(after.body.mode).toBe("auto");

      // The on/off switch.
      const cold = page.locator('article[data-builtin="cold_lead"]');
      const coldSwitch = cold.getByRole("switch");
      expect(await coldSwitch.getAttribute("aria-checked")).toBe("false");
      await coldSwitch.click();
      await cold.locator('[role="switch"][aria-checked="true"]').waitFor();
      await coldSwitch.click();
      await cold.locator('[role="switch"][aria-checked="false"]').waitFor();

      // Run the stalled-students rule now: the two who accessed 8 days ago and stopped.
      const stalled = page.locator('article[data-builtin="stalled_student"]');
      await stalled.getByText("Toda segunda-feira às 09:00 — alunos parados").waitFor();
      await stalled.getByRole("button", { name: "Executar agora" }).click();
      await stalled
        .getByTestId("run-result")
        .filter({ hasText: `Executada agora: ${STALLED} encontrados, ${STALLED} sugestões.` })
        .waitFor();
      await stalled.getByRole("button", { name: "Ver histórico" }).click();
      await stalled.locator("tbody tr", { hasText: "Manual" }).first().waitFor();
      await screenshot(page, "automation-rules.png");

      // Its pending count opens the queue filtered by the rule, with the module facet.
      await stalled.getByRole("link", { name: `${STALLED} pendentes na fila` }).click();
      await page.getByRole("button", { name: `Módulo 1 (${STALLED})` }).waitFor();
      expect(await page.locator('li[data-dispatch-id][data-status="pending"]').count()).toBe(STALLED);
      await page.locator("li[data-dispatch-id]", { hasText: "Paulo" }).first().waitFor();

      // Keyboard: focus the first row, move down, reject it with r and a note.
      const first = page.locator("li[data-dispatch-id]").first();
      await first.focus();
      await page.keyboard.press("j");
      const second = page.locator("li[data-dispatch-id]").nth(1);
      expect(await second.evaluate((element) => element === document.activeElement)).toBe(true);
      await page.keyboard.press("r");
      await second.getByLabel("Motivo (opcional)").fill("já falamos por telefone");
      await second.getByRole("button", { name: "Confirmar rejeição" }).click();
      await second.locator(".dispatch-status", { hasText: "rejeitado" }).waitFor();
      expect(nativeDialogs).toEqual([]);
    });

    it("edits a message template with a preview, and makes and deletes a product's own copy", async () => {
      const { server, token, newPage, signIn, screenshot } = session();
      const page = await newPage();
      watchNativeDialogs(page);
      await signIn(page);
      await page.goto(`${server.baseUrl}/#/automation/templates`);
      const rescue = page.locator("article[data-template-id]", { hasText: "access_rescue" });
      await rescue.getByText("Vimos que você ainda não acessou {{product}}", { exact: false }).waitFor();

      // An unknown variable: said as typed, refused by the server beside the field.
      await rescue.getByRole("button", { name: "Editar" }).click();
      const text = rescue.getByLabel("Texto");
      await text.fill("Oi, {{first_name}}! Seu acesso a {{produto}} está pronto: ");
      await rescue.getByText("Variáveis desconhecidas: {{produto}}.").waitFor();
      await rescue.getByRole("button", { name: "Salvar" }).click();
      await rescue.locator("label", { hasText: "Texto" }).locator(".field-error").waitFor();
      expect(await text.getAttribute("aria-invalid")).toBe("true");

      // Fixed with the variable buttons (inserted at the cursor), previewed, saved.
      await text.fill("Oi, {{first_name}}! Seu acesso a  está pronto: ");
      await text.evaluate((element: HTMLTextAreaElement) => element.setSelectionRange(33, 33));
      await rescue.getByRole("button", { name: "produto", exact: true }).click();
      await rescue.getByRole("button", { name: "link de acesso" }).click();
      expect(await text.inputValue()).toBe(
        "Oi, {{first_name}}! Seu acesso a {{product}}{{link}} está pronto: ",
      );
      await text.fill("Oi, {{first_name}}! Seu acesso a {{product}} está pronto: {{link}}");
      await rescue.getByRole("button", { name: "Pré-visualizar" }).click();
      const preview = rescue.getByTestId("template-preview");
      await preview
        .filter({ hasText: "Oi, Marina! Seu acesso a Curso de Fotografia está pronto:" })
        .waitFor();
      await screenshot(page, "automation-template-edit.png");
      await rescue.getByRole("button", { name: "Salvar" }).click();
      await page.getByText("Modelo “resgate de acesso” (Padrão do workspace) salvo.").waitFor();
      await rescue.getByText("Seu acesso a {{product}} está pronto", { exact: false }).waitFor();

      // The welcome's own copy for the product, then deleted again.
      const welcome = page.locator("article[data-template-id]", { hasText: "boas_vindas_aluno" }).first();
      await welcome.getByRole("button", { name: "Personalizar para um produto" }).click();
      expect(await welcome.getByLabel("Produto").locator("option:checked").textContent()).toBe(PRODUCT);
      await welcome.getByLabel("Texto").fill("Bem-vinda ao Clube, {{first_name}}! {{link}}");
      await welcome.getByRole("button", { name: "Criar modelo" }).click();
      await page.getByText(`Modelo “boas-vindas” (${PRODUCT}) criado.`).waitFor();
      const own = page.locator("article[data-template-id]", { hasText: "Bem-vinda ao Clube" });
      await own.getByText(PRODUCT, { exact: true }).waitFor();
      const templates = await apiCall<{ items: { purpose: string; productName: string | null }[] }>(
        server.baseUrl,
        "GET",
        "/api/v1/message-templates?channel=whatsapp",
        { token },
      );
      expect(
        templates.body.items.filter((item) => item.purpose === "welcome").map((item) => item.productName),
      ).toEqual(expect.arrayContaining([null, PRODUCT]));
      await own.getByRole("button", { name: "Excluir" }).click();
      const dialog = page.getByRole("dialog", { name: `Excluir o modelo boas-vindas (${PRODUCT})?` });
      await dialog.getByRole("button", { name: "Excluir" }).click();
      await page.getByText("Modelo excluído.").waitFor();
      expect(await own.count()).toBe(0);
      expect(nativeDialogs).toEqual([]);
    });

    it("shows a viewer the queue without decisions, and hides Automação from sales", async () => {
      const { server, token, newPage } = session();
      const me = await apiCall<{ workspaceId: string }>(server.baseUrl, "GET", "/api/v1/auth/me", { token });
      for (const [email, role] of [
        [VIEWER_EMAIL, "viewer"],
        ["sara.sales.e2e@example.com", "sales"],
      ] as const) {
        const added = await apiCall(
          server.baseUrl,
          "POST",
          `/api/v1/workspaces/${me.body.workspaceId}/members`,
          {
            token,
            body: { email, password: VIEWER_PASSWORD, role, name: role },
          },
        );
        expect(added.status).toBeLessThan(300);
      }
      const page = await newPage();
      await page.goto(`${server.baseUrl}/`);
      await page.getByLabel("E-mail").fill(VIEWER_EMAIL);
      await page.getByLabel("Senha").fill(VIEWER_PASSWORD);
      await page.getByRole("button", { name: "Entrar" }).click();
      await page.getByRole("heading", { name: "Leads", level: 1 }).waitFor();
      await page.getByRole("link", { name: "Automação" }).click();
      await page.getByText("Seu papel só pode ver a fila").waitFor();
      await page.locator("li[data-dispatch-id]").first().waitFor();
      expect(await page.getByRole("button", { name: /^Aprovar/ }).count()).toBe(0);
      expect(await page.locator("li[data-dispatch-id] input[type=checkbox]").count()).toBe(0);
      await page.getByRole("link", { name: "Regras", exact: true }).click();
      await page.getByText("Seu papel vê as regras").waitFor();
      expect(await page.getByRole("switch").count()).toBe(0);
      expect(await page.getByRole("button", { name: "Executar agora" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Nova regra" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Editar" }).count()).toBe(0);

      const sales = await newPage();
      await sales.goto(`${server.baseUrl}/`);
      await sales.getByLabel("E-mail").fill("sara.sales.e2e@example.com");
      await sales.getByLabel("Senha").fill(VIEWER_PASSWORD);
      await sales.getByRole("button", { name: "Entrar" }).click();
      await sales.getByRole("heading", { name: "Leads", level: 1 }).waitFor();
      expect(await sales.getByRole("link", { name: "Automação" }).count()).toBe(0);
      await sales.goto(`${server.baseUrl}/#/automation/queue`);
      await sales.getByText("Sem acesso à automação").waitFor();
    });
  });
});
