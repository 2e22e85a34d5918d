import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSmtp } from "../../test/fake-smtp.ts";
import { connectHotmart, deliverHotmart } from "../../test/hotmart-door.ts";
import { multipartBody } from "../../test/multipart.ts";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { unknownVariables } from "./build-template-variables.ts";
import type { TemplateView } from "./manage-templates.ts";
import type { DispatchView } from "./review-dispatches.ts";
import { automationDb } from "./schemas.ts";
import { BUILTIN_TEMPLATES } from "./seed-builtin-rules.ts";
import { sendDispatches } from "./send-dispatches.ts";

const APPROVED = readFileSync(
  new URL("../../fixtures/webhooks/hotmart/purchase-approved.json", import.meta.url),
  "utf8",
);
const PDF = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(1500, 0x20), Buffer.from("\n%%EOF\n")]);

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
let dataDir: string;
let hotmartUrl: string;
let productId: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "funil-templates-"));
  smtp = await startFakeSmtp();
  t = await createTestApp({
    FUNIL_DATA_DIR: dataDir,
    FUNIL_ATTACHMENT_MAX_BYTES: "4096",
    FUNIL_SMTP_URL: smtp.url,
    PUBLIC_URL: "https://funil.example",
  });
  hotmartUrl = await connectHotmart(t);
  await purchase("evt-1", "marina.tavares@example.com", "HP-1");
  const products = (await t.request("GET", "/api/v1/products")).json() as { items: { id: string }[] };
  productId = products.items[0]?.id ?? "";
  await t.request("PATCH", `/api/v1/products/${productId}`, {
    body: { accessUrl: "https://lumina.example/area" },
  });
});

