import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { multipartBody } from "../../test/multipart.ts";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { InteractionView } from "../conversations/schemas.ts";

let t: TestApp;
let dataDir: string;
let leadId: string;
const PDF = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(1500, 0x20), Buffer.from("\n%%EOF\n")]);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "funil-attachments-"));
  t = await createTestApp({ FUNIL_DATA_DIR: dataDir, FUNIL_ATTACHMENT_MAX_BYTES: "4096" });
  leadId = (
    (
      await t.request("POST", "/api/v1/leads", { body: { name: "Eva", email: "eva@example.com" } })
    ).json() as {
      id: string;
    }
  ).id;
});
afterAll(async () => {
  await t.close();
  await rm(dataDir, { recursive: true, force: true });
});

function attach(interactionId: string, file: Buffer, name: string, contentType: string) {
  const { body, contentType: type } = multipartBody(file, name, { contentType });
  return t.request("POST", `/api/v1/interactions/${interactionId}/attachments`, {
    rawBody: body,
    headers: { "content-type": type },
  });
}

async function interactions() {
  return (
    (await t.request("GET", `/api/v1/leads/${leadId}/interactions`)).json() as { items: InteractionView[] }
  ).items;
}

describe("logged interactions", () => {
  let callId: string;

  it("log a call with its result and author, listed with the lead's messages", async () => {
    const response = await t.request("POST", `/api/v1/leads/${leadId}/interactions`, {
      body: { channel: "call", result: "Agendou visita", text: "Quer 2 quartos perto do metrô" },
    });
    expect(response.statusCode).toBe(201);
    callId = (response.json() as { id: string }).id;
    expect(await interactions()).toMatchObject([
      {
        id: callId,
        channel: "call",
        direction: "outbound",
        result: "Agendou visita",
        text: "Quer 2 quartos perto do metrô",
        author: "admin@funil.test",
        occurredAt: FIXED_NOW,
        attachments: [],
      },
    ]);
    const audit = (await t.request("GET", `/api/v1/leads/${leadId}/audit`)).json() as {
      items: { action: string }[];
    };
    expect(audit.items.map((item) => item.action)).toContain("interaction.logged");
  });

  it("refuse one in the future, or of an unknown channel", async () => {
    const future = await t.request("POST", `/api/v1/leads/${leadId}/interactions`, {
      body: { channel: "visit", occurredAt: "2026-12-25T12:00:00Z" },
    });
    expect(future.statusCode).toBe(400);
    const channel = await t.request("POST", `/api/v1/leads/${leadId}/interactions`, {
      body: { channel: "fax" },
    });
    expect(channel.statusCode).toBe(400);
  });

  it("keep an attached file and give it back byte for byte, as a download", async () => {
    const response = await attach(callId, PDF, "proposta 302.pdf", "application/pdf");
    expect(response.statusCode, response.body).toBe(201);
    const stored = response.json() as { id: string; size: number; sha256: string };
    expect(stored.size).toBe(PDF.length);
    const [listed] = await interactions();
    expect(listed?.attachments).toEqual([
      { id: stored.id, fileName: "proposta 302.pdf", contentType: "application/pdf", size: PDF.length },
    ]);
    const download = await t.request("GET", `/api/v1/attachments/${stored.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(PDF)).toBe(true);
    expect(download.headers["content-type"]).toBe("application/pdf");
    expect(download.headers["content-disposition"]).toBe("attachment; filename*=UTF-8''proposta%20302.pdf");
    expect(download.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("refuse types that are not allowed and files over the limit, keeping nothing", async () => {
    const before = readdirSync(join(dataDir, "attachments"), { recursive: true }).length;
    const exe = await attach(callId, Buffer.from("MZ..."), "setup.exe", "application/x-msdownload");
    expect(exe.statusCode).toBe(415);
    const disguised = await attach(callId, Buffer.from("<html>"), "page.pdf", "text/html");
    expect(disguised.statusCode).toBe(415);
    const big = await attach(callId, Buffer.alloc(5000, 0x41), "big.txt", "text/plain");
    expect(big.statusCode).toBe(413);
    expect(big.headers["content-type"]).toContain("application/problem+json");
    expect(readdirSync(join(dataDir, "attachments"), { recursive: true }).length).toBe(before);
    expect((await interactions())[0]?.attachments).toHaveLength(1);
  });

  it("are the workspace's own: another workspace gets 404", async () => {
    const [listed] = await interactions();
    const workspace = (await t.request("POST", "/api/v1/workspaces", { body: { name: "Outra" } })).json() as {
      id: string;
    };
    const token = await t.login(undefined, undefined, workspace.id);
    expect(
      (await t.request("GET", `/api/v1/attachments/${listed?.attachments[0]?.id}`, { token })).statusCode,
    ).toBe(404);
    const { body, contentType } = multipartBody(PDF, "x.pdf", { contentType: "application/pdf" });
    const foreign = await t.request("POST", `/api/v1/interactions/${callId}/attachments`, {
      token,
      rawBody: body,
      headers: { "content-type": contentType },
    });
    expect(foreign.statusCode).toBe(404);
    expect(existsSync(join(dataDir, "attachments", workspace.id))).toBe(false);
  });
});
