import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSmtp, startFakeSmtp } from "../../../test/fake-smtp.ts";
import { createMailer, dispatchMessageId, EmailError, type Mailer, toEmailError } from "./send-email.ts";

const FROM = "Funil <no-reply@funil.local>";
const REJECTED = "inexistente@exemplo.com.br";
const BUSY = "ocupado@exemplo.com.br";

/** A one-page PDF, small but well-formed. */
function tinyPdf(): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

let smtp: FakeSmtp;
let mailer: Mailer;
let folder: string;
beforeAll(async () => {
  smtp = await startFakeSmtp({ rejectRecipients: [REJECTED], tempFailRecipients: [BUSY] });
  mailer = createMailer({ smtpUrl: smtp.url, from: FROM });
  folder = mkdtempSync(join(tmpdir(), "funil-mail-"));
});
afterAll(async () => {
  mailer.close();
  await smtp.close();
  rmSync(folder, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<EmailError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EmailError);
  return error as EmailError;
}

describe("createMailer", () => {
  it("delivers an e-mail with a PDF attachment, the dispatch header and a Message-ID from the key", async () => {
    const pdf = tinyPdf();
    const sent = await mailer.send({
      to: "camila@exemplo.com.br",
      subject: "Sua proposta — Imóvel 204",
      text: "Olá Camila, segue a proposta.",
      html: "<p>Olá Camila, segue a <b>proposta</b>.</p>",
      attachments: [{ filename: "proposta.pdf", content: pdf, contentType: "application/pdf" }],
      idempotencyKey: "dispatch_01J9ZK",
    });
    expect(sent.providerMessageId).toBe("<funil.dispatch_01J9ZK@funil.local>");
    expect(smtp.messages).toHaveLength(1);
    const [message] = smtp.messages;
    expect(message).toMatchObject({
      from: '"Funil" <no-reply@funil.local>',
      to: ["camila@exemplo.com.br"],
      subject: "Sua proposta — Imóvel 204",
      text: "Olá Camila, segue a proposta.",
      html: "<p>Olá Camila, segue a <b>proposta</b>.</p>",
    });
    expect(message?.attachments).toHaveLength(1);
    expect(message?.attachments[0]).toMatchObject({
      filename: "proposta.pdf",
      contentType: "application/pdf",
      size: pdf.length,
    });
    expect(message?.attachments[0]?.content.equals(pdf)).toBe(true);
    expect(message?.headers["x-funil-dispatch"]).toBe("dispatch_01J9ZK");
    expect(message?.headers["message-id"]).toBe("<funil.dispatch_01J9ZK@funil.local>");
    expect(smtp.errors).toEqual([]);
  });

  it("attaches a local file by path", async () => {
    const file = join(folder, "contrato.pdf");
    writeFileSync(file, tinyPdf());
    await mailer.send({
      to: "bruno@exemplo.com.br",
      subject: "Contrato",
      text: "Segue o contrato.",
      attachments: [{ filename: "contrato.pdf", path: file }],
    });
    const message = smtp.messages.at(-1);
    expect(message?.attachments[0]).toMatchObject({
      filename: "contrato.pdf",
      contentType: "application/pdf",
    });
    expect(message?.headers["x-funil-dispatch"]).toBeUndefined();
  });

  it("refuses to fetch an attachment from a URL", async () => {
    const error = await failure(
      mailer.send({
        to: "bruno@exemplo.com.br",
        subject: "x",
        text: "x",
        attachments: [{ filename: "a.pdf", path: "http://169.254.169.254/latest/meta-data" }],
      }),
    );
    expect(error).toMatchObject({ code: "attachment_unreadable", isRetryable: false });
  });

  it("550 at RCPT TO is a permanent EmailError (smtp_550), without the address in its message", async () => {
    const error = await failure(mailer.send({ to: REJECTED, subject: "Oi", text: "Oi" }));
    expect(error).toMatchObject({
      code: "smtp_550",
      isRetryable: false,
      responseCode: 550,
      retryAfterSeconds: null,
    });
    expect(error.message).not.toContain("exemplo");
  });

  it("451 at RCPT TO is retryable (smtp_451)", async () => {
    const error = await failure(mailer.send({ to: BUSY, subject: "Oi", text: "Oi" }));
    expect(error).toMatchObject({ code: "smtp_451", isRetryable: true, responseCode: 451 });
    expect(error.message).not.toContain("ocupado");
  });

  it("reuses pooled connections across sends", async () => {
    const before = smtp.connections;
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        mailer.send({ to: `lead${index}@exemplo.com.br`, subject: `n${index}`, text: "Oi" }),
      ),
    );
    expect(smtp.connections - before).toBeLessThanOrEqual(5);
  });

  it("a server that is not there is a retryable connection error", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const address = probe.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const down = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM });
    try {
      const error = await failure(down.send({ to: "x@exemplo.com.br", subject: "x", text: "x" }));
      expect(error).toMatchObject({ code: "smtp_connection", isRetryable: true, responseCode: null });
    } finally {
      down.close();
    }
  });
});

describe("toEmailError", () => {
  it("maps reply codes and connection failures", () => {
    expect(toEmailError({ code: "EENVELOPE", responseCode: 552 })).toMatchObject({
      code: "smtp_552",
      isRetryable: false,
    });
    expect(toEmailError({ code: "EMESSAGE", responseCode: 421 })).toMatchObject({
      code: "smtp_421",
      isRetryable: true,
    });
    expect(toEmailError({ code: "EPROTOCOL", responseCode: 503 })).toMatchObject({ isRetryable: true });
    expect(toEmailError({ code: "ETIMEDOUT" })).toMatchObject({ code: "smtp_timeout", isRetryable: true });
    expect(toEmailError({ code: "EAUTH", responseCode: 535 })).toMatchObject({
      code: "smtp_535",
      isRetryable: false,
    });
    expect(toEmailError({ code: "EAUTH" })).toMatchObject({ code: "smtp_auth", isRetryable: false });
    expect(toEmailError(new Error("boom"))).toMatchObject({ code: "smtp_error", isRetryable: false });
  });

  it("hashes an idempotency key that would not make a clean Message-ID", () => {
    expect(dispatchMessageId("abc-123", "Funil <no-reply@exemplo.com.br>")).toBe(
      "<funil.abc-123@exemplo.com.br>",
    );
    expect(dispatchMessageId("lead 7/step 2", "no-reply@funil.local")).toMatch(
      /^<funil\.[0-9a-f]{40}@funil\.local>$/,
    );
  });
});
