import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { multipartBody } from "../../test/multipart.ts";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { createApiKey } from "../auth/create-api-key.ts";
import { createWorkspace } from "../auth/create-workspace.ts";
import { runImport } from "./run-import.ts";
import { importsDb } from "./schemas.ts";

let t: TestApp;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "funil-imports-"));
  t = await createTestApp({ FUNIL_DATA_DIR: dataDir });
});
afterAll(async () => {
  await t.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface ImportView {
  id: string;
  status: string;
  total: number | null;
  processed: number;
  created: number;
  merged: number;
  failed: number;
  quiet: boolean;
  error: string | null;
}

async function upload(file: Buffer, filename: string, fields: Record<string, string> = {}, token?: string) {
  const { body, contentType } = multipartBody(file, filename, { fields });
  return t.request("POST", "/api/v1/imports", {
    rawBody: body,
    headers: { "content-type": contentType },
    ...(token ? { token } : {}),
  });
}

async function importAndRun(file: Buffer, filename: string, fields: Record<string, string> = {}) {
  const response = await upload(file, filename, fields);
  expect(response.statusCode, response.body).toBe(202);
  const { id } = response.json() as { id: string };
  await t.drain();
  const status = await t.request("GET", `/api/v1/imports/${id}`);
  expect(status.statusCode).toBe(200);
  return status.json() as ImportView;
}

async function countContacts() {
  const row = await t.app.deps.db
    .selectFrom("contacts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function contactByEmail(email: string) {
  return t.app.deps.db.selectFrom("contacts").selectAll().where("email", "=", email).executeTakeFirst();
}

const SAMPLE = [
  "nome,email,telefone,cidade,renda,turma",
  "Ana Souza,ana@example.com,,São Paulo,5000,A",
  "Bruno Lima,,'+5511987654321,Rio de Janeiro,,B",
  ",,,,,C",
  "Carla Dias,carla@example.com,,'=1+1,,",
  ",not-an-email,,,,",
].join("\r\n");

describe("CSV import", () => {
  it("creates people from good rows and reports bad rows with reasons", async () => {
    const before = await countContacts();
    const result = await importAndRun(Buffer.from(SAMPLE, "utf8"), "leads.csv", { quiet: "true" });
    expect(result).toMatchObject({
      status: "done",
      total: 5,
      processed: 5,
      created: 3,
      merged: 0,
      failed: 2,
      quiet: true,
    });
    expect((await countContacts()) - before).toBe(3);

    const ana = await contactByEmail("ana@example.com");
    expect(ana).toMatchObject({ name: "Ana Souza", city: "São Paulo", income: 5000, custom: { turma: "A" } });
    expect(ana?.first_source).toBe("import");
    const bruno = await t.app.deps.db
      .selectFrom("contacts")
      .selectAll()
      .where("phone", "=", "+5511987654321")
      .executeTakeFirst();
    expect(bruno?.name).toBe("Bruno Lima");
    expect((await contactByEmail("carla@example.com"))?.city).toBe("=1+1");

    const errors = await t.request("GET", `/api/v1/imports/${result.id}/errors.csv`);
    expect(errors.statusCode).toBe(200);
    expect(errors.headers["content-type"]).toContain("text/csv");
    const lines = errors.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe("row,field,message");
    expect(lines.some((line) => line.startsWith("4,name,"))).toBe(true);
    expect(lines.some((line) => line.startsWith("6,email,"))).toBe(true);
    expect(errors.body).not.toContain("not-an-email");
  });

  it("re-importing the same file creates nobody new: the rows merge into the same people", async () => {
    const before = await countContacts();
    const result = await importAndRun(Buffer.from(SAMPLE, "utf8"), "leads.csv");
    expect(result).toMatchObject({ status: "done", created: 0, merged: 3, failed: 2, quiet: false });
    expect(await countContacts()).toBe(before);
  });

  it("reads a pt-BR Excel CSV: `;`, Latin-1 bytes, comma decimal income", async () => {
    const text =
      "Nome;E-mail;Celular;Cidade;Renda;Observação\r\n" +
      "João Araújo;joao@example.com;(11) 98888-7777;São Paulo;12.500,00;Ligar à tarde\r\n";
    const result = await importAndRun(Buffer.from(text, "latin1"), "planilha.csv");
    expect(result).toMatchObject({ status: "done", total: 1, created: 1, failed: 0 });
    const joao = await contactByEmail("joao@example.com");
    expect(joao).toMatchObject({
      name: "João Araújo",
      city: "São Paulo",
      income: 12500,
      phone: "+5511988887777",
      custom: { Observação: "Ligar à tarde" },
    });
  });

  it("imports an XLSX workbook", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Leads");
    sheet.addRow(["Nome", "Email", "WhatsApp", "Renda", "Interesse"]);
    sheet.addRow(["Diego Melo", "diego@example.com", 5521999998888, 3000.5, "Mentoria"]);
    sheet.addRow(["Eva Reis", "eva@example.com", "'+5531988887777", "R$ 7.000,00", null]);
    sheet.addRow([null, null, null, null, null]);
    sheet.addRow([null, "nope", null, null, null]);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const result = await importAndRun(file, "leads.xlsx");
    expect(result).toMatchObject({ status: "done", total: 3, created: 2, failed: 1 });
    expect(await contactByEmail("diego@example.com")).toMatchObject({
      name: "Diego Melo",
      phone: "+5521999998888",
      income: 3000.5,
      interest: "Mentoria",
    });
    expect(await contactByEmail("eva@example.com")).toMatchObject({ phone: "+5531988887777", income: 7000 });
  });
});

describe("resuming", () => {
  it("a run killed after a chunk resumes from its checkpoint without duplicates", async () => {
    const rows = Array.from({ length: 7 }, (_, index) => `Pessoa ${index},p${index}@resume.example`);
    const response = await upload(Buffer.from(["nome,email", ...rows].join("\n")), "resume.csv");
    expect(response.statusCode).toBe(202);
    const { id } = response.json() as { id: string };
    const before = await countContacts();

    await expect(
      runImport(t.app.deps, {
        importId: id,
        chunkSize: 3,
        afterChunk: () => {
          throw new Error("killed");
        },
      }),
    ).rejects.toThrow("killed");
    const halfway = await importsDb(t.app.deps.db)
      .selectFrom("imports")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(halfway).toMatchObject({
      status: "running",
      checkpoint: 4,
      created: 3,
      total: 7,
      locked_until: null,
    });

    expect(await runImport(t.app.deps, { importId: id, chunkSize: 3 })).toBe("done");
    await t.drain(); // the queued job finds the import done
    const result = (await t.request("GET", `/api/v1/imports/${id}`)).json() as ImportView;
    expect(result).toMatchObject({ status: "done", total: 7, created: 7, merged: 0, failed: 0 });
    expect((await countContacts()) - before).toBe(7);
    const events = await t.app.deps.db
      .selectFrom("inbox_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("idempotency_key", "like", `${id}:%`)
      .executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(7);
  });

  it("a run that died after writing rows but before their checkpoint counts them once on resume", async () => {
    const rows = [
      ...Array.from({ length: 6 }, (_, index) => `Gente ${index},g${index}@crash.example`),
      "Gente Zero,G0@CRASH.EXAMPLE",
    ];
    const response = await upload(Buffer.from(["nome,email", ...rows].join("\n")), "crash.csv");
    expect(response.statusCode).toBe(202);
    const { id } = response.json() as { id: string };
    const before = await countContacts();
    await expect(
      runImport(t.app.deps, {
        importId: id,
        chunkSize: 3,
        afterChunk: () => {
          throw new Error("killed");
        },
      }),
    ).rejects.toThrow("killed");
    // As if the first chunk's people were written but its counters and checkpoint never committed.
    await importsDb(t.app.deps.db)
      .updateTable("imports")
      .set({ checkpoint: 0, created: 0, merged: 0, failed: 0, locked_until: null })
      .where("id", "=", id)
      .execute();

    expect(await runImport(t.app.deps, { importId: id, chunkSize: 3 })).toBe("done");
    await t.drain();
    const result = (await t.request("GET", `/api/v1/imports/${id}`)).json() as ImportView;
    expect(result).toMatchObject({ status: "done", total: 7, created: 6, merged: 1, failed: 0 });
    expect((await countContacts()) - before).toBe(6);
    const events = await t.app.deps.db
      .selectFrom("inbox_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("idempotency_key", "like", `${id}:%`)
      .where("status", "=", "processed")
      .executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(7);
  });
});

describe("the API", () => {
  it("follows the person's column choices: rename, keep as custom, ignore", async () => {
    const file = Buffer.from(
      ["Contato,Correio,Observação,CPF", "Dora Reis,dora@example.com,cliente antiga,123"].join("\n"),
    );
    const columns = JSON.stringify({ contato: "name", correio: "email", CPF: "ignore" });
    const view = await importAndRun(file, "escolhas.csv", { columns });
    expect(view).toMatchObject({ status: "done", created: 1, failed: 0 });
    const dora = await contactByEmail("dora@example.com");
    expect(dora?.name).toBe("Dora Reis");
    expect(dora?.custom).toEqual({ Observação: "cliente antiga" });
    const bad = await upload(file, "ruim.csv", { columns: '{"Contato":"password"}' });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("body.columns");
  });

  it("refuses requests without a file or not multipart", async () => {
    const json = await t.request("POST", "/api/v1/imports", { body: { file: "x" } });
    expect(json.statusCode).toBe(415);
    const { body, contentType } = multipartBody(Buffer.from(""), "empty.csv");
    const empty = await t.request("POST", "/api/v1/imports", {
      rawBody: body,
      headers: { "content-type": contentType },
    });
    expect(empty.statusCode).toBe(400);
  });

  it("answers 404 for an import of another workspace", async () => {
    const result = await importAndRun(Buffer.from("nome,email\nZé,ze@example.com\n"), "ze.csv");
    const admin = await t.app.deps.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    const other = await createWorkspace(t.app.deps, { name: "Other", adminUserId: admin.id });
    const key = await createApiKey(t.app.deps, {
      workspaceId: other.id,
      name: "other",
      role: "admin",
      createdBy: null,
    });
    const foreign = await t.request("GET", `/api/v1/imports/${result.id}`, { token: key.key });
    expect(foreign.statusCode).toBe(404);
    const errors = await t.request("GET", `/api/v1/imports/${result.id}/errors.csv`, { token: key.key });
    expect(errors.statusCode).toBe(404);
  });
});
