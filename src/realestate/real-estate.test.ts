import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import type { DealView, PipelineView } from "../crm/schemas.ts";
import type { ClientView, DevelopmentDetail, InterestView, PropertyMatch, PropertyView } from "./schemas.ts";

let t: TestApp;
let sales: { userId: string; token: string };
let viewerToken: string;
let otherToken: string;
let pipeline: PipelineView;

async function member(email: string, role: string) {
  const workspaceId = t.app.bootstrap.workspaceId;
  const response = await t.request("POST", `/api/v1/workspaces/${workspaceId}/members`, {
    body: { email, password: "long-enough-password", role },
  });
  expect(response.statusCode).toBe(201);
  const { userId } = response.json() as { userId: string };
  return { userId, token: await t.login(email, "long-enough-password") };
}

async function lead(name: string, source = "api") {
  const response = await t.request("POST", "/api/v1/leads", {
    body: { name, email: `${name.toLowerCase().replaceAll(" ", ".")}@example.com`, source },
  });
  expect(response.statusCode).toBe(201);
  return (response.json() as { id: string }).id;
}

async function property(body: Record<string, unknown>, token?: string) {
  const response = await t.request("POST", "/api/v1/properties", { body, ...(token ? { token } : {}) });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as PropertyView;
}

const titles = (page: { items: PropertyView[] }) => page.items.map((item) => item.title);
const list = async (query: string) =>
  (await t.request("GET", `/api/v1/properties?${query}`)).json() as {
    items: PropertyView[];
    nextCursor: string | null;
  };

