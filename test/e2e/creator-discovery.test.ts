import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoveryBody } from "../../src/enrichment/fake-apis.ts";
import { apiCall, waitFor } from "./support/api.ts";
import { useBrowserSession } from "./support/browser-session.ts";
import { type FakeServer, startFakeGraph, startFakeSite } from "./support/fake-vendors.ts";

/**
 * Creator Discovery in a real browser: Prospecção (a source against a local site, its run and the
 * candidates landing as leads), Enriquecimento (a lead's panel with provenance and "run again", the
 * coverage / success card) and Anúncios (Meta) (settings with the EU/UK caveat, a capture against a
 * local Graph API). Nothing leaves 127.0.0.1.
 */

const IG_USER = "17841455500011122";
const TOKEN = "EAAG-e2e-token";
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
const igTime = (daysAgo: number) =>
  new Date(Date.now() - daysAgo * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "+0000");

const LISTING = `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>Criadoras de fotografia</title></head>
<body><header><nav><a href="/">Início</a></nav></header><main><h1>10 criadoras de fotografia para seguir</h1><ol>
<li class="creator-card"><h3>Lívia Rocha</h3><a href="https://www.instagram.com/livia.rocha.foto/">Instagram</a>
  <a href="mailto:livia@rocha.example.com">E-mail</a></li>
<li class="creator-card"><h3>Caio Mendes</h3><a href="https://www.instagram.com/caiomendes.retratos/">Instagram</a>
  <a href="https://www.youtube.com/@CaioMendesRetratos">YouTube</a></li>
</ol></main><footer><a href="https://www.instagram.com/blog.da.lista/">Siga o blog</a></footer></body></html>`;

const AURORA_SITE = `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>Aurora Fotografia — Retratos em BH</title></head>
<body><header><a href="https://www.instagram.com/aurora.fotografia/">Instagram</a></header><main><h1>Retratos</h1></main>
<footer class="contato"><a href="mailto:orcamentos@aurora.example.com">orcamentos@aurora.example.com</a> · <a href="https://wa.me/5531987654321">WhatsApp</a></footer></body></html>`;

let site: FakeServer;
let graph: FakeServer;

