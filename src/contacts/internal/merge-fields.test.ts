import { describe, expect, it } from "vitest";
import { type MergeState, mergeFields } from "./merge-fields.ts";

const base: MergeState = {
  fields: { name: "Ana Souza", email: "ana@example.com", phone: null, city: "São Paulo", income: 5000 },
  custom: { plano: "ouro" },
  secondary: {},
  invalid: {},
  tags: ["vip"],
};

describe("mergeFields", () => {
  it("never overwrites a value with an empty one", () => {
    const next = mergeFields(base, { fields: { name: "", city: "   " }, custom: { plano: "" }, invalid: {} });
    expect(next.fields.name).toBe("Ana Souza");
    expect(next.fields.city).toBe("São Paulo");
    expect(next.custom.plano).toBe("ouro");
  });

  it("fills empty values and keeps conflicting ones as secondary", () => {
    const next = mergeFields(base, {
      fields: { phone: "+5511987654321", city: "Campinas", income: 8000 },
      custom: { plano: "prata", origem: "feira" },
      invalid: { email: "ana@" },
      tags: ["evento", "vip"],
    });
    expect(next.fields.phone).toBe("+5511987654321");
    expect(next.fields.city).toBe("São Paulo");
    expect(next.secondary).toEqual({ city: ["Campinas"], income: ["8000"], "custom.plano": ["prata"] });
    expect(next.custom).toEqual({ plano: "ouro", origem: "feira" });
    expect(next.invalid).toEqual({ email: "ana@" });
    expect(next.tags).toEqual(["vip", "evento"]);
  });

  it("treats accents and case as the same value and does not repeat secondaries", () => {
    const once = mergeFields(base, {
      fields: { city: "SAO PAULO", name: "Ana  Paula" },
      custom: {},
      invalid: {},
    });
    const twice = mergeFields(once, { fields: { name: "ana  paula" }, custom: {}, invalid: {} });
    expect(twice.secondary).toEqual({ name: ["Ana  Paula"] });
    expect(base.secondary).toEqual({});
  });
});
