import { describe, expect, it } from "vitest";
import { firstNameOf, renderTemplate, templateVariables } from "./render-template.ts";

describe("message templates", () => {
  it("fills variables and leaves unknown ones empty", () => {
    expect(
      renderTemplate("Olá, {{first_name}}! {{ product }} {{nope}}", {
        first_name: "Camila",
        product: "Curso",
      }),
    ).toBe("Olá, Camila! Curso");
  });
  it("lists variables in order (WhatsApp body parameters)", () => {
    expect(templateVariables("{{first_name}} comprou {{product}}: {{link}}")).toEqual([
      "first_name",
      "product",
      "link",
    ]);
  });
  it("greets by the first name", () => {
    expect(firstNameOf("  CAMILA souza ")).toBe("Camila");
    expect(firstNameOf(null)).toBe("");
  });
});
