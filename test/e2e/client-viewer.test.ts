import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProofOfValueReport } from "../../src/analytics/report-proof-of-value.ts";
import { type FakeWhatsApp, startFakeWhatsApp } from "../fake-whatsapp.ts";
import { apiCall, connectHotmartAndWhatsApp, waitFor } from "./support/api.ts";
import { useBrowserSession } from "./support/browser-session.ts";

/**
 * The client viewer role in a real browser against the real server: Hotmart purchases (welcomes sent
 * through a local fake WhatsApp with tracked links), two students who click our link before their first
 * access and two who came through Hotmart's e-mail, all in Turma 10. The admin adds a "Cliente" on
 * Equipe; the client signs in, finds only Prova de valor in the menu, the sentence "Trouxemos 50% dos
 * primeiros acessos da Turma 10", the cohort row, the weekly chart and a CSV export, and a no-access
 * page on any other route.
 */

const HOTTOK = "e2e_hottok_client_viewer";
const PRODUCT = "Clube Lumina de Fotografia";
const CLIENT_EMAIL = "cliente.agencia.e2e@example.com";
const CLIENT_PASSWORD = "senha-forte-cliente";
const DAY = 86_400_000;

const APPROVED = readFileSync(
  new URL("../../fixtures/webhooks/hotmart/purchase-approved.json", import.meta.url),
  "utf8",
);
const MODULE = readFileSync(
  new URL("../../fixtures/webhooks/hotmart/club-module-completed.json", import.meta.url),
  "utf8",
);

/** c1 bought before the course had a link; c2 and c3 click ours; c4 uses Hotmart's e-mail; c5 never enters. */
const STUDENTS = ["c1", "c2", "c3", "c4", "c5"] as const;
type Student = (typeof STUDENTS)[number];
const email = (student: Student) => `${student}.aluno@example.com`;

function purchaseOf(student: Student, approvedAt: number): string {
  const body = JSON.parse(APPROVED);
  body.id = `e2e-client-purchase-${student}`;
  body.creation_date = approvedAt;
  body.data.purchase.approved_date = approvedAt;
  body.data.purchase.transaction = `HP-E2E-CLIENT-${student}`;
  Object.assign(body.data.buyer, {
    email: email(student),
    name: `Aluno ${student}`,
    first_name: "Aluno",
    last_name: student,
    checkout_phone: `119555500${STUDENTS.indexOf(student)}0`,
  });
  return JSON.stringify(body);
}

function firstAccessOf(student: Student, at: number): string {
  const body = JSON.parse(MODULE.replace('"CLUB_MODULE_COMPLETED"', '"CLUB_FIRST_ACCESS"'));
  body.id = `e2e-client-access-${student}`;
  body.creation_date = at;
  body.data.user = { email: email(student), name: `Aluno ${student}` };
  return JSON.stringify(body);
}

let whatsapp: FakeWhatsApp;

