import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeWhatsApp } from "../../test/fake-whatsapp.ts";
import {
  connectHotmart,
  deliverHotmart,
  studentClubEvent,
  studentPurchase,
} from "../../test/hotmart-door.ts";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { DispatchView } from "../automation/review-dispatches.ts";
import type { AccessKpis, AccessKpisRow } from "./report-access-kpis.ts";
import type { EnrollmentView } from "./schemas.ts";

const LUMINA = { id: "5123487", name: "Clube Lumina de Fotografia" };
const OTHER = { id: "999", name: "Curso de Edição" };
const STUDENTS = ["a1", "a2", "a3", "a4", "a5", "a6", "b1", "b2"];

let t: TestApp;
let whatsapp: Awaited<ReturnType<typeof startFakeWhatsApp>>;
let hotmartUrl: string;
let lumina: string;
let other: string;

const at = (iso: string) => Date.parse(iso);

const deliver = (body: unknown) => deliverHotmart(t, hotmartUrl, body);

/** PURCHASE_APPROVED through the Hotmart door: its own buyer, transaction, product and approval time. */
function purchase(student: string, product: { id: string; name: string }, approvedAt: string) {
  const phone = `119111100${String(STUDENTS.indexOf(student)).padStart(2, "0")}`;
  return deliver(
    studentPurchase({ student, email: `${student}@example.com`, phone, product, approvedAt: at(approvedAt) }),
  );
}

