import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox } from "./secret-box.ts";

describe("createSecretBox", () => {
  const box = createSecretBox(randomBytes(32));

  it("seals and opens, with a fresh nonce each time", () => {
    const a = box.seal("whsec_segredo");
    const b = box.seal("whsec_segredo");
    expect(a).not.toBe(b);
    expect(a).not.toContain("segredo");
    expect(box.open(a)).toBe("whsec_segredo");
  });

  it("refuses tampered text and another key", () => {
    const sealed = box.seal("hottok-123");
    const bytes = Buffer.from(sealed.slice(3), "base64");
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 1;
    expect(() => box.open(`v1:${bytes.toString("base64")}`)).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow();
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
