import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeWhatsApp } from "../../test/fake-whatsapp.ts";
import { connectFakeWhatsApp } from "../../test/fake-whatsapp-connection.ts";
import {
  connectHotmart,
  deliverHotmart,
  studentClubEvent,
  studentPurchase,
} from "../../test/hotmart-door.ts";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { EnrollmentView } from "../students/schemas.ts";
import type { ProofOfValueReport } from "./report-proof-of-value.ts";

const LUMINA = { id: "5123487", name: "Clube Lumina de Fotografia" };
const OTHER = { id: "999", name: "Curso de Edição" };
const STUDENTS = ["a1", "a2", "a3", "a4", "a5", "b1"];
const HOUR = 3600_000;

let t: TestApp;
let whatsapp: Awaited<ReturnType<typeof startFakeWhatsApp>>;
let hotmartUrl: string;
let lumina: string;
let other: string;

const deliver = (body: unknown) => deliverHotmart(t, hotmartUrl, body);

/** PURCHASE_APPROVED through the Hotmart door. */
function purchase(student: string, product: { id: string; name: string }, approvedAt: string) {
  const phone = `119333300${String(STUDENTS.indexOf(student)).padStart(2, "0")}`;
  const approved = Date.parse(approvedAt);
  return deliver(
    studentPurchase({ student, email: `${student}@example.com`, phone, product, approvedAt: approved }),
  );
}

/** CLUB_FIRST_ACCESS through the Hotmart door. */
function firstAccess(student: string, product: { id: string; name: string }, accessedAt: number) {
  const email = `${student}@example.com`;
  return deliver(
    studentClubEvent({ id: `access-${student}`, event: "CLUB_FIRST_ACCESS", email, product, at: accessedAt }),
  );
}

