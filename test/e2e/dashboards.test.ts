import { mkdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { FunnelReport, OverviewReport } from "../../src/analytics/dashboard-schemas.ts";
import { apiCall, sendSignedWebhook, waitFor } from "./support/api.ts";
import { useBrowserSession } from "./support/browser-session.ts";

/**
 * The Painel in a real browser against the real server: leads through POST /api/v1/leads, a signed
 * webhook (one processed, one failed), deals opened and moved through the deals API. The overview shows
 * the API's numbers, takes a new lead live (server-sent events), narrows to a source in the URL and
 * exports CSV and PNG; the funnel shows each stage's entries and narrows to an owner.
 * Screenshots go to test-results/screenshots/ (.ci/run collects no artifacts).
 */

const SCREENSHOTS = fileURLToPath(new URL("../../test-results/screenshots/", import.meta.url));
const RITA = { email: "rita.painel.e2e@example.com", password: "senha-forte-rita", name: "Rita Painel" };

async function shoot(page: Page, name: string) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}`, fullPage: true });
}

const statOf = (page: Page, name: string) => page.locator(`[data-stat="${name}"]`);

describe("Painel, in a real browser against the real server", () => {
  const session = useBrowserSession(() => ({ env: { FUNIL_ANALYTICS_STREAM_SECONDS: "0.5" } }));

  it("shows the overview's numbers live, narrows by source in the URL and exports CSV and PNG; then the funnel", async () => {
    const { server, token, newPage, signIn } = session();
    const call = <T>(method: string, path: string, body?: unknown) =>
      apiCall<T>(server.baseUrl, method, path, { token, ...(body === undefined ? {} : { body }) });

    // Leads through the API: three from Instagram (one hot), two from Typeform.
    const leads: Record<string, string> = {};
    const people = [
      ["Ana Painel", "instagram", { phone: "+5511987651001", interest: "apartamento" }],
      ["Bia Painel", "instagram", {}],
      ["Caio Painel", "instagram", {}],
      ["Duda Painel", "typeform", {}],
      ["Edu Painel", "typeform", { phone: "+5511987651002", city: "São Paulo" }],
    ] as const;
    for (const [name, source, extra] of people) {
      const created = await call<{ id: string }>("POST", "/api/v1/leads", {
        name,
        email: `${name.split(" ")[0]?.toLowerCase()}.painel@example.com`,
        source,
        ...extra,
      });
      expect(created.status).toBe(201);
      leads[name] = created.body.id;
    }
    // A webhook: one person, one body that cannot be processed.
    const site = await call<{ webhookUrl: string; secret: string }>("POST", "/api/v1/connections", {
      type: "generic",
      name: "Site Painel",
    });
    expect(site.status).toBe(201);
    const hugo = JSON.stringify({
      type: "signup",
      data: { name: "Hugo Painel", email: "hugo.painel@example.com" },
    });
    expect((await sendSignedWebhook(server.baseUrl, site.body, hugo)).status).toBe(202);
    expect(
      (await sendSignedWebhook(server.baseUrl, site.body, JSON.stringify({ nothing: "here" }))).status,
    ).toBe(202);
    const overview = (query = "") =>
      call<OverviewReport>("GET", `/api/v1/analytics/overview${query}`).then((response) => response.body);
    const settled = await waitFor("the webhook to be processed", async () => {
      const report = await overview();
      return report.live.failed === 1 && report.live.backlog === 0 && report.leads.total === 6
        ? report
        : null;
    });

    // Deals: a sales rep and the admin own them; one goes on, one is lost.
    const me = (await call<{ workspaceId: string; userId: string }>("GET", "/api/v1/auth/me")).body;
    expect(
      (await call("POST", `/api/v1/workspaces/${me.workspaceId}/members`, { ...RITA, role: "sales" })).status,
    ).toBe(201);
    const owners = (await call<{ items: { id: string; email: string }[] }>("GET", "/api/v1/deal-owners"))
      .body;
    const ritaId = owners.items.find((owner) => owner.email === RITA.email)?.id ?? "";
    const pipeline = (
      await call<{ id: string; stages: { id: string; name: string }[] }>("POST", "/api/v1/pipelines", {
        name: "Vendas",
      })
    ).body;
    const stage = (name: string) => pipeline.stages.find((item) => item.name === name)?.id;
    const deals: string[] = [];
    for (const [name, ownerId] of [
      ["Ana Painel", me.userId],
      ["Bia Painel", me.userId],
      ["Duda Painel", ritaId],
    ] as const) {
      const deal = await call<{ id: string }>("POST", "/api/v1/deals", {
        contactId: leads[name],
        pipelineId: pipeline.id,
        ownerId,
        value: 1000,
      });
      expect(deal.status).toBe(201);
      deals.push(deal.body.id);
    }
    expect(
      (await call("POST", `/api/v1/deals/${deals[0]}/move`, { stageId: stage("Qualificação") })).status,
    ).toBe(200);
    expect(
      (await call("POST", `/api/v1/deals/${deals[2]}/move`, { stageId: stage("Perdido"), reason: "Preço" }))
        .status,
    ).toBe(200);

    const page = await newPage();
    await signIn(page);
    const nav = page.getByRole("navigation", { name: "Navegação principal" });
    expect(await nav.getByRole("link").first().textContent()).toBe("Painel");
    await nav.getByRole("link", { name: "Painel" }).click();
    await page.getByRole("heading", { name: "Painel", level: 1 }).waitFor();
    await page.getByText("Ao vivo", { exact: false }).first().waitFor();

    // The numbers shown are the API's.
    const today = settled.period.to;
    const todayIndex = settled.period.days.indexOf(today);
    await expect
      .poll(() => statOf(page, "newLeadsToday").textContent())
      .toBe(String(settled.live.newLeadsToday));
    expect(await statOf(page, "failed").textContent()).toBe("1");
    expect(await statOf(page, "backlog").textContent()).toBe("0");
    const leadsCard = page.getByRole("region", { name: "Leads por origem e dia" });
    const todayBar = leadsCard.locator(`[data-category="${today}"]`);
    expect(Number(await todayBar.getAttribute("data-total"))).toBe(settled.leads.perDay[todayIndex]);
    expect(Number(await todayBar.getAttribute("data-total"))).toBe(6);
    const temperature = page.getByRole("region", { name: "Temperatura dos leads" });
    expect(Number(await temperature.locator("[data-total]").getAttribute("data-total"))).toBe(
      settled.leads.total,
    );
    expect(Number(await temperature.locator('[data-segment="hot"]').getAttribute("data-value"))).toBe(
      settled.temperature.hot,
    );
    await page.getByRole("region", { name: "Últimas falhas" }).getByText("generic").waitFor();

    // A new lead arrives: the live figure moves without a reload.
    expect(
      (
        await call("POST", "/api/v1/leads", {
          name: "Iara Painel",
          email: "iara.painel@example.com",
          source: "instagram",
        })
      ).status,
    ).toBe(201);
    await expect
      .poll(() => statOf(page, "newLeadsToday").textContent(), { timeout: 10_000 })
      .toBe(String(settled.live.newLeadsToday + 1));
    // …and the charts follow (read again at most every 10 s).
    await expect.poll(() => todayBar.getAttribute("data-total"), { timeout: 20_000 }).toBe("7");
    await shoot(page, "dashboards-overview.png");

    // CSV and PNG of the leads chart.
    const [csvDownload] = await Promise.all([
      page.waitForEvent("download"),
      leadsCard.getByRole("button", { name: "Baixar os dados de “Leads por origem e dia” em CSV" }).click(),
    ]);
    expect(csvDownload.suggestedFilename()).toMatch(
      /^leads-por-origem-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const csv = await readFile((await csvDownload.path()) ?? "", "utf8");
    const lines = csv
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toMatch(/^Dia,instagram,typeform,webhook,Total$/);
    expect(lines).toContain(`${today},4,2,1,7`);
    const [pngDownload] = await Promise.all([
      page.waitForEvent("download"),
      leadsCard.getByRole("button", { name: "Baixar “Leads por origem e dia” como imagem PNG" }).click(),
    ]);
    expect(pngDownload.suggestedFilename()).toMatch(/\.png$/);
    const png = await readFile((await pngDownload.path()) ?? "");
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(2_000);

    // Narrowed to a source: the URL says so and the numbers follow the API's.
    await page
      .getByRole("region", { name: "Filtros do painel" })
      .getByLabel("Origem")
      .selectOption("instagram");
    await expect.poll(() => page.url()).toContain("source=instagram");
    const instagram = await overview("?source=instagram");
    expect(instagram.leads.total).toBe(4);
    await expect
      .poll(() => temperature.locator("[data-total]").getAttribute("data-total"))
      .toBe(String(instagram.leads.total));
    expect(Number(await leadsCard.locator(`[data-category="${today}"]`).getAttribute("data-total"))).toBe(4);
    // The link reproduces the view.
    const linked = page.url();
    await page.goto(`${server.baseUrl}/#/leads`);
    await page.goto(linked);
    await page.getByRole("heading", { name: "Painel", level: 1 }).waitFor();
    await expect.poll(() => page.getByRole("combobox", { name: "Origem" }).inputValue()).toBe("instagram");
    await expect
      .poll(() =>
        page
          .getByRole("region", { name: "Temperatura dos leads" })
          .locator("[data-total]")
          .getAttribute("data-total"),
      )
      .toBe("4");

    // The funnel: the period and the source travel with the tab; each stage's entries are the API's.
    await page
      .getByRole("navigation", { name: "Seções do painel" })
      .getByRole("link", { name: "Funil" })
      .click();
    await expect.poll(() => page.url()).toContain("/dashboards/funnel");
    const chart = page.getByRole("region", { name: "Conversão por etapa" });
    await chart.waitFor();
    expect(page.url()).toContain("source=instagram");
    await page.getByRole("combobox", { name: "Origem" }).selectOption("");
    const funnel = (query: string) =>
      call<FunnelReport>("GET", `/api/v1/analytics/funnel${query}`).then((response) => response.body);
    const all = await funnel("");
    expect(all.deals).toBe(3);
    for (const item of all.stages.filter((entry) => entry.kind !== "lost")) {
      await expect
        .poll(() => chart.locator(`[data-stage="${item.name}"]`).getAttribute("data-value"))
        .toBe(String(item.entered));
    }
    expect(all.stages[0]).toMatchObject({ name: "Novo", entered: 3, converted: 1 });
    await chart.getByText("33,3% seguiram").waitFor();
    await chart.getByText("Perdidos: 1").waitFor();
    await page.getByRole("region", { name: "Por responsável" }).getByText(RITA.name).waitFor();
    await shoot(page, "dashboards-funnel.png");

    // One owner: the URL carries it and the funnel narrows.
    await page.getByRole("combobox", { name: "Responsável" }).selectOption(ritaId);
    await expect.poll(() => page.url()).toContain(`ownerId=${ritaId}`);
    const rita = await funnel(`?ownerId=${ritaId}`);
    expect(rita.deals).toBe(1);
    await expect.poll(() => chart.locator('[data-stage="Novo"]').getAttribute("data-value")).toBe("1");
    const [tableCsv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Baixar os dados de “Por responsável” em CSV" }).click(),
    ]);
    const ownersCsv = await readFile((await tableCsv.path()) ?? "", "utf8");
    expect(ownersCsv).toContain(`${RITA.name},1,0,0,1,0%,`);
  });
});
