import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import { DEMO_PASSWORD, DEMO_WORKSPACE_NAME } from "./demo-data.ts";
import { planDemo } from "./plan-demo.ts";
import { type SeedDemoResult, seedDemo } from "./seed-demo.ts";
import { type DemoWhatsApp, startDemoWhatsApp } from "./start-demo-whatsapp.ts";

const LEADS = 150;
const SEED = 7;

let t: TestApp;
let whatsapp: DemoWhatsApp;
let seeded: SeedDemoResult;

beforeAll(async () => {
  whatsapp = await startDemoWhatsApp();
  t = await createTestApp({
    FUNIL_META_GRAPH_URL: whatsapp.graphUrl,
    FUNIL_WHATSAPP_RATE_PER_SECOND: "1000",
  });
  seeded = await seedDemo(t.app, t.clock, { leads: LEADS, seed: SEED, whatsapp });
}, 240_000);

afterAll(async () => {
  await t?.close();
  await whatsapp?.close();
});

const get = async <T>(url: string, token?: string): Promise<T> => {
  const response = await t.request("GET", url, token ? { token } : {});
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  return response.json() as T;
};

const countBy = <T>(items: T[], key: (item: T) => string | null) => {
  const counts = new Map<string, number>();
  for (const item of items) {
    const value = key(item) ?? "null";
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
};

describe("seedDemo", () => {
  it("seeds the (empty) default workspace as Demonstração, and puts the clock back", async () => {
    expect(seeded.outcome).toBe("seeded");
    expect(seeded.workspaceName).toBe(DEMO_WORKSPACE_NAME);
    expect(seeded.workspaceId).toBe(t.app.bootstrap.workspaceId);
    expect(t.clock.now().toISOString()).toBe(FIXED_NOW);
    if (seeded.outcome !== "seeded") return;
    expect(seeded.counts.failedLeads).toBe(0);
    expect(seeded.counts.failedJobs).toBe(0);
    const me = await get<{ workspaces: { name: string }[] }>("/api/v1/auth/me");
    expect(me.workspaces.map((workspace) => workspace.name)).toContain(DEMO_WORKSPACE_NAME);
  });

  it("has leads from every door, scored by the default rules, within the last 60 days", async () => {
    const { items } = await get<{
      items: {
        name: string | null;
        firstSource: string;
        score: number;
        temperature: string;
        scoreReasons: unknown[];
        createdAt: string;
        phone: string | null;
      }[];
    }>("/api/v1/leads?limit=200&sort=created_asc");
    expect(items.length).toBeGreaterThanOrEqual(LEADS);
    expect(new Set(items.map((lead) => lead.firstSource))).toEqual(
      new Set(["typeform", "hotmart", "api", "whatsapp", "instagram", "import", "meta_ads", "outbound"]),
    );
    const temperatures = countBy(items, (lead) => lead.temperature);
    expect(temperatures.get("hot")).toBeGreaterThan(0);
    expect(temperatures.get("warm")).toBeGreaterThan(0);
    expect(temperatures.get("cold")).toBeGreaterThan(0);
    for (const lead of items.filter((item) => item.temperature === "hot")) {
      expect(lead.score).toBeGreaterThanOrEqual(25);
      expect(lead.scoreReasons.length).toBeGreaterThan(0);
    }
    const now = new Date(FIXED_NOW).getTime();
    for (const lead of items) {
      const created = new Date(lead.createdAt).getTime();
      expect(created).toBeLessThanOrEqual(now);
      expect(created).toBeGreaterThan(now - 60 * 86_400_000);
      if (lead.phone) expect(lead.phone).toMatch(/^\+55[1-9][1-9]9\d{8}$/);
    }
  });

  it("has purchases (some refunded or charged back) and enrollments in cohorts, with first accesses", async () => {
    const purchases = await get<{ items: { status: string; productId: string }[] }>("/api/v1/purchases");
    expect(purchases.items.length).toBeGreaterThan(20);
    const statuses = countBy(purchases.items, (purchase) => purchase.status);
    expect(statuses.get("approved")).toBeGreaterThan(10);
    expect((statuses.get("refunded") ?? 0) + (statuses.get("chargeback") ?? 0)).toBeGreaterThan(0);
    const products = await get<{ items: { id: string; name: string; accessUrl: string | null }[] }>(
      "/api/v1/products",
    );
    expect(products.items).toHaveLength(3);
    for (const product of products.items) expect(product.accessUrl).toMatch(/^https:\/\//);

    const enrollments = await get<{
      items: {
        productId: string;
        cohort: string | null;
        firstAccessOrigin: string | null;
        modulesCompleted: number;
      }[];
    }>("/api/v1/enrollments");
    expect(enrollments.items).toHaveLength(purchases.items.length);
    expect(enrollments.items.every((enrollment) => enrollment.cohort?.startsWith("Turma "))).toBe(true);
    expect(new Set(enrollments.items.map((enrollment) => enrollment.cohort)).size).toBeGreaterThanOrEqual(3);
    const origins = countBy(enrollments.items, (enrollment) => enrollment.firstAccessOrigin);
    expect(origins.get("whatsapp_link")).toBeGreaterThan(0);
    expect(origins.get("hotmart_email")).toBeGreaterThan(0);
    expect(origins.get("null")).toBeGreaterThan(0);
    expect(enrollments.items.some((enrollment) => enrollment.modulesCompleted >= 2)).toBe(true);

    const kpis = await get<{ items: { cohort?: string | null; welcomeSent: number; linkClicks: number }[] }>(
      "/api/v1/access-kpis?groupBy=cohort",
    );
    expect(kpis.items.some((row) => row.cohort === "Turma 10" && row.welcomeSent > 0)).toBe(true);
    expect(kpis.items.reduce((sum, row) => sum + row.linkClicks, 0)).toBeGreaterThan(0);
  });

  it("has automation dispatches in every status a person meets: sent, pending, refused, rejected, expired", async () => {
    const of = (status: string) =>
      get<{
        items: {
          status: string;
          ruleName: string | null;
          delivery: string | null;
          refusal: string | null;
          decidedBy: string | null;
        }[];
      }>(`/api/v1/dispatches?status=${status}&limit=200`);
    const sent = await of("sent");
    expect(sent.items.some((dispatch) => dispatch.ruleName?.startsWith("Compra aprovada"))).toBe(true);
    expect(sent.items.some((dispatch) => dispatch.delivery === "read")).toBe(true);
    expect(sent.items.some((dispatch) => dispatch.delivery === "delivered")).toBe(true);
    expect((await of("pending")).items.length).toBeGreaterThan(0);
    const refused = await of("refused");
    expect(refused.items.length).toBeGreaterThan(0);
    expect(refused.items.every((dispatch) => dispatch.refusal !== null)).toBe(true);
    const rejected = await of("rejected");
    expect(rejected.items.length).toBeGreaterThan(0);
    expect(rejected.items.every((dispatch) => dispatch.decidedBy?.endsWith("@demo.funil.test"))).toBe(true);
    expect((await of("expired")).items.length).toBeGreaterThan(0);
    expect(whatsapp.sent()).toBeGreaterThan(0);
  });

  it("has deals across the stages of Vendas and Imóveis, owned by the team, with tasks due today", async () => {
    const pipelines = await get<{ items: { id: string; name: string }[] }>("/api/v1/pipelines");
    expect(pipelines.items.map((pipeline) => pipeline.name)).toEqual(["Vendas", "Imóveis"]);
    const { items } = await get<{
      items: { pipelineId: string; stageName: string; status: string; owner: { email: string } | null }[];
    }>("/api/v1/deals?limit=500");
    expect(items.length).toBeGreaterThan(5);
    expect(new Set(items.map((deal) => deal.pipelineId)).size).toBe(2);
    expect(new Set(items.map((deal) => deal.stageName)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(items.map((deal) => deal.status))).toContain("open");
    const owned = items.filter((deal) => deal.stageName !== "Novo");
    expect(owned.every((deal) => deal.owner?.email.endsWith("@demo.funil.test"))).toBe(true);

    let dueToday = 0;
    for (const email of ["rafael", "juliana", "thiago", "patricia"].map(
      (name) => `${name}@demo.funil.test`,
    )) {
      const token = await t.login(email, DEMO_PASSWORD);
      const day = await get<{ dueToday: unknown[]; overdue: unknown[] }>(
        "/api/v1/my-day?timeZone=America/Sao_Paulo",
        token,
      );
      dueToday += day.dueToday.length;
    }
    expect(dueToday).toBeGreaterThan(0);
  });

  it("has conversations with Chatwoot label tag events, alerts and the real-estate catalog", async () => {
    const summary = await get<{ items: { label: string; added: number }[] }>("/api/v1/tag-events/summary");
    const labels = new Set(summary.items.map((item) => item.label));
    expect(labels.has("satisfeito") || labels.has("problema_acesso")).toBe(true);
    expect(summary.items.reduce((sum, item) => sum + item.added, 0)).toBeGreaterThan(0);
    const alerts = await get<{ items: unknown[] }>("/api/v1/alerts");
    expect(alerts.items.length).toBeGreaterThan(0);
    const properties = await get<{ items: { status: string; development: unknown }[] }>(
      "/api/v1/properties?limit=50",
    );
    expect(properties.items.length).toBe(14);
    expect(properties.items.some((property) => property.development !== null)).toBe(true);
    if (seeded.outcome === "seeded") expect(seeded.counts.interactions).toBeGreaterThan(LEADS / 2);
  });

  it("refuses to seed the workspace again without force, and says why", async () => {
    const before = seeded.outcome === "seeded" ? (seeded.counts.leads ?? 0) : 0;
    const again = await seedDemo(t.app, t.clock, { leads: LEADS, seed: SEED, whatsapp });
    expect(again).toMatchObject({ outcome: "refused", workspaceName: DEMO_WORKSPACE_NAME, leads: before });
    if (again.outcome === "refused") expect(again.reason).toMatch(/already has .* leads.*--force/);
    const { items } = await get<{ items: unknown[] }>("/api/v1/leads?limit=200");
    expect(items).toHaveLength(before);
  });

  it("is deterministic: the same seed gives the same people, who arrive in the same order", async () => {
    const now = new Date(FIXED_NOW);
    const plan = planDemo({ seed: SEED, leads: LEADS, days: 60, now });
    expect(planDemo({ seed: SEED, leads: LEADS, days: 60, now })).toEqual(plan);
    const other = planDemo({ seed: SEED + 1, leads: LEADS, days: 60, now });
    expect(other.people.map((person) => person.name)).not.toEqual(plan.people.map((person) => person.name));

    // Doors whose leads always carry a name and arrive one at a time (no batch shares a moment).
    const single = new Set(["typeform", "api", "hotmart"]);
    const planned = plan.people
      .filter((person) => single.has(person.source))
      .sort((a, b) => a.arrivedAt.getTime() - b.arrivedAt.getTime())
      .slice(0, 10)
      .map((person) => person.lead.name);
    const { items } = await get<{ items: { name: string | null; firstSource: string }[] }>(
      "/api/v1/leads?limit=200&sort=created_asc",
    );
    const stored = items
      .filter((lead) => single.has(lead.firstSource))
      .slice(0, 10)
      .map((lead) => lead.name);
    expect(stored).toEqual(planned);
  });
});
