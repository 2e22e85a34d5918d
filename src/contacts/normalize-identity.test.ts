import { describe, expect, it } from "vitest";
import { normalizeEmail, normalizeInstagram, normalizePhone } from "./normalize-identity.ts";

describe("normalizeEmail", () => {
  it.each([
    ["  Fulana@Example.COM ", "fulana@example.com"],
    ["mailto:joao@empresa.com.br", "joao@empresa.com.br"],
    ["a.b+tag@sub.domain.io", "a.b+tag@sub.domain.io"],
  ])("normalises %j to %j", (raw, expected) => {
    expect(normalizeEmail(raw)).toEqual({ ok: true, value: expected });
  });

  it.each(["not-an-email", "a@b", "x@@y.com", "a..b@c.com", "' OR 1=1 --@x.com"])(
    "flags %j as invalid",
    (raw) => {
      expect(normalizeEmail(raw)).toEqual({ ok: false, raw });
    },
  );
});

describe("normalizePhone", () => {
  it.each([
    ["+55 11 98765-4321", "+5511987654321"],
    ["(11) 98765-4321", "+5511987654321"],
    ["11987654321", "+5511987654321"],
    ["5511987654321", "+5511987654321"],
    ["011 98765 4321", "+5511987654321"],
    ["+1 415 555 2671", "+14155552671"],
    ["(21) 2345-6789", "+552123456789"],
  ])("normalises %j to %j", (raw, expected) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value: expected });
  });

  it("treats a Brazilian mobile written without the ninth digit as the same number", () => {
    expect(normalizePhone("(11) 8765-4321")).toEqual({ ok: true, value: "+5511987654321" });
    expect(normalizePhone("+55 11 8765-4321")).toEqual(normalizePhone("+55 11 98765-4321"));
  });

  it("does not add a ninth digit to a landline", () => {
    expect(normalizePhone("(11) 3456-7890")).toEqual({ ok: true, value: "+551134567890" });
  });

  it.each(["abc", "123", "+55 11", "99999999999999999999"])("flags %j as invalid", (raw) => {
    expect(normalizePhone(raw)).toEqual({ ok: false, raw });
  });
});

describe("normalizeInstagram", () => {
  it.each([
    ["@Fulana.Oficial", "fulana.oficial"],
    ["https://www.instagram.com/fulana_/?igsh=abc", "fulana_"],
    ["instagram.com/fulana", "fulana"],
  ])("normalises %j to %j", (raw, expected) => {
    expect(normalizeInstagram(raw)).toEqual({ ok: true, value: expected });
  });

  it.each(["fulana oficial", "a".repeat(31), ".fulana"])("flags %j as invalid", (raw) => {
    expect(normalizeInstagram(raw)).toEqual({ ok: false, raw });
  });
});