const stage = (name: string) => {
  const found = pipeline.stages.find((item) => item.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};

beforeAll(async () => {
  t = await createTestApp();
  sales = await member("corretor@funil.test", "sales");
  viewerToken = (await member("viewer@funil.test", "viewer")).token;
  const workspace = await t.request("POST", "/api/v1/workspaces", { body: { name: "Outra imobiliária" } });
  otherToken = await t.login(undefined, undefined, (workspace.json() as { id: string }).id);
  const created = await t.request("POST", "/api/v1/pipelines", {
    body: { name: "Imóveis", template: "real-estate" },
  });
  pipeline = created.json() as PipelineView;
});
afterAll(async () => {
  await t.close();
});

let mirante: PropertyView;

describe("properties", () => {
  it("are added with their fields, available and for sale unless told otherwise, and audited", async () => {
    mirante = await property({
      title: "Apto 302, Ed. Mirante",
      code: "AP-302",
      kind: "apartment",
      price: 480_000,
      areaM2: 72.5,
      bedrooms: 2,
      bathrooms: 2,
      parking: 1,
      street: "Rua dos Pinheiros",
      number: "1200",
      neighborhood: "Pinheiros",
      city: "São Paulo",
      state: "SP",
    });
    expect(mirante).toMatchObject({
      code: "AP-302",
      kind: "apartment",
      purpose: "sale",
      price: 480_000,
      areaM2: 72.5,
      bedrooms: 2,
      status: "available",
      origin: "own",
      development: null,
      createdAt: t.clock.now().toISOString(),
    });
    const audit = (await t.request("GET", `/api/v1/properties/${mirante.id}/audit`)).json() as {
      items: { action: string; after: Record<string, unknown> }[];
    };
    expect(audit.items.map((item) => item.action)).toEqual(["property.created"]);
    expect(audit.items[0]?.after).toMatchObject({ price: 480_000, status: "available" });
  });

  it("refuse bad input, a unit label with no development, and a code already used", async () => {
    const negative = await t.request("POST", "/api/v1/properties", {
      body: { title: "x", kind: "house", price: -1 },
    });
    expect(negative.statusCode).toBe(400);
    const unit = await t.request("POST", "/api/v1/properties", {
      body: { title: "x", kind: "house", price: 1, unit: "101" },
    });
    expect(unit.statusCode).toBe(400);
    expect((unit.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("body.unit");
    const twice = await t.request("POST", "/api/v1/properties", {
      body: { title: "Outro", kind: "apartment", price: 1, code: "ap-302" },
    });
    expect(twice.statusCode).toBe(409);
    expect((twice.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("code");
  });

  it("are listed by status, kind, origin, price range, bedrooms, city and text, in pages", async () => {
    t.clock.advance(1_000);
    await property(
      {
        title: "Casa Taquaral",
        kind: "house",
        price: 950_000,
        bedrooms: 3,
        city: "Campinas",
        origin: "partner",
      },
      sales.token,
    );
    t.clock.advance(1_000);
    await property({
      title: "Terreno Atibaia",
      kind: "lot",
      price: 200_000,
      city: "Atibaia",
      origin: "portal",
    });
    t.clock.advance(1_000);
    await property({
      title: "Studio Vila Madalena",
      kind: "apartment",
      purpose: "rent",
      price: 3_500,
      bedrooms: 1,
      neighborhood: "Vila Madalena",
      city: "São Paulo",
    });
    expect(titles(await list(""))).toEqual([
      "Studio Vila Madalena",
      "Terreno Atibaia",
      "Casa Taquaral",
      "Apto 302, Ed. Mirante",
    ]);
    expect(titles(await list("kind=apartment&purpose=sale"))).toEqual(["Apto 302, Ed. Mirante"]);
    expect(titles(await list("priceMin=200000&priceMax=500000"))).toEqual([
      "Terreno Atibaia",
      "Apto 302, Ed. Mirante",
    ]);
    expect(titles(await list("bedroomsMin=2"))).toEqual(["Casa Taquaral", "Apto 302, Ed. Mirante"]);
    expect(titles(await list("city=s%C3%A3o%20paulo"))).toEqual([
      "Studio Vila Madalena",
      "Apto 302, Ed. Mirante",
    ]);
    expect(titles(await list("origin=partner"))).toEqual(["Casa Taquaral"]);
    expect(titles(await list("q=mirante"))).toEqual(["Apto 302, Ed. Mirante"]);
    expect(titles(await list("q=AP-3"))).toEqual(["Apto 302, Ed. Mirante"]);
    expect(titles(await list("q=campin"))).toEqual(["Casa Taquaral"]);
    expect(titles(await list("status=sold"))).toEqual([]);
    const first = await list("limit=3");
    expect(first.items).toHaveLength(3);
    const second = await list(`limit=3&cursor=${encodeURIComponent(first.nextCursor ?? "")}`);
    expect(titles(second)).toEqual(["Apto 302, Ed. Mirante"]);
    expect(second.nextCursor).toBeNull();
    expect((await t.request("GET", "/api/v1/properties?cursor=nope")).statusCode).toBe(400);
  });

  it("change with the price and status kept in the audit, before and after", async () => {
    t.clock.advance(60_000);
    const patched = await t.request("PATCH", `/api/v1/properties/${mirante.id}`, {
      body: { price: 450_000, status: "off_market", parking: null },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ price: 450_000, status: "off_market", parking: null });
    const back = await t.request("PATCH", `/api/v1/properties/${mirante.id}`, {
      body: { status: "available" },
    });
    expect(back.statusCode).toBe(200);
    const audit = (await t.request("GET", `/api/v1/properties/${mirante.id}/audit`)).json() as {
      items: { action: string; before: unknown; after: unknown; actor: { type: string } }[];
    };
    expect(audit.items.map((item) => item.action)).toEqual([
      "property.created",
      "property.updated",
      "property.updated",
    ]);
    expect(audit.items[1]).toMatchObject({
      before: { price: 480_000, status: "available", parking: 1 },
      after: { price: 450_000, status: "off_market", parking: null },
      actor: { type: "user" },
    });
    expect(audit.items[2]).toMatchObject({
      before: { status: "off_market" },
      after: { status: "available" },
    });
    mirante = back.json() as PropertyView;
  });

  it("are read by everyone and written by all but viewers", async () => {
    expect((await t.request("GET", "/api/v1/properties", { token: viewerToken })).statusCode).toBe(200);
    const create = await t.request("POST", "/api/v1/properties", {
      token: viewerToken,
      body: { title: "x", kind: "house", price: 1 },
    });
    expect(create.statusCode).toBe(403);
    expect(create.headers["content-type"]).toContain("application/problem+json");
    const patch = await t.request("PATCH", `/api/v1/properties/${mirante.id}`, {
      token: viewerToken,
      body: { price: 1 },
    });
    expect(patch.statusCode).toBe(403);
    expect(
      (await t.request("DELETE", `/api/v1/properties/${mirante.id}`, { token: viewerToken })).statusCode,
    ).toBe(403);
    const edit = await t.request("PATCH", `/api/v1/properties/${mirante.id}`, {
      token: sales.token,
      body: { description: "Vista livre, sol da manhã" },
    });
    expect(edit.statusCode).toBe(200);
  });

  it("are soft-deleted and restored (unless their code was taken meanwhile)", async () => {
    const lot = (await list("kind=lot")).items[0] as PropertyView;
    expect((await t.request("DELETE", `/api/v1/properties/${lot.id}`)).statusCode).toBe(204);
    expect((await t.request("GET", `/api/v1/properties/${lot.id}`)).statusCode).toBe(404);
    expect((await t.request("GET", `/api/v1/properties/${lot.id}?includeDeleted=true`)).statusCode).toBe(200);
    expect(titles(await list("kind=lot"))).toEqual([]);
    expect(titles(await list("kind=lot&includeDeleted=true"))).toEqual(["Terreno Atibaia"]);
    expect((await t.request("DELETE", `/api/v1/properties/${lot.id}`)).statusCode).toBe(404);
    const restored = await t.request("POST", `/api/v1/properties/${lot.id}/restore`);
    expect(restored.json()).toMatchObject({ id: lot.id, deletedAt: null });
    const audit = (await t.request("GET", `/api/v1/properties/${lot.id}/audit`)).json() as {
      items: { action: string; before: unknown; after: unknown }[];
    };
    expect(audit.items.slice(1).map((item) => [item.action, item.after])).toEqual([
      ["property.deleted", { title: "Terreno Atibaia", status: "available", deleted: true }],
      ["property.restored", { title: "Terreno Atibaia", status: "available", deleted: false }],
    ]);

    const coded = await property({ title: "Sala 12", kind: "commercial", price: 300_000, code: "SL-12" });
    await t.request("DELETE", `/api/v1/properties/${coded.id}`);
    await property({ title: "Sala 12 (nova)", kind: "commercial", price: 310_000, code: "SL-12" });
    expect((await t.request("POST", `/api/v1/properties/${coded.id}/restore`)).statusCode).toBe(409);
  });
});

let jardins: DevelopmentDetail;

describe("developments", () => {
  it("are added with a delivery date, and units take their place", async () => {
    const created = await t.request("POST", "/api/v1/developments", {
      body: {
        name: "Residencial Jardins",
        developer: "Construtora Alfa",
        neighborhood: "Vila Mariana",
        city: "São Paulo",
        state: "SP",
        status: "under_construction",
        deliveryDate: "2027-06-30",
      },
    });
    expect(created.statusCode).toBe(201);
    jardins = created.json() as DevelopmentDetail;
    expect(jardins).toMatchObject({
      status: "under_construction",
      deliveryDate: "2027-06-30",
      unitCounts: { total: 0, available: 0 },
      units: [],
    });
    const unit = async (label: string, body: Record<string, unknown>) =>
      t.request("POST", `/api/v1/developments/${jardins.id}/units`, { body: { unit: label, ...body } });
    const a102 = await unit("A-102", { price: 560_000, bedrooms: 3, areaM2: 88 });
    expect(a102.statusCode).toBe(201);
    const a101 = await unit("A-101", { price: 500_000, bedrooms: 2, areaM2: 70 });
    expect(a101.json()).toMatchObject({
      title: "Residencial Jardins – A-101",
      kind: "apartment",
      unit: "A-101",
      neighborhood: "Vila Mariana",
      city: "São Paulo",
      development: { id: jardins.id, name: "Residencial Jardins" },
    });
    expect((await unit("a-101", { price: 1 })).statusCode).toBe(409);
    expect((await unit("B-1", {})).statusCode).toBe(400);
    await t.request("PATCH", `/api/v1/properties/${(a102.json() as PropertyView).id}`, {
      body: { status: "reserved" },
    });
  });

  it("show their units by label with counts by status, and list with their counts", async () => {
    const detail = (await t.request("GET", `/api/v1/developments/${jardins.id}`)).json() as DevelopmentDetail;
    expect(detail.units.map((item) => [item.unit, item.status])).toEqual([
      ["A-101", "available"],
      ["A-102", "reserved"],
    ]);
    expect(detail.unitCounts).toEqual({
      total: 2,
      available: 1,
      reserved: 1,
      sold: 0,
      rented: 0,
      off_market: 0,
    });
    const units = await list(`developmentId=${jardins.id}`);
    expect(units.items.map((item) => item.unit).sort()).toEqual(["A-101", "A-102"]);
    expect(titles(await list("developmentId=none&city=S%C3%A3o%20Paulo"))).toEqual([
      "Apto 302, Ed. Mirante",
      "Studio Vila Madalena",
    ]);
    const listed = (await t.request("GET", "/api/v1/developments?city=s%C3%A3o%20paulo")).json() as {
      items: DevelopmentDetail[];
    };
    expect(listed.items.map((item) => [item.name, item.unitCounts.total])).toEqual([
      ["Residencial Jardins", 2],
    ]);
    const byText = (await t.request("GET", "/api/v1/developments?q=paulo")).json() as {
      items: DevelopmentDetail[];
    };
    expect(byText.items.map((item) => item.name)).toEqual(["Residencial Jardins"]);
    expect(
      ((await t.request("GET", "/api/v1/developments?status=ready")).json() as { items: [] }).items,
    ).toEqual([]);
  });

  it("change, are audited, and are kept while they have units", async () => {
    const patched = await t.request("PATCH", `/api/v1/developments/${jardins.id}`, {
      body: { status: "ready", deliveryDate: null },
    });
    expect(patched.json()).toMatchObject({ status: "ready", deliveryDate: null });
    const audit = (await t.request("GET", `/api/v1/developments/${jardins.id}/audit`)).json() as {
      items: { action: string; before: unknown; after: unknown }[];
    };
    expect(audit.items[1]).toMatchObject({
      action: "development.updated",
      before: { status: "under_construction", deliveryDate: "2027-06-30" },
      after: { status: "ready", deliveryDate: null },
    });
    const refused = await t.request("DELETE", `/api/v1/developments/${jardins.id}`);
    expect(refused.statusCode).toBe(409);
    const empty = await t.request("POST", "/api/v1/developments", { body: { name: "Torre Vazia" } });
    const { id } = empty.json() as { id: string };
    expect((await t.request("DELETE", `/api/v1/developments/${id}`)).statusCode).toBe(204);
    expect((await t.request("GET", `/api/v1/developments/${id}`)).statusCode).toBe(404);
    const inDeleted = await t.request("POST", "/api/v1/properties", {
      body: { title: "x", kind: "apartment", price: 1, developmentId: id, unit: "1" },
    });
    expect(inDeleted.statusCode).toBe(422);
    expect((await t.request("POST", `/api/v1/developments/${id}/restore`)).statusCode).toBe(200);
    expect(
      (
        await t.request("POST", `/api/v1/developments/${id}/units`, {
          token: viewerToken,
          body: { unit: "1", price: 1 },
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe("a lead's interest and the properties matched to it", () => {
  let ana: string;

  it("is empty at first, then set, and the change is in the lead's audit", async () => {
    ana = await lead("Ana Compradora", "instagram");
    expect((await t.request("GET", `/api/v1/leads/${ana}/interest`)).json()).toEqual({ interest: null });
    expect((await t.request("GET", `/api/v1/leads/${ana}/property-matches`)).json()).toEqual({
      interest: null,
      items: [],
    });
    const set = await t.request("PUT", `/api/v1/leads/${ana}/interest`, {
      body: {
        purpose: "buy",
        kinds: ["apartment"],
        priceMin: 400_000,
        priceMax: 500_000,
        bedroomsMin: 2,
        cities: ["Sao Paulo"],
        neighborhoods: ["pinheiros", "Pinheiros"],
      },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ contactId: ana, neighborhoods: ["pinheiros"], notes: null });
    const read = (await t.request("GET", `/api/v1/leads/${ana}/interest`)).json() as {
      interest: InterestView;
    };
    expect(read.interest.kinds).toEqual(["apartment"]);
    const audit = (await t.request("GET", `/api/v1/leads/${ana}/audit`)).json() as {
      items: { action: string; after: unknown }[];
    };
    expect(audit.items.find((item) => item.action === "contact.interest_set")?.after).toMatchObject({
      priceMax: 500_000,
    });
    const wrong = await t.request("PUT", `/api/v1/leads/${ana}/interest`, {
      body: { priceMin: 500_000, priceMax: 400_000 },
    });
    expect(wrong.statusCode).toBe(400);
    expect(
      (await t.request("PUT", `/api/v1/leads/${ana}/interest`, { token: viewerToken, body: {} })).statusCode,
    ).toBe(403);
  });

  it("ranks the available properties by fit, with the reasons, leaving out what does not fit", async () => {
    await property({
      title: "Apto Perdizes",
      kind: "apartment",
      price: 540_000,
      bedrooms: 3,
      neighborhood: "Perdizes",
      city: "São Paulo",
    });
    await property({
      title: "Apto Cambuí",
      kind: "apartment",
      price: 450_000,
      bedrooms: 2,
      city: "Campinas",
    });
    await property({
      title: "Apto caro",
      kind: "apartment",
      price: 560_000,
      bedrooms: 2,
      neighborhood: "Pinheiros",
      city: "São Paulo",
    });
    const response = await t.request("GET", `/api/v1/leads/${ana}/property-matches`, { token: viewerToken });
    expect(response.statusCode).toBe(200);
    const { items } = response.json() as { items: PropertyMatch[] };
    // Not listed: the reserved unit A-102, the house, the lot, the rental, Campinas, 12% over the budget.
    expect(items.map((item) => [item.property.title, item.score])).toEqual([
      ["Apto 302, Ed. Mirante", 100],
      ["Residencial Jardins – A-101", 82],
      ["Apto Perdizes", 64],
    ]);
    expect(items[0]?.reasons.map((reason) => [reason.rule, reason.fit, reason.points])).toEqual([
      ["kind", "full", 15],
      ["city", "full", 10],
      ["price", "full", 40],
      ["bedrooms", "full", 25],
      ["neighborhood", "full", 20],
    ]);
    const perdizes = items[2]?.reasons ?? [];
    expect(perdizes.find((reason) => reason.rule === "price")).toMatchObject({
      fit: "partial",
      label: "R$ 540,000 is 8% over the maximum of R$ 500,000",
    });
    expect(perdizes.find((reason) => reason.rule === "neighborhood")?.fit).toBe("none");
    const top = await t.request("GET", `/api/v1/leads/${ana}/property-matches?limit=1`);
    expect((top.json() as { items: PropertyMatch[] }).items).toHaveLength(1);
  });

  it("lists the clients: people with an interest or a property deal, by origin, kind, price and city", async () => {
    await lead("Sem Interesse");
    const bruno = await lead("Bruno Inquilino", "typeform");
    await t.request("PUT", `/api/v1/leads/${bruno}/interest`, {
      body: { purpose: "rent", kinds: ["apartment", "house"], priceMax: 4_000, cities: ["Campinas"] },
    });
    const carla = await lead("Carla Deal");
    const deal = await t.request("POST", "/api/v1/deals", {
      body: { contactId: carla, pipelineId: pipeline.id, propertyRef: "Casa no Taquaral" },
    });
    expect(deal.statusCode).toBe(201);
    const clients = async (query = "") =>
      (
        (await t.request("GET", `/api/v1/real-estate/clients?${query}`)).json() as { items: ClientView[] }
      ).items.map((item) => item.name);
    expect((await clients()).sort()).toEqual(["Ana Compradora", "Bruno Inquilino", "Carla Deal"]);
    expect(await clients("origin=instagram")).toEqual(["Ana Compradora"]);
    expect(await clients("kind=house")).toEqual(["Bruno Inquilino"]);
    expect(await clients("purpose=buy")).toEqual(["Ana Compradora"]);
    expect(await clients("priceMin=450000")).toEqual(["Ana Compradora"]);
    expect(await clients("priceMin=600000")).toEqual([]);
    expect(await clients("priceMax=5000")).toEqual(["Bruno Inquilino"]);
    expect(await clients("city=campinas")).toEqual(["Bruno Inquilino"]);
    expect(await clients("q=carla")).toEqual(["Carla Deal"]);
    const carlaRow = (
      (await t.request("GET", "/api/v1/real-estate/clients?q=carla")).json() as {
        items: ClientView[];
      }
    ).items[0];
    expect(carlaRow).toMatchObject({ interest: null, openDeals: 1 });
    const page = (await t.request("GET", "/api/v1/real-estate/clients?limit=2")).json() as {
      items: ClientView[];
      nextCursor: string;
    };
    const rest = (
      await t.request(
        "GET",
        `/api/v1/real-estate/clients?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`,
      )
    ).json() as { items: ClientView[] };
    expect(new Set([...page.items, ...rest.items].map((item) => item.id)).size).toBe(3);
  });
});

describe("deals about a property of the catalog", () => {
  it("meet the 'property' entry rule with the property alone; the property is reserved, then sold when won", async () => {
    const buyer = await lead("Diego Comprador");
    const opened = await t.request("POST", "/api/v1/deals", {
      body: {
        contactId: buyer,
        pipelineId: pipeline.id,
        propertyId: mirante.id,
        ownerId: sales.userId,
        value: 450_000,
      },
    });
    expect(opened.statusCode).toBe(201);
    const deal = opened.json() as DealView;
    expect(deal).toMatchObject({ propertyId: mirante.id, propertyRef: null, developmentId: null });
    const moved = await t.request("POST", `/api/v1/deals/${deal.id}/move`, {
      body: { stageId: stage("Proposta").id },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await t.request("GET", `/api/v1/properties/${mirante.id}`)).json()).toMatchObject({
      status: "reserved",
    });
    const cleared = await t.request("PATCH", `/api/v1/deals/${deal.id}`, { body: { propertyId: null } });
    expect(cleared.statusCode).toBe(422);
    expect((cleared.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("propertyRef");
    const won = await t.request("POST", `/api/v1/deals/${deal.id}/move`, {
      body: { stageId: stage("Fechado").id },
    });
    expect(won.json()).toMatchObject({ status: "won" });
    expect((await t.request("GET", `/api/v1/properties/${mirante.id}`)).json()).toMatchObject({
      status: "sold",
    });
    const audit = (await t.request("GET", `/api/v1/properties/${mirante.id}/audit`)).json() as {
      items: { action: string; before: unknown; after: unknown }[];
    };
    expect(audit.items.filter((item) => item.action === "property.status_changed")).toMatchObject([
      { before: { status: "available" }, after: { status: "reserved", dealId: deal.id } },
      { before: { status: "reserved" }, after: { status: "sold", dealId: deal.id } },
    ]);
    const byProperty = (await t.request("GET", `/api/v1/deals?propertyId=${mirante.id}`)).json() as {
      items: DealView[];
    };
    expect(byProperty.items.map((item) => item.id)).toEqual([deal.id]);
    // Sold: no longer offered to anyone.
    const ana = (
      (await t.request("GET", "/api/v1/real-estate/clients?q=ana")).json() as { items: ClientView[] }
    ).items[0];
    const matches = (await t.request("GET", `/api/v1/leads/${ana?.id}/property-matches`)).json() as {
      items: PropertyMatch[];
    };
    expect(matches.items.map((item) => item.property.id)).not.toContain(mirante.id);
  });

  it("release a reserved property when lost, and a rental won is rented", async () => {
    const studio = (await list("purpose=rent")).items[0] as PropertyView;
    const tenant = await lead("Eva Inquilina");
    const opened = await t.request("POST", "/api/v1/deals", {
      body: { contactId: tenant, pipelineId: pipeline.id, ownerId: sales.userId, value: 3_500 },
    });
    const deal = opened.json() as DealView;
    const linked = await t.request("PATCH", `/api/v1/deals/${deal.id}`, { body: { propertyId: studio.id } });
    expect(linked.statusCode).toBe(200);
    await t.request("POST", `/api/v1/deals/${deal.id}/move`, { body: { stageId: stage("Proposta").id } });
    expect((await t.request("GET", `/api/v1/properties/${studio.id}`)).json()).toMatchObject({
      status: "reserved",
    });
    await t.request("POST", `/api/v1/deals/${deal.id}/move`, {
      body: { stageId: stage("Perdido").id, reason: "Desistiu" },
    });
    expect((await t.request("GET", `/api/v1/properties/${studio.id}`)).json()).toMatchObject({
      status: "available",
    });
    await t.request("POST", `/api/v1/deals/${deal.id}/move`, { body: { stageId: stage("Fechado").id } });
    expect((await t.request("GET", `/api/v1/properties/${studio.id}`)).json()).toMatchObject({
      status: "rented",
    });
  });

  it("refuse a property or development of another workspace (422), a unit with another development", async () => {
    const foreign = await t.request("POST", "/api/v1/properties", {
      token: otherToken,
      body: { title: "Apto de lá", kind: "apartment", price: 1 },
    });
    expect(foreign.statusCode).toBe(201);
    const foreignId = (foreign.json() as PropertyView).id;
    const buyer = await lead("Fábio Cruzado");
    const refused = await t.request("POST", "/api/v1/deals", {
      body: { contactId: buyer, pipelineId: pipeline.id, propertyId: foreignId },
    });
    expect(refused.statusCode).toBe(422);
    expect((refused.json() as { errors: { field: string }[] }).errors.map((error) => error.field)).toEqual([
      "propertyId",
    ]);
    const other = await t.request("POST", "/api/v1/developments", { body: { name: "Outro Residencial" } });
    const a101 = (await list(`developmentId=${jardins.id}&q=A-101`)).items[0] as PropertyView;
    const mismatch = await t.request("POST", "/api/v1/deals", {
      body: {
        contactId: buyer,
        pipelineId: pipeline.id,
        propertyId: a101.id,
        developmentId: (other.json() as { id: string }).id,
      },
    });
    expect(mismatch.statusCode).toBe(422);
    const ok = await t.request("POST", "/api/v1/deals", {
      body: { contactId: buyer, pipelineId: pipeline.id, propertyId: a101.id, developmentId: jardins.id },
    });
    expect(ok.json()).toMatchObject({ propertyId: a101.id, developmentId: jardins.id });
    const patch = await t.request("PATCH", `/api/v1/deals/${(ok.json() as DealView).id}`, {
      body: { developmentId: foreignId },
    });
    expect(patch.statusCode).toBe(422);
  });

  it("keep each workspace's catalog to itself", async () => {
    expect(
      (await t.request("GET", `/api/v1/properties/${mirante.id}`, { token: otherToken })).statusCode,
    ).toBe(404);
    const patch = await t.request("PATCH", `/api/v1/properties/${mirante.id}`, {
      token: otherToken,
      body: { price: 1 },
    });
    expect(patch.statusCode).toBe(404);
    expect(
      (await t.request("DELETE", `/api/v1/properties/${mirante.id}`, { token: otherToken })).statusCode,
    ).toBe(404);
    expect(
      (await t.request("GET", `/api/v1/developments/${jardins.id}`, { token: otherToken })).statusCode,
    ).toBe(404);
    const unit = await t.request("POST", `/api/v1/developments/${jardins.id}/units`, {
      token: otherToken,
      body: { unit: "Z", price: 1 },
    });
    expect(unit.statusCode).toBe(404);
    const placed = await t.request("POST", "/api/v1/properties", {
      token: otherToken,
      body: { title: "x", kind: "apartment", price: 1, developmentId: jardins.id },
    });
    expect(placed.statusCode).toBe(422);
    const listed = (await t.request("GET", "/api/v1/properties", { token: otherToken })).json() as {
      items: PropertyView[];
    };
    expect(titles(listed)).toEqual(["Apto de lá"]);
    const ana = (
      (await t.request("GET", "/api/v1/real-estate/clients?q=ana")).json() as { items: ClientView[] }
    ).items[0];
    expect(
      (await t.request("GET", `/api/v1/leads/${ana?.id}/interest`, { token: otherToken })).statusCode,
    ).toBe(404);
    expect(
      (await t.request("GET", `/api/v1/leads/${ana?.id}/property-matches`, { token: otherToken })).statusCode,
    ).toBe(404);
    expect(
      (await t.request("PUT", `/api/v1/leads/${ana?.id}/interest`, { token: otherToken, body: {} }))
        .statusCode,
    ).toBe(404);
    const clients = (await t.request("GET", "/api/v1/real-estate/clients", { token: otherToken })).json() as {
      items: ClientView[];
    };
    expect(clients.items).toEqual([]);
  });
});