/** CLUB_FIRST_ACCESS through the Hotmart door. */
function firstAccess(student: string, product: { id: string; name: string }, accessedAt: string) {
  const email = `${student}@example.com`;
  return deliver(
    studentClubEvent({
      id: `access-${student}`,
      event: "CLUB_FIRST_ACCESS",
      email,
      product,
      at: at(accessedAt),
    }),
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

async function enrollment(student: string): Promise<EnrollmentView> {
  const list = (
    await t.request("GET", `/api/v1/enrollments?contactId=${await contactId(student)}`)
  ).json() as {
    items: EnrollmentView[];
  };
  return list.items[0] as EnrollmentView;
}

/** A click on the tracked link of the student's welcome, through /r/{token}. */
async function click(student: string) {
  const { rows } = await sql<{ token: string }>`
    select token from tracked_links where contact_id = ${await contactId(student)}
  `.execute(t.app.deps.db);
  expect(rows).toHaveLength(1);
  const response = await t.request("GET", `/r/${rows[0]?.token}`, { token: null });
  expect(response.statusCode).toBe(302);
}

async function kpis(query = "") {
  const response = await t.request("GET", `/api/v1/access-kpis${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    from: string | null;
    to: string | null;
    items: AccessKpisRow[];
    totals: AccessKpis;
  };
}

beforeAll(async () => {
  whatsapp = await startFakeWhatsApp({ ratePerSecond: 500 });
  t = await createTestApp({
    FUNIL_META_GRAPH_URL: whatsapp.url,
    FUNIL_WHATSAPP_RATE_PER_SECOND: "400",
    PUBLIC_URL: "https://funil.example",
  });
  hotmartUrl = await connectHotmart(t);
  const meta = await t.request("POST", "/api/v1/connections", {
    body: {
      type: "meta",
      name: "WhatsApp",
      config: {
        appSecret: "app-secret",
        verifyToken: "verify",
        accessToken: whatsapp.accessToken,
        phoneNumberId: whatsapp.phoneNumberId,
      },
    },
  });
  expect(meta.statusCode).toBe(201);

  // Lumina: a1 bought before the product had an access URL (a welcome without a link).
  await purchase("a1", LUMINA, "2026-11-02T10:00:00Z");
  const products = (await t.request("GET", "/api/v1/products")).json() as { items: { id: string }[] };
  lumina = products.items[0]?.id ?? "";
  await t.request("PATCH", `/api/v1/products/${lumina}`, {
    body: { accessUrl: "https://lumina.example/area" },
  });
  await purchase("a2", LUMINA, "2026-11-10T12:00:00Z");
  await purchase("a3", LUMINA, "2026-11-20T12:00:00Z");
  await purchase("a4", LUMINA, "2026-11-21T12:00:00Z");
  await purchase("a5", LUMINA, "2026-11-22T06:00:00Z");
  await purchase("a6", LUMINA, "2026-11-22T08:00:00Z");
  await purchase("b1", OTHER, "2026-11-15T12:00:00Z");
  await purchase("b2", OTHER, "2026-11-16T12:00:00Z");
  other =
    (
      (await t.request("GET", "/api/v1/products")).json() as { items: { id: string; name: string }[] }
    ).items.find((item) => item.name === OTHER.name)?.id ?? "";
  expect(whatsapp.messages).toHaveLength(8);

  // a2 clicks our link twice and a3 once (now), then both access within the attribution window.
  await click("a2");
  await click("a2");
  await click("a3");
  await firstAccess("a1", LUMINA, "2026-11-02T20:00:00Z");
  await firstAccess("a2", LUMINA, new Date(at(FIXED_NOW) + 3600_000).toISOString());
  await firstAccess("a3", LUMINA, new Date(at(FIXED_NOW) + 2 * 3600_000).toISOString());
  await firstAccess("a4", LUMINA, "2026-11-21T14:00:00Z");
  await firstAccess("b1", OTHER, "2026-11-15T18:00:00Z");
  // An access another platform reported (neither our link nor Hotmart's e-mail).
  await sql`update enrollments set first_access_origin = 'members_app'
    where contact_id = ${await contactId("b1")}`.execute(t.app.deps.db);

  // The daily rescue suggests a5, a6 and b2; a person approves a5's only.
  const rules = (await t.request("GET", "/api/v1/automation-rules")).json() as {
    items: { id: string; builtin: string | null }[];
  };
  const rescue = rules.items.find((rule) => rule.builtin === "access_rescue")?.id;
  expect((await t.request("POST", `/api/v1/automation-rules/${rescue}/run`)).json()).toMatchObject({
    created: 3,
  });
  const pending = (
    (await t.request("GET", `/api/v1/dispatches?status=pending&ruleId=${rescue}`)).json() as {
      items: DispatchView[];
    }
  ).items;
  const a5 = await contactId("a5");
  const approved = await t.request("POST", "/api/v1/dispatches/approve", {
    body: { ids: pending.filter((item) => item.contactId === a5).map((item) => item.id) },
  });
  expect(approved.json()).toMatchObject({ decided: 1 });
  await t.request("POST", "/api/v1/dispatches/reject", {
    body: { ids: pending.filter((item) => item.contactId !== a5).map((item) => item.id) },
  });
  await t.drain();
  expect(whatsapp.messages).toHaveLength(9);
});

afterAll(async () => {
  await t.close();
  await whatsapp.close();
});

describe("cohorts", () => {
  it("one enrollment at a time (audited), or a product's enrollments bought in a range", async () => {
    const a1 = await enrollment("a1");
    expect(a1.cohort).toBeNull();
    const set = await t.request("PATCH", `/api/v1/enrollments/${a1.id}`, { body: { cohort: " Turma 9 " } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ id: a1.id, cohort: "Turma 9", firstAccessOrigin: "hotmart_email" });
    expect((await enrollment("a1")).cohort).toBe("Turma 9");
    expect(
      (
        await t.request("PATCH", "/api/v1/enrollments/00000000-0000-4000-8000-000000000999", {
          body: { cohort: "x" },
        })
      ).statusCode,
    ).toBe(404);

    // Instants: 00:00–04:00 in São Paulo on the 22nd is a5's purchase (06:00 UTC) only.
    const narrow = await t.request("POST", "/api/v1/enrollments/cohort", {
      body: {
        productId: lumina,
        from: "2026-11-22T00:00:00-03:00",
        to: "2026-11-22T04:00:00-03:00",
        cohort: "Turma 11",
      },
    });
    expect(narrow.json()).toEqual({
      productId: lumina,
      cohort: "Turma 11",
      from: "2026-11-22T03:00:00.000Z",
      to: "2026-11-22T07:00:00.000Z",
      updated: 1,
    });
    expect((await enrollment("a5")).cohort).toBe("Turma 11");

    // Dates: whole days in the workspace's time zone, both ends included.
    const bulk = await t.request("POST", "/api/v1/enrollments/cohort", {
      body: { productId: lumina, from: "2026-11-10", to: "2026-11-22", cohort: "Turma 10" },
    });
    expect(bulk.json()).toEqual({
      productId: lumina,
      cohort: "Turma 10",
      from: "2026-11-10T03:00:00.000Z",
      to: "2026-11-23T03:00:00.000Z",
      updated: 5,
    });
    for (const student of ["a2", "a3", "a4", "a5", "a6"])
      expect((await enrollment(student)).cohort).toBe("Turma 10");
    expect((await enrollment("a1")).cohort).toBe("Turma 9");
    expect((await enrollment("b1")).cohort).toBeNull();
    const again = await t.request("POST", "/api/v1/enrollments/cohort", {
      body: { productId: lumina, from: "2026-11-10", to: "2026-11-22", cohort: "Turma 10" },
    });
    expect(again.json()).toMatchObject({ updated: 0 });

    const audit = (await t.request("GET", "/api/v1/audit?entityType=enrollment")).json() as {
      items: { entityId: string; action: string; before: unknown; after: unknown }[];
    };
    const a5 = await enrollment("a5");
    expect(
      audit.items.filter((item) => item.entityId === a5.id).map((item) => [item.before, item.after]),
    ).toEqual([
      [
        { cohort: "Turma 11" },
        { cohort: "Turma 10", from: "2026-11-10T03:00:00.000Z", to: "2026-11-23T03:00:00.000Z" },
      ],
      [
        { cohort: null },
        { cohort: "Turma 11", from: "2026-11-22T03:00:00.000Z", to: "2026-11-22T07:00:00.000Z" },
      ],
    ]);
    expect(audit.items.find((item) => item.entityId === a1.id)).toMatchObject({
      action: "enrollment.cohort_set",
      before: { cohort: null },
      after: { cohort: "Turma 9" },
    });

    const backwards = await t.request("POST", "/api/v1/enrollments/cohort", {
      body: { productId: lumina, from: "2026-11-22", to: "2026-11-10", cohort: "x" },
    });
    expect(backwards.statusCode).toBe(400);
    const unknown = await t.request("POST", "/api/v1/enrollments/cohort", {
      body: {
        productId: "00000000-0000-4000-8000-000000000999",
        from: "2026-11-01",
        to: "2026-11-10",
        cohort: "x",
      },
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe("access KPIs", () => {
  it("per product and in total: first accesses by origin, our share, messages sent, clicks, time to access", async () => {
    const report = await kpis();
    expect(report.from).toBeNull();
    expect(report.items).toEqual([
      {
        productId: lumina,
        productName: LUMINA.name,
        enrollments: 6,
        firstAccesses: 4,
        firstAccessRate: 0.6667,
        byOrigin: { whatsapp_link: 2, hotmart_email: 2, other: 0 },
        ourShare: 0.5,
        welcomeSent: 6,
        rescueSent: 1,
        linkClicks: 3,
        studentsClicked: 2,
        // 2 h (a4), 10 h (a1), 74 h (a3), 313 h (a2)
        medianHoursToFirstAccess: 42,
      },
      {
        productId: other,
        productName: OTHER.name,
        enrollments: 2,
        firstAccesses: 1,
        firstAccessRate: 0.5,
        byOrigin: { whatsapp_link: 0, hotmart_email: 0, other: 1 },
        ourShare: 0,
        welcomeSent: 2,
        rescueSent: 0,
        linkClicks: 0,
        studentsClicked: 0,
        medianHoursToFirstAccess: 6,
      },
    ]);
    expect(report.totals).toEqual({
      enrollments: 8,
      firstAccesses: 5,
      firstAccessRate: 0.625,
      byOrigin: { whatsapp_link: 2, hotmart_email: 2, other: 1 },
      ourShare: 0.4,
      welcomeSent: 8,
      rescueSent: 1,
      linkClicks: 3,
      studentsClicked: 2,
      medianHoursToFirstAccess: 10,
    });
  });

  it("for one cohort: 'we brought 67% of Turma 10's first accesses'", async () => {
    const report = await kpis(`?productId=${lumina}&cohort=${encodeURIComponent("Turma 10")}`);
    expect(report.items).toEqual([
      {
        productId: lumina,
        productName: LUMINA.name,
        cohort: "Turma 10",
        enrollments: 5,
        firstAccesses: 3,
        firstAccessRate: 0.6,
        byOrigin: { whatsapp_link: 2, hotmart_email: 1, other: 0 },
        ourShare: 0.6667,
        welcomeSent: 5,
        rescueSent: 1,
        linkClicks: 3,
        studentsClicked: 2,
        medianHoursToFirstAccess: 74,
      },
    ]);
    expect(report.totals.enrollments).toBe(5);
  });

  it("per product and cohort, and over the enrollments bought in a range", async () => {
    const byCohort = await kpis("?groupBy=cohort");
    expect(
      byCohort.items.map((item) => [item.productName, item.cohort, item.enrollments, item.firstAccesses]),
    ).toEqual([
      [LUMINA.name, "Turma 10", 5, 3],
      [LUMINA.name, "Turma 9", 1, 1],
      [OTHER.name, null, 2, 1],
    ]);
    expect(byCohort.totals.enrollments).toBe(8);

    const range = await kpis("?from=2026-11-15&to=2026-11-21");
    expect(range.from).toBe("2026-11-15T03:00:00.000Z");
    expect(range.to).toBe("2026-11-22T03:00:00.000Z");
    expect(range.items.map((item) => [item.productName, item.enrollments, item.firstAccesses])).toEqual([
      [LUMINA.name, 2, 2],
      [OTHER.name, 2, 1],
    ]);

    const none = await kpis(`?productId=${lumina}&cohort=Turma%2099`);
    expect(none.items).toEqual([]);
    expect(none.totals).toMatchObject({
      enrollments: 0,
      firstAccessRate: null,
      ourShare: null,
      medianHoursToFirstAccess: null,
    });
    expect((await t.request("GET", "/api/v1/access-kpis?from=2026-11-20&to=2026-11-01")).statusCode).toBe(
      400,
    );
  });
});
