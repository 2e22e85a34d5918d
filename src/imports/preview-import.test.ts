import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { multipartBody } from "../../test/multipart.ts";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { createApiKey } from "../auth/create-api-key.ts";
import { createWorkspace } from "../auth/create-workspace.ts";
import { pruneImportDrafts } from "./prune-import-drafts.ts";
import { type ImportPreview, importsDb } from "./schemas.ts";

let t: TestApp;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "funil-import-drafts-"));
  t = await createTestApp({ FUNIL_DATA_DIR: dataDir });
});
afterAll(async () => {
  await t.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function upload(file: Buffer, filename: string, fields: Record<string, string>, token?: string) {
  const { body, contentType } = multipartBody(file, filename, { fields });
  return t.request("POST", "/api/v1/imports", {
    rawBody: body,
    headers: { "content-type": contentType },
    ...(token ? { token } : {}),
  });
}

async function draft(file: Buffer, filename: string, fields: Record<string, string> = {}) {
  const response = await upload(file, filename, { start: "false", ...fields });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as ImportPreview;
}

async function statusOf(id: string) {
  const response = await t.request("GET", `/api/v1/imports/${id}`);
  expect(response.statusCode).toBe(200);
  return response.json() as { status: string; total: number | null; created: number; failed: number };
}

async function contactByEmail(email: string) {
  return t.app.deps.db.selectFrom("contacts").selectAll().where("email", "=", email).executeTakeFirst();
}

async function foreignKey() {
  const admin = await t.app.deps.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
  const other = await createWorkspace(t.app.deps, {
    name: `Other ${randomBytes(3).toString("hex")}`,
    adminUserId: admin.id,
  });
  const key = await createApiKey(t.app.deps, {
    workspaceId: other.id,
    name: "other",
    role: "admin",
    createdBy: null,
  });
  return key.key;
}

describe("import drafts: preview before starting", () => {
  it("keeps the upload as a draft and shows header, first rows and the suggested columns", async () => {
    const lines = ["Nome,E-mail,Turma,Celular"];
    for (let index = 1; index <= 30; index++)
      lines.push(`Pessoa ${index},p${index}@draft.example,T${index},`);
    const preview = await draft(Buffer.from(lines.join("\n"), "utf8"), "turmas.csv");
    expect(preview).toMatchObject({
      status: "draft",
      filename: "turmas.csv",
      format: "csv",
      delimiter: ",",
      encoding: "utf-8",
      header: ["Nome", "E-mail", "Turma", "Celular"],
      mapping: null,
    });
    expect(preview.rows).toHaveLength(20);
    expect(preview.rows[0]).toEqual(["Pessoa 1", "p1@draft.example", "T1", ""]);
    expect(preview.columns).toEqual([
      { column: "Nome", field: "name", source: "default" },
      { column: "E-mail", field: "email", source: "default" },
      { column: "Turma", field: "custom", source: "default" },
      { column: "Celular", field: "phone", source: "default" },
    ]);

    // Nothing runs while it is a draft.
    await t.drain();
    expect(await statusOf(preview.id)).toMatchObject({ status: "draft", created: 0 });
    expect(await contactByEmail("p1@draft.example")).toBeUndefined();
    const again = await t.request("GET", `/api/v1/imports/${preview.id}/preview`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(preview);
  });

  it("starts a draft with the chosen columns and imports the rows with those choices", async () => {
    const csv = "Nome,Contato,Cidade,Observação\nAna Draft,ana@draft.example,Recife,ligar\n";
    const preview = await draft(Buffer.from(csv, "utf8"), "escolhas.csv", { quiet: "true" });
    expect(preview.columns.map((column) => column.field)).toEqual(["name", "custom", "city", "custom"]);
    expect(preview.quiet).toBe(true);

    const started = await t.request("POST", `/api/v1/imports/${preview.id}/start`, {
      body: { columns: { Contato: "email", Cidade: "ignore" } },
    });
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json()).toMatchObject({ id: preview.id, status: "queued" });
    await t.drain();
    expect(await statusOf(preview.id)).toMatchObject({ status: "done", total: 1, created: 1, failed: 0 });
    const ana = await contactByEmail("ana@draft.example");
    expect(ana).toMatchObject({ name: "Ana Draft", city: null, custom: { Observação: "ligar" } });
    const view = (await t.request("GET", `/api/v1/imports/${preview.id}`)).json() as { quiet: boolean };
    expect(view.quiet).toBe(true);

    // Once started it is no longer a draft, and the file is gone when it ends.
    const twice = await t.request("POST", `/api/v1/imports/${preview.id}/start`, { body: {} });
    expect(twice.statusCode).toBe(409);
    expect(twice.headers["content-type"]).toContain("application/problem+json");
    const ended = await t.request("GET", `/api/v1/imports/${preview.id}/preview`);
    expect(ended.statusCode).toBe(409);
  });

  it("starts a draft without a body, with the suggested columns", async () => {
    const preview = await draft(Buffer.from("nome,email\nSem Corpo,sem.corpo@draft.example\n"), "plain.csv");
    const started = await t.request("POST", `/api/v1/imports/${preview.id}/start`);
    expect(started.statusCode, started.body).toBe(202);
    await t.drain();
    expect(await statusOf(preview.id)).toMatchObject({ status: "done", created: 1 });
    expect(await contactByEmail("sem.corpo@draft.example")).toMatchObject({ name: "Sem Corpo" });
  });

  it("keeps the default behaviour: without start=false the import runs at once", async () => {
    const response = await upload(Buffer.from("nome,email\nZeca,zeca@draft.example\n"), "now.csv", {});
    expect(response.statusCode).toBe(202);
    expect(Object.keys(response.json() as object)).toEqual(["id"]);
    const { id } = response.json() as { id: string };
    await t.drain();
    expect(await statusOf(id)).toMatchObject({ status: "done", created: 1 });
  });

  it("previews a pt-BR Excel CSV: `;` and Latin-1 bytes", async () => {
    const text =
      "Nome;E-mail;Cidade;Renda;Observação\r\n" +
      "João Araújo;joao@draft.example;São Paulo;12.500,00;Ligar à tarde\r\n" +
      ";;;;\r\n" +
      'Maria;maria@draft.example;Brasília;"1,5";\r\n';
    const preview = await draft(Buffer.from(text, "latin1"), "planilha.csv");
    expect(preview).toMatchObject({
      format: "csv",
      delimiter: ";",
      encoding: "windows-1252",
      header: ["Nome", "E-mail", "Cidade", "Renda", "Observação"],
      rows: [
        ["João Araújo", "joao@draft.example", "São Paulo", "12.500,00", "Ligar à tarde"],
        ["Maria", "maria@draft.example", "Brasília", "1,5", ""],
      ],
    });
    expect(preview.columns.map((column) => column.field)).toEqual([
      "name",
      "email",
      "city",
      "income",
      "custom",
    ]);
  });

  it("previews the first worksheet of an XLSX", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Leads");
    sheet.addRow(["Nome", "WhatsApp", "Renda"]);
    sheet.addRow(["Bia Planilha", "+5511987650000", 3500]);
    sheet.addRow([]);
    sheet.addRow(["Caio Planilha", "(21) 99999-0000", null]);
    workbook.addWorksheet("Outra").addRow(["ignored"]);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const preview = await draft(buffer, "leads.xlsx");
    expect(preview).toMatchObject({
      format: "xlsx",
      delimiter: null,
      encoding: null,
      header: ["Nome", "WhatsApp", "Renda"],
      rows: [
        ["Bia Planilha", "+5511987650000", "3500"],
        ["Caio Planilha", "(21) 99999-0000", ""],
      ],
    });
    expect(preview.columns.map((column) => column.field)).toEqual(["name", "phone", "income"]);
  });

  it("reads only the first rows: a broken end of file does not stop the preview", async () => {
    const lines = ["nome,email"];
    for (let index = 1; index <= 50; index++) lines.push(`Pessoa ${index},p${index}@head.example`);
    lines.push('"this quote is never closed,x');
    const preview = await draft(Buffer.from(lines.join("\n"), "utf8"), "head.csv");
    expect(preview.rows).toHaveLength(20);
    expect(preview.rows.at(-1)).toEqual(["Pessoa 20", "p20@head.example"]);
  });

  it("refuses a draft that is not a table (422) and keeps no file", async () => {
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)]);
    const response = await upload(broken, "broken.xlsx", { start: "false" });
    expect(response.statusCode).toBe(422);
    expect(response.headers["content-type"]).toContain("application/problem+json");
  });

  it("refuses bad start requests: 400 for the shape, 422 for choices naming no column, 404 elsewhere", async () => {
    const preview = await draft(Buffer.from("nome,email,fone\nA,a@x.example,\n"), "bad.csv");
    const path = `/api/v1/imports/${preview.id}/start`;
    const badChoice = await t.request("POST", path, { body: { columns: { nome: "nickname" } } });
    expect(badChoice.statusCode).toBe(400);
    const extra = await t.request("POST", path, { body: { surprise: true } });
    expect(extra.statusCode).toBe(400);
    const unknown = await t.request("POST", path, { body: { columns: { Telefone: "phone" } } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ errors: [{ field: "body.columns.Telefone" }] });
    const twice = await t.request("POST", path, { body: { columns: { fone: "email", email: "email" } } });
    expect(twice.statusCode).toBe(422);
    const noMapping = await t.request("POST", path, {
      body: { mappingId: "00000000-0000-4000-8000-000000000000" },
    });
    expect(noMapping.statusCode).toBe(422);

    const token = await foreignKey();
    expect((await t.request("GET", `/api/v1/imports/${preview.id}/preview`, { token })).statusCode).toBe(404);
    expect((await t.request("POST", path, { token, body: {} })).statusCode).toBe(404);
    expect(await statusOf(preview.id)).toMatchObject({ status: "draft" });
  });
});