afterAll(async () => {
  await t.close();
  await smtp.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A Hotmart purchase through the webhook door (no WhatsApp connection: the welcome fails, rendered). */
async function purchase(id: string, email: string, transaction: string) {
  const body = JSON.parse(APPROVED) as {
    id: string;
    data: {
      buyer: { email: string; name: string; checkout_phone: string };
      purchase: { transaction: string };
    };
  };
  body.id = id;
  body.data.buyer.email = email;
  body.data.purchase.transaction = transaction;
  if (email !== "marina.tavares@example.com") {
    body.data.buyer.name = "joana silva";
    body.data.buyer.checkout_phone = "11912345678";
  }
  await deliverHotmart(t, hotmartUrl, body);
}

async function templates(query = ""): Promise<TemplateView[]> {
  const response = await t.request("GET", `/api/v1/message-templates${query}`);
  expect(response.statusCode).toBe(200);
  return (response.json() as { items: TemplateView[] }).items;
}

async function template(purpose: string, channel: string, product: string | null = null) {
  const found = (await templates(`?purpose=${purpose}&channel=${channel}`)).find(
    (item) => item.productId === product,
  );
  if (!found) throw new Error(`no template ${purpose}/${channel}`);
  return found;
}

async function contactId(email: string): Promise<string> {
  const row = await t.app.deps.db
    .selectFrom("contacts")
    .select("id")
    .where("email", "=", email)
    .executeTakeFirstOrThrow();
  return row.id;
}

function upload(templateId: string, file: Buffer, name: string, contentType = "application/pdf") {
  const { body, contentType: type } = multipartBody(file, name, { contentType });
  return t.request("PUT", `/api/v1/message-templates/${templateId}/attachment`, {
    rawBody: body,
    headers: { "content-type": type },
  });
}

describe("message templates", () => {
  it("the seeded pt-BR defaults use only known variables", () => {
    for (const builtin of BUILTIN_TEMPLATES) {
      expect(unknownVariables(`${builtin.subject ?? ""} ${builtin.body}`), builtin.purpose).toEqual([]);
    }
    expect(unknownVariables("{{ nome }} {{first_name}} {{Link}} {{nome}}")).toEqual(["nome", "Link"]);
  });

  it("lists the workspace's defaults with their variables, filtered and paged", async () => {
    const all = await templates();
    expect(all.map((item) => `${item.purpose}/${item.channel}`)).toEqual([
      "access_rescue/whatsapp",
      "congratulation/whatsapp",
      "hot_lead/slack",
      "nurture/email",
      "nurture_followup/email",
      "stalled/whatsapp",
      "welcome/whatsapp",
    ]);
    const welcome = all.find((item) => item.purpose === "welcome");
    expect(welcome).toEqual({
      id: expect.any(String),
      productId: null,
      productName: null,
      purpose: "welcome",
      channel: "whatsapp",
      category: "transactional",
      whatsappName: "boas_vindas_aluno",
      language: "pt_BR",
      subject: null,
      body: "Olá, {{first_name}}! Sua compra de {{product}} foi aprovada. Acesse sua área de membros por aqui: {{link}}",
      attachment: null,
      variables: ["first_name", "product", "link"],
      builtin: true,
      updatedAt: expect.any(String),
    });
    expect((await templates("?channel=email")).map((item) => item.purpose)).toEqual([
      "nurture",
      "nurture_followup",
    ]);
    expect(
      (await template("nurture", "email")).variables,
      "the subject's variables after the body's",
    ).toEqual(["first_name"]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (
        await t.request("GET", `/api/v1/message-templates?limit=3${cursor ? `&cursor=${cursor}` : ""}`)
      ).json() as { items: TemplateView[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((item) => item.id));
    expect((await t.request("GET", "/api/v1/message-templates?cursor=nope")).statusCode).toBe(400);
  });

  it("a product's own template wins for that product; a second one for the same key is a conflict", async () => {
    const created = await t.request("POST", "/api/v1/message-templates", {
      body: {
        productId,
        purpose: "welcome",
        channel: "whatsapp",
        whatsappName: "boas_vindas_lumina",
        body: "Oi {{first_name}}, bem-vinda ao {{product}}! Entre por aqui: {{link}}",
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      productId,
      productName: "Clube Lumina de Fotografia",
      category: "transactional",
      builtin: false,
      variables: ["first_name", "product", "link"],
    });
    const again = await t.request("POST", "/api/v1/message-templates", {
      body: {
        productId,
        purpose: "welcome",
        channel: "whatsapp",
        whatsappName: "outro_nome",
        body: "Oi {{first_name}}",
      },
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers["content-type"]).toContain("application/problem+json");
    expect(
      (
        await t.request("POST", "/api/v1/message-templates", {
          body: { purpose: "welcome", channel: "whatsapp", whatsappName: "x", body: "Oi" },
        })
      ).statusCode,
      "the workspace default exists",
    ).toBe(409);
    expect(
      (
        await t.request("POST", "/api/v1/message-templates", {
          body: {
            productId: "00000000-0000-4000-8000-000000000999",
            purpose: "welcome",
            channel: "whatsapp",
            whatsappName: "x",
            body: "Oi",
          },
        })
      ).statusCode,
    ).toBe(404);
    expect((await templates(`?productId=${productId}`)).map((item) => item.purpose)).toEqual(["welcome"]);

    // The welcome of the next purchase of that product is the product's text, with a tracked link.
    await purchase("evt-2", "joana@example.com", "HP-2");
    const joana = await contactId("joana@example.com");
    const [welcome] = (
      (await t.request("GET", `/api/v1/dispatches?contactId=${joana}&channel=whatsapp`)).json() as {
        items: DispatchView[];
      }
    ).items;
    expect(welcome?.body).toMatch(
      /^Oi Joana, bem-vinda ao Clube Lumina de Fotografia! Entre por aqui: https:\/\/funil\.example\/r\/[\w-]+$/,
    );
  });

  it("refuses unknown variables, a WhatsApp template without its Meta name and an e-mail without a subject", async () => {
    const unknown = await t.request("POST", "/api/v1/message-templates", {
      body: {
        purpose: "birthday",
        channel: "whatsapp",
        whatsappName: "aniversario",
        body: "Feliz aniversário, {{nome}}! Veja {{curso}} e {{first_name}}",
      },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      code: "invalid_input",
      errors: [{ field: "body.body", message: expect.stringContaining("{{nome}}, {{curso}}") }],
    });
    const noName = await t.request("POST", "/api/v1/message-templates", {
      body: { purpose: "birthday", channel: "whatsapp", body: "Feliz aniversário, {{first_name}}!" },
    });
    expect(noName.statusCode).toBe(400);
    expect(noName.json()).toMatchObject({ errors: [{ field: "body.whatsappName" }] });
    const badName = await t.request("POST", "/api/v1/message-templates", {
      body: {
        purpose: "birthday",
        channel: "whatsapp",
        whatsappName: "Feliz Aniversário",
        body: "Feliz aniversário, {{first_name}}!",
      },
    });
    expect(badName.statusCode).toBe(400);
    expect(badName.json()).toMatchObject({ errors: [{ field: "body.whatsappName" }] });
    const noSubject = await t.request("POST", "/api/v1/message-templates", {
      body: { purpose: "birthday", channel: "email", body: "Feliz aniversário, {{first_name}}!" },
    });
    expect(noSubject.statusCode).toBe(400);
    expect(noSubject.json()).toMatchObject({ errors: [{ field: "body.subject" }] });

    const custom = await t.request("POST", "/api/v1/message-templates", {
      body: {
        purpose: "birthday",
        channel: "email",
        category: "marketing",
        subject: "Parabéns, {{first_name}}!",
        body: "Feliz aniversário, {{first_name}}!",
      },
    });
    expect(custom.statusCode).toBe(201);
    expect(custom.json()).toMatchObject({ builtin: false, category: "marketing", productId: null });
  });

  it("edits a built-in default (audited, before and after) but never deletes it", async () => {
    const welcome = await template("welcome", "whatsapp");
    const badBody = await t.request("PATCH", `/api/v1/message-templates/${welcome.id}`, {
      body: { body: "Oi {{primeiro_nome}}" },
    });
    expect(badBody.statusCode).toBe(400);
    const patched = await t.request("PATCH", `/api/v1/message-templates/${welcome.id}`, {
      body: {
        body: "Olá, {{first_name}}! Bem-vindo(a) ao {{product}}: {{link}}",
        whatsappName: "boas_vindas_v2",
      },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      whatsappName: "boas_vindas_v2",
      body: "Olá, {{first_name}}! Bem-vindo(a) ao {{product}}: {{link}}",
      builtin: true,
    });
    expect(
      (await t.request("PATCH", `/api/v1/message-templates/${welcome.id}`, { body: { whatsappName: null } }))
        .statusCode,
    ).toBe(400);
    const audit = (await t.request("GET", "/api/v1/audit?entityType=message_template")).json() as {
      items: { action: string; entityId: string; before: unknown; after: unknown }[];
    };
    expect(audit.items[0]).toMatchObject({
      action: "message_template.updated",
      entityId: welcome.id,
      before: { body: welcome.body, whatsappName: "boas_vindas_aluno" },
      after: {
        body: "Olá, {{first_name}}! Bem-vindo(a) ao {{product}}: {{link}}",
        whatsappName: "boas_vindas_v2",
      },
    });
    expect(audit.items.map((item) => item.action)).toContain("message_template.created");

    const refused = await t.request("DELETE", `/api/v1/message-templates/${welcome.id}`);
    expect(refused.statusCode).toBe(409);
    const own = await template("welcome", "whatsapp", productId);
    expect((await t.request("DELETE", `/api/v1/message-templates/${own.id}`)).statusCode).toBe(204);
    expect((await t.request("GET", `/api/v1/message-templates/${own.id}`)).statusCode).toBe(404);
    expect((await t.request("DELETE", `/api/v1/message-templates/${own.id}`)).statusCode).toBe(404);
  });

  it("previews a draft for a contact and product, or with sample values", async () => {
    const sample = await t.request("POST", "/api/v1/message-templates/preview", {
      body: { body: "Oi, {{first_name}}! {{product}}, {{module}}: {{link}}", subject: "{{name}}" },
    });
    expect(sample.statusCode).toBe(200);
    expect(sample.json()).toMatchObject({
      body: "Oi, Marina! Curso de Fotografia, Módulo 2 - Composição: https://funil.example/r/exemplo",
      subject: "Marina Tavares",
      variables: { first_name: "Marina", score: "27", source: "hotmart" },
    });
    const joana = await contactId("joana@example.com");
    const forJoana = await t.request("POST", "/api/v1/message-templates/preview", {
      body: {
        body: "Oi, {{first_name}}! Seu acesso a {{product}}: {{link}} ({{lead_url}})",
        contactId: joana,
        productId,
      },
    });
    expect(forJoana.json()).toMatchObject({
      body: `Oi, Joana! Seu acesso a Clube Lumina de Fotografia: https://funil.example/r/exemplo (https://funil.example/leads/${joana})`,
      subject: null,
      variables: { name: "joana silva", source: "hotmart" },
    });
    const noProduct = await t.request("POST", "/api/v1/message-templates/preview", {
      body: { body: "Oi, {{first_name}}{{product}}{{link}}", contactId: joana },
    });
    expect(noProduct.json()).toMatchObject({ body: "Oi, Joana" });
    const unknown = await t.request("POST", "/api/v1/message-templates/preview", {
      body: { body: "Oi {{nome}}" },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      errors: [{ field: "body.body", message: expect.stringContaining("{{nome}}") }],
    });
    const missing = await t.request("POST", "/api/v1/message-templates/preview", {
      body: { body: "Oi", contactId: "00000000-0000-4000-8000-000000000999" },
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe("a template's attachment", () => {
  it("takes a PDF into the file store (refusing other files, too large ones and non-e-mail templates)", async () => {
    const nurture = await template("nurture", "email");
    const welcome = await template("welcome", "whatsapp");
    expect((await upload(welcome.id, PDF, "guia.pdf")).statusCode).toBe(409);
    expect((await upload(nurture.id, Buffer.from("olá"), "guia.txt", "text/plain")).statusCode).toBe(415);
    const fake = await upload(nurture.id, Buffer.from("<html>not a pdf</html>"), "guia.pdf");
    expect(fake.statusCode).toBe(415);
    expect(fake.json()).toMatchObject({ errors: [{ field: "file" }] });
    const big = await upload(nurture.id, Buffer.concat([PDF, Buffer.alloc(4096, 0x20)]), "guia.pdf");
    expect(big.statusCode).toBe(413);
    const json = await t.request("PUT", `/api/v1/message-templates/${nurture.id}/attachment`, { body: {} });
    expect(json.statusCode).toBe(415);

    const stored = await upload(nurture.id, PDF, "Guia do Investidor.pdf");
    expect(stored.statusCode).toBe(200);
    expect((stored.json() as TemplateView).attachment).toEqual({
      filename: "Guia do Investidor.pdf",
      size: PDF.length,
    });
    const row = await automationDb(t.app.deps.db)
      .selectFrom("message_templates")
      .select(["attachment_path", "attachment_store"])
      .where("id", "=", nurture.id)
      .executeTakeFirstOrThrow();
    expect(row.attachment_store).toBe("local");
    expect(row.attachment_path).toMatch(/^templates\/[0-9a-f-]+\/[0-9a-f-]+$/);
    expect(readFileSync(join(dataDir, row.attachment_path ?? ""))).toEqual(PDF);
    const download = await t.request("GET", `/api/v1/message-templates/${nurture.id}/attachment`);
    expect(download.statusCode).toBe(200);
    expect(download.headers["content-type"]).toBe("application/pdf");
    expect(download.rawPayload).toEqual(PDF);

    // Replaced: the old file goes.
    const second = Buffer.concat([PDF, Buffer.from("v2")]);
    expect((await upload(nurture.id, second, "guia-v2.pdf")).statusCode).toBe(200);
    expect(existsSync(join(dataDir, row.attachment_path ?? ""))).toBe(false);
    const audit = (await t.request("GET", "/api/v1/audit?entityType=message_template")).json() as {
      items: { action: string; before: unknown; after: unknown }[];
    };
    expect(audit.items[0]).toMatchObject({
      action: "message_template.attachment_set",
      before: { attachment: { filename: "Guia do Investidor.pdf", size: PDF.length } },
      after: { attachment: { filename: "guia-v2.pdf", size: second.length } },
    });
  });

  it("is sent with the e-mail, read through the file store (and from a plain path set before)", async () => {
    const lia = (
      (
        await t.request("POST", "/api/v1/leads", {
          body: { name: "Lia Morna", email: "lia@example.com", source: "api" },
        })
      ).json() as { id: string }
    ).id;
    await t.request("POST", "/api/v1/consents", {
      body: {
        contactId: lia,
        channel: "email",
        category: "marketing",
        granted: true,
        source: "typeform:guia",
      },
    });
    const nurture = await template("nurture", "email");
    const followup = await template("nurture_followup", "email");
    const legacy = join(dataDir, "guia-antigo.pdf");
    await writeFile(legacy, PDF);
    await sql`update message_templates set attachment_path = ${legacy} where id = ${followup.id}`.execute(
      t.app.deps.db,
    );
    expect((await template("nurture_followup", "email")).attachment).toEqual({
      filename: "guia-antigo.pdf",
      size: null,
    });
    const workspaceId = (
      (await t.request("GET", "/api/v1/auth/me")).json() as {
        workspaceId: string;
      }
    ).workspaceId;
    const ids: string[] = [];
    for (const [index, item] of [nurture, followup].entries()) {
      const inserted = await automationDb(t.app.deps.db)
        .insertInto("dispatches")
        .values({
          workspace_id: workspaceId,
          contact_id: lia,
          channel: "email",
          template_id: item.id,
          category: "marketing",
          action: JSON.stringify({ type: "send_email", template: item.purpose }),
          subject: `Guia ${index}`,
          body: "Olá, Lia!",
          reason: "teste",
          status: "approved",
          idempotency_key: `test:${item.id}`,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(inserted.id);
    }
    await sendDispatches(t.app.deps, ids);
    const sent = smtp.messages.filter((message) => message.to.includes("lia@example.com"));
    expect(
      sent.map((message) => [message.subject, message.attachments.map((file) => file.filename)]).sort(),
    ).toEqual([
      ["Guia 0", ["guia-v2.pdf"]],
      ["Guia 1", ["guia-antigo.pdf"]],
    ]);
    expect(sent.find((message) => message.subject === "Guia 0")?.attachments[0]?.content).toEqual(
      Buffer.concat([PDF, Buffer.from("v2")]),
    );
  });

  it("is taken off (its file removed), audited", async () => {
    const nurture = await template("nurture", "email");
    const { attachment_path: key } = await automationDb(t.app.deps.db)
      .selectFrom("message_templates")
      .select("attachment_path")
      .where("id", "=", nurture.id)
      .executeTakeFirstOrThrow();
    const removed = await t.request("DELETE", `/api/v1/message-templates/${nurture.id}/attachment`);
    expect(removed.statusCode).toBe(200);
    expect((removed.json() as TemplateView).attachment).toBeNull();
    expect(existsSync(join(dataDir, key ?? ""))).toBe(false);
    expect((await t.request("GET", `/api/v1/message-templates/${nurture.id}/attachment`)).statusCode).toBe(
      404,
    );
    const audit = (await t.request("GET", "/api/v1/audit?entityType=message_template")).json() as {
      items: { action: string }[];
    };
    expect(audit.items[0]?.action).toBe("message_template.attachment_removed");
  });
});