describe("the client viewer, in a real browser against the real server", () => {
  beforeAll(async () => {
    whatsapp = await startFakeWhatsApp({ ratePerSecond: 500 });
  });
  const session = useBrowserSession(() => ({
    env: { FUNIL_META_GRAPH_URL: whatsapp.url, FUNIL_QUIET_HOURS: "off" },
  }));
  afterAll(async () => {
    await whatsapp?.close();
  });

  let expected: ProofOfValueReport;

  describe("with Turma 10's first accesses arranged through the doors", () => {
    beforeAll(async () => {
      const { server, token } = session();
      const call = <T>(method: string, path: string, body?: unknown) =>
        apiCall<T>(server.baseUrl, method, path, { token, ...(body === undefined ? {} : { body }) });
      const post = await connectHotmartAndWhatsApp(server.baseUrl, token, { hottok: HOTTOK, whatsapp });
      let delivered = 0;
      const deliver = async (body: string) => {
        await post(body);
        delivered += 1;
        await waitFor(`${delivered} processed events`, async () => {
          const events = await call<{ items: unknown[] }>("GET", "/api/v1/events?status=processed&limit=100");
          return events.body.items.length >= delivered ? true : null;
        });
      };

      const boughtAt = Date.now() - 2 * DAY;
      await deliver(purchaseOf("c1", boughtAt));
      const products = await call<{ items: { id: string; name: string }[] }>("GET", "/api/v1/products");
      const product = products.body.items.find((item) => item.name === PRODUCT);
      expect(product).toBeDefined();
      const patched = await call("PATCH", `/api/v1/products/${product?.id}`, {
        accessUrl: "https://lumina.example/area",
      });
      expect(patched.status).toBe(200);
      for (const student of STUDENTS.slice(1)) await deliver(purchaseOf(student, boughtAt));
      await waitFor("the welcomes", async () => (whatsapp.messages.length >= STUDENTS.length ? true : null));

      // c2 and c3 follow the link in their welcome, then enter the course.
      for (const student of ["c2", "c3"] as const) {
        const phone = `55119555500${STUDENTS.indexOf(student)}0`;
        const message = whatsapp.messages.find((item) => item.to === phone);
        const link = message?.template?.bodyParameters.find((value) => value.includes("/r/")) ?? "";
        const followed = await fetch(`${server.baseUrl}/r/${link.split("/r/")[1]}`, { redirect: "manual" });
        expect(followed.status).toBe(302);
      }
      const now = Date.now();
      await deliver(firstAccessOf("c1", now - DAY));
      await deliver(firstAccessOf("c2", now + 60_000));
      await deliver(firstAccessOf("c3", now + 120_000));
      await deliver(firstAccessOf("c4", now - 3600_000));

      const day = (at: number) => new Date(at).toISOString().slice(0, 10);
      const cohort = await call<{ updated: number }>("POST", "/api/v1/enrollments/cohort", {
        productId: product?.id,
        from: day(boughtAt - 2 * DAY),
        to: day(now + 2 * DAY),
        cohort: "Turma 10",
      });
      expect(cohort.body).toMatchObject({ updated: 5 });
      const report = await call<ProofOfValueReport>(
        "GET",
        `/api/v1/analytics/proof-of-value?productId=${product?.id}&cohort=Turma%2010`,
      );
      expected = report.body;
      expect(expected.headline).toMatchObject({
        enrollments: 5,
        firstAccesses: 4,
        ourFirstAccesses: 2,
        ourShare: 0.5,
      });
    });

    it("is added on Equipe as a Cliente, sees only the proof of value with its numbers, and no other page", async () => {
      const { server, newPage, signIn, screenshot } = session();
      const admin = await newPage();
      await signIn(admin);
      // Admins find Prova de valor in their menu too.
      await admin.getByRole("link", { name: "Prova de valor" }).waitFor();
      await admin.goto(`${server.baseUrl}/#/settings/team`);
      const form = admin.getByRole("form", { name: "Adicionar membro" });
      await form.getByLabel("E-mail").fill(CLIENT_EMAIL);
      await form.getByLabel("Nome (opcional)").fill("Cliente da Agência");
      await form.getByLabel("Senha inicial").fill(CLIENT_PASSWORD);
      await form.getByLabel("Papel").selectOption({ label: "Cliente" });
      await form.getByText("vê só o painel de prova de valor").waitFor();
      await form.getByRole("button", { name: "Adicionar membro" }).click();
      await admin.getByText("Cliente da Agência entrou como Cliente.", { exact: false }).waitFor();
      const roles = admin.getByRole("region", { name: "O que cada papel pode fazer" });
      await roles.getByText("Cliente", { exact: true }).waitFor();

      const page = await newPage();
      await page.goto(`${server.baseUrl}/`);
      await page.getByLabel("E-mail").fill(CLIENT_EMAIL);
      await page.getByLabel("Senha").fill(CLIENT_PASSWORD);
      await page.getByRole("button", { name: "Entrar" }).click();
      await page.getByRole("heading", { name: "Prova de valor", level: 1 }).waitFor();
      expect(new URL(page.url()).hash).toBe("#/proof-of-value");
      const menu = page.getByRole("navigation", { name: "Navegação principal" });
      expect(await menu.getByRole("link").allTextContents()).toEqual(["Prova de valor"]);

      // One product: the sentence is about it; then the cohort is picked.
      await page
        .getByTestId("proof-headline")
        .getByText(`Trouxemos 50% dos primeiros acessos de ${PRODUCT}`)
        .waitFor();
      await page.getByRole("combobox", { name: /^Produto/ }).selectOption({ label: PRODUCT });
      await page.getByRole("combobox", { name: /^Turma/ }).selectOption({ label: "Turma 10" });
      const headline = page.getByTestId("proof-headline");
      await headline.getByText("Trouxemos 50% dos primeiros acessos da Turma 10").waitFor();
      await headline
        .getByText("2 de 4 primeiros acessos vieram do nosso link no WhatsApp, entre 5 matrículas.")
        .waitFor();

      const row = page.locator('tr[data-cohort="Turma 10"]');
      expect(await row.locator("th, td").allTextContents()).toEqual([
        PRODUCT,
        "Turma 10",
        "5",
        "4",
        "80%",
        "2",
        "2",
        "0",
        "50%",
        "5 boas-vindas, 0 resgates",
        "2 (2 alunos)",
        expect.stringMatching(/ h$/),
      ]);

      // The weekly chart adds up to the same first accesses.
      const chart = page.getByRole("img", { name: "Primeiros acessos por semana e origem" });
      await chart.waitFor();
      const bars = await chart.locator("g[data-week]").evaluateAll((groups) =>
        groups.map((group) => ({
          week: group.getAttribute("data-week"),
          total: Number(group.getAttribute("data-total")),
          ours: Number(group.getAttribute("data-whatsapp")),
        })),
      );
      expect(bars).toEqual(
        expected.weeks.map((week) => ({ week: week.week, total: week.total, ours: week.whatsapp_link })),
      );
      expect(bars.reduce((sum, bar) => sum + bar.total, 0)).toBe(4);
      expect(bars.reduce((sum, bar) => sum + bar.ours, 0)).toBe(2);
      await screenshot(page, "client-proof-of-value.png");

      // The cohorts as CSV, downloaded with the client's token.
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Exportar turmas (CSV)" }).click(),
      ]);
      expect(download.suggestedFilename()).toBe("proof-of-value-cohorts.csv");
      const csv = await readFile((await download.path()) ?? "", "utf8");
      expect(csv).toContain(`${PRODUCT},Turma 10,5,4,0.8,2,2,0,0.5,5,0,2,2,`);

      // Any other page: no access, and a way back.
      await page.goto(`${server.baseUrl}/#/leads`);
      await page.getByText("Você não tem acesso a esta página.").waitFor();
      expect(await page.getByRole("heading", { name: "Leads", level: 1 }).count()).toBe(0);
      await screenshot(page, "client-no-access.png");
      await page.goto(`${server.baseUrl}/#/settings/team`);
      await page.getByText("Você não tem acesso a esta página.").waitFor();
      await page.getByRole("link", { name: "Ir para a prova de valor" }).click();
      await page.getByRole("heading", { name: "Prova de valor", level: 1 }).waitFor();

      // And the API says the same to the client's token.
      const token = await page.evaluate(
        () => JSON.parse(localStorage.getItem("funil.session") ?? "{}").token as string,
      );
      const leads = await apiCall(server.baseUrl, "GET", "/api/v1/leads", { token });
      expect(leads.status).toBe(403);
    });
  });
});
