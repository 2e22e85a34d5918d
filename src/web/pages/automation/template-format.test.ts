import { describe, expect, it } from "vitest";
import { TEMPLATE_VARIABLES } from "../../../automation/build-template-variables.ts";
import type { TemplateView } from "../../../automation/manage-templates.ts";
import { BUILTIN_TEMPLATES } from "../../../automation/seed-builtin-rules.ts";
import { t } from "../../i18n.ts";
import {
  draftOf,
  errorsByField,
  formatBytes,
  insertVariable,
  purposeLabel,
  TEMPLATE_VARIABLE_NAMES,
  templateChange,
  templateCreation,
  unknownPlaceholders,
  variableLabel,
} from "./template-format.ts";

const WELCOME: TemplateView = {
  id: "3f6c2a9e-8b1d-4c7e-9a52-71d0e4b6c913",
  productId: null,
  productName: null,
  purpose: "welcome",
  channel: "whatsapp",
  category: "transactional",
  whatsappName: "boas_vindas_aluno",
  language: "pt_BR",
  subject: null,
  body: "Olá, {{first_name}}! Acesse: {{link}}",
  attachment: null,
  variables: ["first_name", "link"],
  builtin: true,
  updatedAt: "2026-12-01T10:00:00.000Z",
};

describe("template variables", () => {
  it("are the server's, each with a name in words", () => {
    expect([...TEMPLATE_VARIABLE_NAMES]).toEqual([...TEMPLATE_VARIABLES]);
    for (const variable of TEMPLATE_VARIABLE_NAMES) expect(variableLabel(variable, t)).not.toBe(variable);
  });

  it("go in at the cursor, replacing the selection", () => {
    expect(insertVariable("Oi, !", { start: 4, end: 4 }, "first_name")).toEqual({
      text: "Oi, {{first_name}}!",
      caret: 18,
    });
    expect(insertVariable("Oi, NOME!", { start: 4, end: 8 }, "name")).toEqual({
      text: "Oi, {{name}}!",
      caret: 12,
    });
    expect(insertVariable("Oi", { start: 99, end: 99 }, "link")).toEqual({ text: "Oi{{link}}", caret: 10 });
  });

  it("finds the placeholders the server would refuse", () => {
    expect(unknownPlaceholders("Oi {{first_name}}, {{ nome }} e {{produto}} {{nome}}")).toEqual([
      "nome",
      "produto",
    ]);
    expect(unknownPlaceholders("Oi {{ first_name }}")).toEqual([]);
  });
});

describe("templates in words", () => {
  it("names every built-in purpose; a new one shows as written", () => {
    for (const template of BUILTIN_TEMPLATES)
      expect(purposeLabel(template.purpose, t)).not.toBe(template.purpose);
    expect(purposeLabel("welcome", t)).toBe("boas-vindas");
    expect(purposeLabel("black_friday", t)).toBe("black friday");
  });

  it("says sizes", () => {
    expect(formatBytes(300)).toBe("1 KB");
    expect(formatBytes(12_000)).toBe("12 KB");
    expect(formatBytes(1_500_000)).toBe("1.4 MB");
  });
});

describe("template requests", () => {
  it("sends only what changed, and only the channel's own fields", () => {
    const draft = draftOf(WELCOME);
    expect(templateChange(WELCOME, draft)).toEqual({});
    expect(
      templateChange(WELCOME, { ...draft, body: " Oi, {{first_name}}! ", whatsappName: "", subject: "x" }),
    ).toEqual({ body: "Oi, {{first_name}}!", whatsappName: null });
    const email: TemplateView = { ...WELCOME, channel: "email", whatsappName: null, subject: "Olá" };
    expect(templateChange(email, { ...draftOf(email), subject: "Oi", category: "marketing" })).toEqual({
      subject: "Oi",
      category: "marketing",
    });
  });

  it("creates a product's own copy or a new purpose", () => {
    expect(templateCreation({ ...draftOf(WELCOME), productId: "p1" })).toEqual({
      productId: "p1",
      purpose: "welcome",
      channel: "whatsapp",
      category: "transactional",
      language: "pt_BR",
      whatsappName: "boas_vindas_aluno",
      body: "Olá, {{first_name}}! Acesse: {{link}}",
    });
    expect(
      templateCreation({
        purpose: " lembrete ",
        channel: "email",
        productId: "",
        category: "marketing",
        whatsappName: "ignored",
        language: "",
        subject: " Oi ",
        body: "Texto",
      }),
    ).toEqual({
      productId: null,
      purpose: "lembrete",
      channel: "email",
      category: "marketing",
      subject: "Oi",
      body: "Texto",
    });
  });

  it("reads the server's field errors by field", () => {
    expect(
      errorsByField([
        { field: "body.whatsappName", message: "needs a name" },
        { field: "body.body", message: "unknown variables" },
        { field: "body.body", message: "second" },
      ]),
    ).toEqual({ whatsappName: "needs a name", body: "unknown variables" });
  });
});