describe("saved mappings in drafts", () => {
  it("suggests the best-matching saved mapping, starts with it and saves a new one", async () => {
    const saved = await t.request("POST", "/api/v1/import-mappings", {
      body: { name: "Planilha do evento", columns: { Contato: "email", Empresa: "ignore", Nome: "name" } },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const mapping = saved.json() as { id: string; name: string };

    const csv = "nome,contato,empresa,turma\nLia Evento,lia@evento.example,ACME,T9\n";
    const preview = await draft(Buffer.from(csv, "utf8"), "evento.csv");
    expect(preview.mapping).toEqual({ id: mapping.id, name: "Planilha do evento" });
    expect(preview.columns).toEqual([
      { column: "nome", field: "name", source: "mapping" },
      { column: "contato", field: "email", source: "mapping" },
      { column: "empresa", field: "ignore", source: "mapping" },
      { column: "turma", field: "custom", source: "default" },
    ]);

    // Another suggestion on request: the defaults alone, or one saved mapping.
    const plain = await t.request("GET", `/api/v1/imports/${preview.id}/preview?mapping=none`);
    expect(plain.json()).toMatchObject({
      mapping: null,
      columns: [{ field: "name", source: "default" }, {}, {}, {}],
    });
    expect((plain.json() as ImportPreview).columns.map((column) => column.field)).toEqual([
      "name",
      "custom",
      "custom",
      "custom",
    ]);
    const chosen = await t.request("GET", `/api/v1/imports/${preview.id}/preview?mapping=${mapping.id}`);
    expect(chosen.json()).toMatchObject({ mapping: { id: mapping.id } });
    const missing = await t.request(
      "GET",
      `/api/v1/imports/${preview.id}/preview?mapping=00000000-0000-4000-8000-000000000000`,
    );
    expect(missing.statusCode).toBe(422);
    expect((await t.request("GET", `/api/v1/imports/${preview.id}/preview?mapping=best`)).statusCode).toBe(
      400,
    );

    const started = await t.request("POST", `/api/v1/imports/${preview.id}/start`, {
      body: { mappingId: mapping.id, columns: { turma: "interest" }, saveMappingAs: "Evento com turma" },
    });
    expect(started.statusCode, started.body).toBe(202);
    const { mappingId } = started.json() as { mappingId: string };
    await t.drain();
    expect(await statusOf(preview.id)).toMatchObject({ status: "done", created: 1 });
    const lia = await contactByEmail("lia@evento.example");
    expect(lia).toMatchObject({ name: "Lia Evento", interest: "T9" });
    expect(lia?.custom ?? {}).not.toHaveProperty("empresa");

    const list = (await t.request("GET", "/api/v1/import-mappings")).json() as {
      items: { id: string; name: string; columns: Record<string, string> }[];
    };
    expect(list.items.find((item) => item.id === mappingId)).toMatchObject({
      name: "Evento com turma",
      columns: { nome: "name", contato: "email", empresa: "ignore", turma: "interest" },
    });

    // A taken name is a conflict, and the draft stays a draft.
    const other = await draft(Buffer.from(csv, "utf8"), "evento-2.csv");
    const taken = await t.request("POST", `/api/v1/imports/${other.id}/start`, {
      body: { saveMappingAs: "evento com TURMA" },
    });
    expect(taken.statusCode).toBe(409);
    expect(await statusOf(other.id)).toMatchObject({ status: "draft" });
  });
});

describe("draft pruning", () => {
  it("removes drafts never started after 24 hours, with their files; started imports stay", async () => {
    const old = await draft(Buffer.from("nome,email\nVelho,velho@prune.example\n"), "old.csv");
    const recent = await draft(Buffer.from("nome,email\nNovo,novo@prune.example\n"), "recent.csv");
    const now = t.clock.now().getTime();
    const uploadedAt = async (id: string, hoursAgo: number) => {
      await importsDb(t.app.deps.db)
        .updateTable("imports")
        .set({ created_at: new Date(now - hoursAgo * 3600_000) })
        .where("id", "=", id)
        .execute();
    };
    await uploadedAt(old.id, 25);
    await uploadedAt(recent.id, 23);
    expect(existsSync(join(dataDir, "imports", old.id))).toBe(true);

    expect(await pruneImportDrafts(t.app.deps)).toBeGreaterThanOrEqual(1);
    expect((await t.request("GET", `/api/v1/imports/${old.id}`)).statusCode).toBe(404);
    expect(existsSync(join(dataDir, "imports", old.id))).toBe(false);
    expect(await statusOf(recent.id)).toMatchObject({ status: "draft" });
    expect(existsSync(join(dataDir, "imports", recent.id))).toBe(true);
  });

  it("discards a draft on request (204, file gone); a started import cannot be discarded (409)", async () => {
    const unwanted = await draft(Buffer.from("nome,email\nErrado,errado@discard.example\n"), "wrong.csv");
    expect(existsSync(join(dataDir, "imports", unwanted.id))).toBe(true);
    const discarded = await t.request("DELETE", `/api/v1/imports/${unwanted.id}`);
    expect(discarded.statusCode).toBe(204);
    expect(existsSync(join(dataDir, "imports", unwanted.id))).toBe(false);
    expect((await t.request("GET", `/api/v1/imports/${unwanted.id}`)).statusCode).toBe(404);
    expect((await t.request("DELETE", `/api/v1/imports/${unwanted.id}`)).statusCode).toBe(404);

    const kept = await draft(Buffer.from("nome,email\nCerto,certo@discard.example\n"), "right.csv");
    expect((await t.request("POST", `/api/v1/imports/${kept.id}/start`)).statusCode).toBe(202);
    const refused = await t.request("DELETE", `/api/v1/imports/${kept.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers["content-type"]).toContain("application/problem+json");
  });
});