describe("Creator Discovery pages, in a real browser", () => {
  beforeAll(async () => {
    site = await startFakeSite(
      { "/criadoras-fotografia/": LISTING, "/aurora/": AURORA_SITE },
      "User-agent: *\nDisallow: /rascunhos/\n",
    );
    graph = await startFakeGraph({
      igUserId: IG_USER,
      accessToken: TOKEN,
      profiles: {
        "aurora.fotografia": discoveryBody({
          username: "aurora.fotografia",
          followers: 12_345,
          mediaCount: 420,
          biography: "Retratos em BH · agenda@aurora.example.com",
          media: [
            { id: "m1", likes: 400, comments: 25, timestamp: igTime(1), type: "VIDEO", productType: "REELS" },
            { id: "m2", likes: 300, comments: 15, timestamp: igTime(4), type: "CAROUSEL_ALBUM" },
            { id: "m3", likes: 200, comments: 10, timestamp: igTime(9), type: "IMAGE" },
          ],
        }),
      },
      terms: ["fotografia"],
      ads: [
        {
          id: "9001",
          pageId: "104455667788990",
          pageName: "Estúdio Aurora Fotografia",
          platforms: ["instagram"],
          start: day(2),
        },
        {
          id: "9002",
          pageId: "104455667788990",
          pageName: "Estúdio Aurora Fotografia",
          platforms: ["facebook"],
          start: day(3),
        },
      ],
    });
  });
  afterAll(async () => {
    await site?.close();
    await graph?.close();
  });
  const session = useBrowserSession(() => ({
    env: {
      FUNIL_FETCH_ALLOW_HOSTS: `127.0.0.1:${site.port}`,
      FUNIL_META_GRAPH_URL: `${graph.url}/v21.0`,
    },
  }));

  it("Prospecção: creates a source, runs it and sees its candidates land as leads", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Prospecção" }).click();
    await page.getByRole("heading", { name: "Prospecção", level: 1 }).waitFor();
    await page.getByText("Nenhuma fonte ainda.").waitFor();
    await screenshot(page, "outbound-empty.png");

    await page.getByRole("button", { name: "Nova fonte" }).click();
    await page.getByLabel("Nome").fill("Blog: criadoras de fotografia");
    await page.getByLabel("Endereço (URL)").fill(`${site.url}/criadoras-fotografia/`);
    await page.getByLabel("Tipo").selectOption("generic");
    await page.getByLabel("Intervalo entre pedidos ao mesmo site (ms)").fill("200");
    await screenshot(page, "outbound-new-source.png");
    await page.getByRole("button", { name: "Criar fonte" }).click();

    const row = page.getByRole("row", { name: /Blog: criadoras de fotografia/ });
    await row.waitFor();
    await row.getByRole("button", { name: "Rodar agora" }).click();

    // The run ends and its candidates show as new leads.
    const candidates = page.getByRole("region", { name: /Candidatos da execução de Blog: criadoras/ });
    await candidates.getByText("livia@rocha.example.com").waitFor({ timeout: 60_000 });
    await candidates.getByText("caiomendes.retratos").waitFor();
    expect(await candidates.locator(".badge", { hasText: "novo lead" }).count()).toBe(2);
    expect(await candidates.textContent()).not.toContain("blog.da.lista");
    await page.getByRole("cell", { name: "concluída" }).first().waitFor();
    await screenshot(page, "outbound-run-done.png");

    const leads = await apiCall<{ items: { name: string }[] }>(
      server.baseUrl,
      "GET",
      "/api/v1/leads?source=outbound",
      {
        token,
      },
    );
    expect(leads.body.items.map((lead) => lead.name).sort()).toEqual(["Caio Mendes", "Lívia Rocha"]);
    expect(site.requests).toEqual(["/robots.txt", "/criadoras-fotografia/"]);
    expect(site.unexpected).toEqual([]);
    await page.context().close();
  });

  it("Enriquecimento: a lead's panel with provenance and re-run, and the coverage / success card", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const connection = await apiCall(server.baseUrl, "POST", "/api/v1/connections", {
      token,
      body: {
        type: "meta",
        name: "Instagram da agência",
        config: { appSecret: "app-secret", verifyToken: "verify", accessToken: TOKEN, igUserId: IG_USER },
      },
    });
    expect(connection.status).toBe(201);
    const created = await apiCall<{ id: string }>(server.baseUrl, "POST", "/api/v1/leads", {
      token,
      body: {
        name: "Aurora Fotografia",
        email: "aurora@example.com",
        instagram: "@aurora.fotografia",
        custom: { website: `${site.url}/aurora/` },
      },
    });
    expect(created.status).toBe(201);

    const page = await newPage();
    await signIn(page);
    await page.goto(`${server.baseUrl}/#/leads/${created.body.id}`);
    const panel = page.getByTestId("lead-enrichment");
    await panel.getByRole("heading", { name: "Enriquecimento" }).waitFor();
    await panel.getByRole("button", { name: "Rodar de novo" }).click();
    await panel.getByText("Na fila — os dados chegam em instantes").waitFor();
    await waitFor(
      "the enrichment to finish",
      async () => {
        const detail = await apiCall<{ status: string }>(
          server.baseUrl,
          "GET",
          `/api/v1/leads/${created.body.id}/enrichment`,
          { token },
        );
        return detail.body.status === "enriched" ? true : null;
      },
      60_000,
    );
    await page.reload();
    await panel.getByText("12.345").waitFor();
    expect(await panel.textContent()).toContain("Fonte: Instagram (Meta Graph API)");
    expect(await panel.textContent()).toContain("agenda@aurora.example.com");
    // The contact's website, read through the guard: what it shows, with its own provenance.
    expect(await panel.textContent()).toContain("orcamentos@aurora.example.com");
    expect(await panel.textContent()).toContain("+5531987654321");
    expect(await panel.textContent()).toContain("Fonte: Site do contato");
    await panel.getByText("Enriquecido", { exact: true }).waitFor();
    await screenshot(page, "lead-enrichment-panel.png");

    await page.getByRole("link", { name: "Enriquecimento" }).click();
    await page.getByRole("heading", { name: "Enriquecimento", level: 1 }).waitFor();
    const stats = page.getByTestId("enrichment-stats");
    await stats.getByText("Taxa de sucesso").waitFor();
    expect(await stats.textContent()).toMatch(/\d+ de \d+ leads com @, canal ou site/);
    await page.getByRole("cell", { name: "Instagram (Meta Graph API)" }).waitFor();
    await screenshot(page, "enrichment-page.png");
    // English too.
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "Enrichment", level: 1 }).waitFor();
    expect(await stats.textContent()).toMatch(/Coverage.*\d+ of \d+ leads with a handle, channel or website/);
    await page.getByRole("cell", { name: "Instagram (Meta Graph API)" }).waitFor();
    await screenshot(page, "enrichment-page-en.png");
    expect(graph.unexpected).toEqual([]);
    await page.context().close();
  });

  it("Anúncios (Meta): settings with the EU/UK caveat, a capture, and the advertiser as a lead", async () => {
    const { server, token, newPage, signIn, screenshot } = session();
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Anúncios (Meta)" }).click();
    await page.getByRole("heading", { name: "Anúncios (Meta)", level: 1 }).waitFor();
    await page.getByText("Atenção: a API oficial da Meta não mostra anúncios só do Brasil").waitFor();

    await page.getByLabel("Termos de busca").fill("fotografia");
    await page.getByLabel("Países").fill("PT, ES");
    await page.getByRole("button", { name: "Salvar" }).click();
    await page.getByText("Configuração salva.").waitFor();
    await screenshot(page, "ad-library-settings.png");

    await page.getByRole("button", { name: "Buscar agora" }).click();
    const runs = page.getByRole("region", { name: "Histórico de buscas" });
    await runs.getByText("Concluída").waitFor({ timeout: 60_000 });
    await page.getByText("Anunciantes novos: 1 · atualizados: 0 · anúncios: 2 (2 inéditos)").waitFor();
    await page.getByRole("region", { name: "Anunciantes" }).getByText("Estúdio Aurora Fotografia").waitFor();
    await screenshot(page, "ad-library-results.png");

    const leads = await waitFor("the advertiser's lead", async () => {
      const found = await apiCall<{ items: { name: string }[] }>(
        server.baseUrl,
        "GET",
        "/api/v1/leads?source=meta_ads",
        { token },
      );
      return found.body.items.length > 0 ? found.body.items : null;
    });
    expect(leads.map((lead) => lead.name)).toEqual(["Estúdio Aurora Fotografia"]);
    expect(graph.unexpected).toEqual([]);
    await page.context().close();
  });
});