async function contactId(student: string): Promise<string> {
  const row = await t.app.deps.db
    .selectFrom("contacts")
    .select("id")
    .where("email", "=", `${student}@example.com`)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A click on the tracked link of the student's welcome, through /r/{token}. */
async function click(student: string) {
  const { rows } = await sql<{ token: string }>`
    select token from tracked_links where contact_id = ${await contactId(student)}
  `.execute(t.app.deps.db);
  expect(rows).toHaveLength(1);
  expect((await t.request("GET", `/r/${rows[0]?.token}`, { token: null })).statusCode).toBe(302);
}

async function proof(query = "", token?: string) {
  const response = await t.request("GET", `/api/v1/analytics/proof-of-value${query}`, {
    ...(token ? { token } : {}),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as ProofOfValueReport;
}

beforeAll(async () => {
  whatsapp = await startFakeWhatsApp({ ratePerSecond: 500 });
  t = await createTestApp({
    FUNIL_META_GRAPH_URL: whatsapp.url,
    FUNIL_WHATSAPP_RATE_PER_SECOND: "400",
    PUBLIC_URL: "https://funil.example",
  });
  hotmartUrl = await connectHotmart(t);
  await connectFakeWhatsApp(t, whatsapp);

  // a1 bought before the course had an access URL: its welcome carries no link.
  await purchase("a1", LUMINA, "2026-11-02T10:00:00Z");
  const products = (await t.request("GET", "/api/v1/products")).json() as { items: { id: string }[] };
  lumina = products.items[0]?.id ?? "";
  await t.request("PATCH", `/api/v1/products/${lumina}`, {
    body: { accessUrl: "https://lumina.example/area" },
  });
  await purchase("a2", LUMINA, "2026-11-10T12:00:00Z");
  await purchase("a3", LUMINA, "2026-11-20T12:00:00Z");
  await purchase("a4", LUMINA, "2026-11-21T12:00:00Z");
  await purchase("a5", LUMINA, "2026-11-22T12:00:00Z");
  await purchase("b1", OTHER, "2026-11-15T12:00:00Z");
  other =
    (
      (await t.request("GET", "/api/v1/products")).json() as { items: { id: string; name: string }[] }
    ).items.find((item) => item.name === OTHER.name)?.id ?? "";
  expect(whatsapp.messages).toHaveLength(6);

  // a2 and a3 click our link, then access: ours. a1, a4 and b1 came through Hotmart's e-mail; a4's
  // access is 23:00 on Sunday the 22nd in São Paulo (already Monday in UTC).
  await click("a2");
  await click("a3");
  await firstAccess("a1", LUMINA, Date.parse("2026-11-02T20:00:00Z"));
  await firstAccess("a2", LUMINA, Date.parse(FIXED_NOW) + HOUR);
  await firstAccess("a3", LUMINA, Date.parse(FIXED_NOW) + 2 * HOUR);
  await firstAccess("a4", LUMINA, Date.parse("2026-11-23T02:00:00Z"));
  await firstAccess("b1", OTHER, Date.parse("2026-11-15T18:00:00Z"));

  // Cohorts through the API: a1 is Turma 9, whoever bought 10–22 November is Turma 10.
  const a1 = (
    (await t.request("GET", `/api/v1/enrollments?contactId=${await contactId("a1")}`)).json() as {
      items: EnrollmentView[];
    }
  ).items[0];
  expect(
    (await t.request("PATCH", `/api/v1/enrollments/${a1?.id}`, { body: { cohort: "Turma 9" } })).statusCode,
  ).toBe(200);
  const cohort = await t.request("POST", "/api/v1/enrollments/cohort", {
    body: { productId: lumina, from: "2026-11-10", to: "2026-11-22", cohort: "Turma 10" },
  });
  expect(cohort.json()).toMatchObject({ updated: 4 });
});

afterAll(async () => {
  await t.close();
  await whatsapp.close();
});

const TURMA_10 = {
  enrollments: 4,
  firstAccesses: 3,
  firstAccessRate: 0.75,
  byOrigin: { whatsapp_link: 2, hotmart_email: 1, other: 0 },
  ourShare: 0.6667,
  welcomeSent: 4,
  rescueSent: 0,
  linkClicks: 2,
  studentsClicked: 2,
  // 38 h (a4), 74 h (a3), 313 h (a2)
  medianHoursToFirstAccess: 74,
};

describe("proof of value", () => {
  it("for one cohort: the headline 'we brought 67% of Turma 10's first accesses', its KPIs and weeks", async () => {
    const report = await proof(`?productId=${lumina}&cohort=${encodeURIComponent("Turma 10")}`);
    expect(report.headline).toEqual({
      productName: LUMINA.name,
      cohort: "Turma 10",
      enrollments: 4,
      firstAccesses: 3,
      ourFirstAccesses: 2,
      ourShare: 0.6667,
    });
    expect(report.cohorts).toEqual([
      { productId: lumina, productName: LUMINA.name, cohort: "Turma 10", ...TURMA_10 },
    ]);
    expect(report.totals).toEqual(TURMA_10);
    // a4 on Sunday the 22nd (local) is in the week of Monday the 16th; a2 and a3 on the 23rd.
    expect(report.weeks).toEqual([
      { week: "2026-11-16", whatsapp_link: 0, hotmart_email: 1, other: 0, total: 1 },
      { week: "2026-11-23", whatsapp_link: 2, hotmart_email: 0, other: 0, total: 2 },
    ]);
  });

  it("per product and cohort, with every week from the first access to the last and the filter choices", async () => {
    const report = await proof();
    expect(report.headline).toEqual({
      productName: null,
      cohort: null,
      enrollments: 6,
      firstAccesses: 5,
      ourFirstAccesses: 2,
      ourShare: 0.4,
    });
    expect(
      report.cohorts.map((row) => [
        row.productName,
        row.cohort,
        row.enrollments,
        row.firstAccesses,
        row.ourShare,
      ]),
    ).toEqual([
      [LUMINA.name, "Turma 10", 4, 3, 0.6667],
      [LUMINA.name, "Turma 9", 1, 1, 0],
      [OTHER.name, null, 1, 1, 0],
    ]);
    expect(report.totals).toMatchObject({
      enrollments: 6,
      firstAccesses: 5,
      byOrigin: { whatsapp_link: 2, hotmart_email: 3, other: 0 },
      welcomeSent: 6,
      linkClicks: 2,
    });
    expect(report.weeks).toEqual([
      { week: "2026-11-02", whatsapp_link: 0, hotmart_email: 1, other: 0, total: 1 },
      { week: "2026-11-09", whatsapp_link: 0, hotmart_email: 1, other: 0, total: 1 },
      { week: "2026-11-16", whatsapp_link: 0, hotmart_email: 1, other: 0, total: 1 },
      { week: "2026-11-23", whatsapp_link: 2, hotmart_email: 0, other: 0, total: 2 },
    ]);
    expect(report.choices).toEqual({
      products: [
        { id: lumina, name: LUMINA.name, cohorts: ["Turma 10", "Turma 9"] },
        { id: other, name: OTHER.name, cohorts: [] },
      ],
    });

    // One product: its name heads the sentence, and the empty week between is there as zeros.
    const product = await proof(`?productId=${lumina}`);
    expect(product.headline).toMatchObject({
      productName: LUMINA.name,
      firstAccesses: 4,
      ourFirstAccesses: 2,
      ourShare: 0.5,
    });
    expect(product.weeks.map((week) => [week.week, week.total])).toEqual([
      ["2026-11-02", 1],
      ["2026-11-09", 0],
      ["2026-11-16", 1],
      ["2026-11-23", 2],
    ]);
  });

  it("over the enrollments bought in a range, the weeks adding up to its first accesses", async () => {
    const report = await proof("?from=2026-11-15&to=2026-11-22");
    expect(report.from).toBe("2026-11-15T03:00:00.000Z");
    expect(report.to).toBe("2026-11-23T03:00:00.000Z");
    expect(report.headline).toMatchObject({ enrollments: 4, firstAccesses: 3, ourFirstAccesses: 1 });
    expect(report.weeks.map((week) => [week.week, week.whatsapp_link, week.hotmart_email])).toEqual([
      ["2026-11-09", 0, 1],
      ["2026-11-16", 0, 1],
      ["2026-11-23", 1, 0],
    ]);

    const none = await proof(`?productId=${lumina}&cohort=Turma%2099`);
    expect(none.cohorts).toEqual([]);
    expect(none.weeks).toEqual([]);
    expect(none.headline).toEqual({
      productName: LUMINA.name,
      cohort: "Turma 99",
      enrollments: 0,
      firstAccesses: 0,
      ourFirstAccesses: 0,
      ourShare: null,
    });
    expect(
      (await t.request("GET", "/api/v1/analytics/proof-of-value?from=2026-11-20&to=2026-11-01")).statusCode,
    ).toBe(400);
  });

  it("as CSV: the cohorts with a total row, or the weeks", async () => {
    const cohorts = await t.request("GET", `/api/v1/analytics/proof-of-value?format=csv&productId=${lumina}`);
    expect(cohorts.statusCode).toBe(200);
    expect(cohorts.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(cohorts.headers["content-disposition"]).toBe('attachment; filename="proof-of-value-cohorts.csv"');
    expect(
      cohorts.body
        .replace(/^\uFEFF/, "")
        .trimEnd()
        .split("\r\n"),
    ).toEqual([
      "product,cohort,enrollments,first_accesses,first_access_rate,whatsapp_link,hotmart_email,other,our_share,welcome_sent,rescue_sent,link_clicks,students_clicked,median_hours_to_first_access",
      "Clube Lumina de Fotografia,Turma 10,4,3,0.75,2,1,0,0.6667,4,0,2,2,74",
      "Clube Lumina de Fotografia,Turma 9,1,1,1,0,1,0,0,1,0,0,0,10",
      "total,,5,4,0.8,2,2,0,0.5,5,0,2,2,56",
    ]);
    const weeks = await t.request(
      "GET",
      `/api/v1/analytics/proof-of-value?format=csv&table=weeks&productId=${lumina}`,
    );
    expect(
      weeks.body
        .replace(/^\uFEFF/, "")
        .trimEnd()
        .split("\r\n"),
    ).toEqual([
      "week,whatsapp_link,hotmart_email,other,total",
      "2026-11-02,0,1,0,1",
      "2026-11-09,0,0,0,0",
      "2026-11-16,0,1,0,1",
      "2026-11-23,2,0,0,2",
    ]);
  });
});

describe("the client viewer role", () => {
  it("sees its own workspace's proof of value and who it is, and nothing else", async () => {
    const me = (await t.request("GET", "/api/v1/auth/me")).json() as { workspaceId: string };
    const added = await t.request("POST", `/api/v1/workspaces/${me.workspaceId}/members`, {
      body: { email: "cliente@agencia.test", password: "a-long-password", name: "Cliente", role: "client" },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ role: "client", isNewUser: true });
    const client = await t.login("cliente@agencia.test", "a-long-password");

    const whoAmI = await t.request("GET", "/api/v1/auth/me", { token: client });
    expect(whoAmI.statusCode).toBe(200);
    expect(whoAmI.json()).toMatchObject({
      workspaceId: me.workspaceId,
      role: "client",
      workspaces: [{ id: me.workspaceId, role: "client" }],
    });
    const seen = await proof(`?productId=${lumina}&cohort=${encodeURIComponent("Turma 10")}`, client);
    expect(seen.headline).toMatchObject({ ourShare: 0.6667, ourFirstAccesses: 2, firstAccesses: 3 });
    const csv = await t.request("GET", "/api/v1/analytics/proof-of-value?format=csv", { token: client });
    expect(csv.statusCode).toBe(200);
    for (const path of [
      "/api/v1/access-kpis",
      "/api/v1/analytics/automation",
      "/api/v1/analytics/tags",
      "/api/v1/leads",
      "/api/v1/products",
      "/api/v1/workspaces",
      `/api/v1/workspaces/${me.workspaceId}/members`,
    ]) {
      const refused = await t.request("GET", path, { token: client });
      expect(refused.statusCode, path).toBe(403);
      expect(refused.headers["content-type"], path).toContain("application/problem+json");
    }

    // A client of another workspace sees that workspace's numbers only (none here).
    const second = await t.request("POST", "/api/v1/workspaces", { body: { name: "Outra agência" } });
    const secondId = (second.json() as { id: string }).id;
    const elsewhere = await t.request("POST", `/api/v1/workspaces/${secondId}/members`, {
      body: { email: "outro.cliente@agencia.test", password: "a-long-password", role: "client" },
    });
    expect(elsewhere.statusCode).toBe(201);
    const otherClient = await t.login("outro.cliente@agencia.test", "a-long-password");
    const empty = await proof("", otherClient);
    expect(empty.cohorts).toEqual([]);
    expect(empty.choices.products).toEqual([]);
    expect(empty.headline.enrollments).toBe(0);
  });
});
