import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { csvCell } from "./export-contacts.ts";

let t: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  const leads = [
    {
      key: "hot",
      body: {
        name: "Helena Quente",
        email: "helena@example.com",
        phone: "11 91111-1111",
        interest: "apartamento",
        city: "São Paulo",
        income: 30000,
        source: "typeform",
      },
    },
    {
      key: "warm",
      body: { name: "Otávio Morno", email: "otavio@example.com", interest: "casa", source: "hotmart" },
    },
    {
      key: "cold",
      body: { name: "Zeca Frio", email: "zeca@example.com", city: "Manaus", source: "typeform" },
    },
    {
      key: "formula",
      body: {
        name: '=HYPERLINK("http://evil")',
        email: "formula@example.com",
        phone: "+55 11 92222-2222",
        source: "api",
      },
    },
  ];
  for (const lead of leads) {
    t.clock.advance(1000);
    const response = await t.request("POST", "/api/v1/leads", { body: lead.body });
    ids[lead.key] = (response.json() as { id: string }).id;
  }
  await t.request("PATCH", `/api/v1/leads/${ids.warm}`, { body: { tags: ["evento"] } });
});
afterAll(async () => {
  await t.close();
});

type Page = { items: { id: string; temperature: string; name: string }[]; nextCursor: string | null };

async function list(query: string) {
  const response = await t.request("GET", `/api/v1/leads?${query}`);
  expect(response.statusCode).toBe(200);
  return response.json() as Page;
}

describe("GET /api/v1/leads", () => {
  it("lists newest first by default", async () => {
    expect((await list("")).items.map((item) => item.id)).toEqual([ids.formula, ids.cold, ids.warm, ids.hot]);
  });

  it.each([
    ["temperature=hot", ["hot"]],
    ["temperature=hot,warm", ["warm", "hot"]],
    ["source=typeform", ["cold", "hot"]],
    ["tag=evento", ["warm"]],
    ["city=manaus", ["cold"]],
    ["q=helena", ["hot"]],
    ["q=OTÁVIO", ["warm"]],
    ["q=zeca%40example", ["cold"]],
    ["q=91111", ["hot"]],
    ["q=%25", []],
    ["owner=none&temperature=cold", ["formula", "cold"]],
  ])("filters with %s", async (query, expected) => {
    expect((await list(query)).items.map((item) => item.id)).toEqual(expected.map((key) => ids[key]));
  });

  it("filters by creation range", async () => {
    const from = new Date(Date.parse("2026-11-23T12:00:00Z") + 2500).toISOString();
    expect((await list(`createdFrom=${from}`)).items).toHaveLength(2);
  });

  it("sorts by score and by name", async () => {
    expect((await list("sort=score_desc")).items[0]?.id).toBe(ids.hot);
    expect((await list("sort=name_asc")).items.map((item) => item.id)).toEqual([
      ids.formula,
      ids.hot,
      ids.warm,
      ids.cold,
    ]);
  });

  it("pages with an opaque cursor without repeating or skipping", async () => {
    for (const sort of ["created_desc", "created_asc", "score_desc", "name_asc", "updated_desc"]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await list(`limit=1&sort=${sort}${cursor ? `&cursor=${cursor}` : ""}`);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size, sort).toBe(4);
      expect(seen, sort).toHaveLength(4);
    }
  });

  it("rejects a forged cursor and bad filters with a problem", async () => {
    expect((await t.request("GET", "/api/v1/leads?cursor=bm9wZQ")).statusCode).toBe(400);
    expect((await t.request("GET", "/api/v1/leads?temperature=boiling")).statusCode).toBe(400);
    expect((await t.request("GET", "/api/v1/leads?limit=100000")).statusCode).toBe(400);
  });
});

describe("saved segments", () => {
  it("saves filters under a name and lists through them", async () => {
    const created = await t.request("POST", "/api/v1/segments", {
      body: { name: "Quentes do Typeform", filters: { temperature: "hot,warm", source: "typeform" } },
    });
    expect(created.statusCode).toBe(201);
    const segment = created.json() as { id: string };
    expect((await list(`segmentId=${segment.id}`)).items.map((item) => item.id)).toEqual([ids.hot]);
    const segments = (await t.request("GET", "/api/v1/segments")).json() as { items: { name: string }[] };
    expect(segments.items.map((item) => item.name)).toEqual(["Quentes do Typeform"]);
    expect((await t.request("DELETE", `/api/v1/segments/${segment.id}`)).statusCode).toBe(204);
    expect((await t.request("GET", `/api/v1/leads?segmentId=${segment.id}`)).statusCode).toBe(404);
  });
});

describe("CSV export", () => {
  it("exports the filtered base, escaping formulas but keeping +55 phones intact", async () => {
    const response = await t.request("GET", "/api/v1/leads/export.csv?source=api");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/csv");
    const lines = response.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(
      "id,name,email,phone,instagram,city,interest,income,score,temperature,tags,first_source,last_source,created_at",
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[1]).toContain(",+5511922222222,");
  });

  it("exports the same rows as XLSX, with phones as text", async () => {
    const response = await t.request("GET", "/api/v1/leads/export.xlsx?source=api");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("spreadsheetml");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet?.rowCount).toBe(2);
    expect(sheet?.getRow(1).getCell(4).value).toBe("phone");
    expect(sheet?.getRow(2).getCell(4).value).toBe("+5511922222222");
    expect(sheet?.getRow(2).getCell(2).value).toBe('=HYPERLINK("http://evil")');
    expect(sheet?.getRow(2).getCell(2).formula).toBeUndefined();
  });

  it.each([
    ["=1+1", "'=1+1"],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tTAB", "'\tTAB"],
    ["\r=1", '"\'\r=1"'],
    ["+5511987654321", "+5511987654321"],
    ["-12.5", "-12.5"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    [null, ""],
  ])("escapes %j as %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it("is only for managers and admins", async () => {
    await t.request("POST", `/api/v1/workspaces/${t.app.bootstrap.workspaceId}/members`, {
      body: { email: "sdr@funil.test", password: "long-enough-password", role: "sales" },
    });
    const token = await t.login("sdr@funil.test", "long-enough-password");
    expect((await t.request("GET", "/api/v1/leads/export.csv", { token })).statusCode).toBe(403);
  });
});
