import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeS3 } from "../../test/fake-s3.ts";
import { multipartBody } from "../../test/multipart.ts";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { createFileStore } from "../platform/storage/file-store.ts";
import { FileTooLargeError } from "../platform/storage/store-file.ts";

const S3 = {
  bucket: "funil-files",
  accessKeyId: "AKIATEST",
  secretAccessKey: "test-secret-key",
  region: "sa-east-1",
};
const PDF = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(3000, 0x41), Buffer.from("\n%%EOF\n")]);

let t: TestApp;
let s3: Awaited<ReturnType<typeof startFakeS3>>;
let dataDir: string;
let interactionId: string;

beforeAll(async () => {
  s3 = await startFakeS3(S3);
  dataDir = await mkdtemp(join(tmpdir(), "funil-s3-"));
  t = await createTestApp({
    FUNIL_DATA_DIR: dataDir,
    FUNIL_ATTACHMENT_MAX_BYTES: "8192",
    FUNIL_S3_BUCKET: S3.bucket,
    FUNIL_S3_ENDPOINT: s3.url,
    FUNIL_S3_REGION: S3.region,
    FUNIL_S3_ACCESS_KEY_ID: S3.accessKeyId,
    FUNIL_S3_SECRET_ACCESS_KEY: S3.secretAccessKey,
    FUNIL_S3_PREFIX: "prod/",
  });
  const lead = await t.request("POST", "/api/v1/leads", { body: { name: "Lia", email: "lia@example.com" } });
  const leadId = (lead.json() as { id: string }).id;
  const logged = await t.request("POST", `/api/v1/leads/${leadId}/interactions`, {
    body: { channel: "call", result: "proposta enviada" },
  });
  interactionId = (logged.json() as { id: string }).id;
});
afterAll(async () => {
  await t.close();
  await s3.close();
  await rm(dataDir, { recursive: true, force: true });
});

function attach(file: Buffer, name = "proposta.pdf") {
  const { body, contentType } = multipartBody(file, name, { contentType: "application/pdf" });
  return t.request("POST", `/api/v1/interactions/${interactionId}/attachments`, {
    rawBody: body,
    headers: { "content-type": contentType },
  });
}

describe("attachments in an S3-compatible bucket", () => {
  it("puts the file in the bucket (signed, under the prefix), keeps nothing on disk, and gives it back", async () => {
    const response = await attach(PDF);
    expect(response.statusCode, response.body).toBe(201);
    const stored = response.json() as { id: string; size: number };
    expect(stored.size).toBe(PDF.length);
    const workspaceId = ((await t.request("GET", "/api/v1/auth/me")).json() as { workspaceId: string })
      .workspaceId;
    const key = `prod/attachments/${workspaceId}/${stored.id}`;
    expect(s3.objects.get(key)?.equals(PDF)).toBe(true);
    expect(existsSync(join(dataDir, "attachments"))).toBe(false);

    const download = await t.request("GET", `/api/v1/attachments/${stored.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(PDF)).toBe(true);
    expect(s3.unexpected).toEqual([]);
  });

  it("refuses a file over the limit before anything reaches the bucket", async () => {
    const before = s3.requests.length;
    const response = await attach(Buffer.concat([PDF, Buffer.alloc(8192, 0x42)]));
    expect(response.statusCode).toBe(413);
    expect(s3.requests.length).toBe(before);
  });

  it("answers 502 problem+json when the bucket keeps failing, and stores no row for the file", async () => {
    s3.failNext(10);
    const response = await attach(PDF, "de-novo.pdf");
    expect(response.statusCode).toBe(502);
    expect(response.headers["content-type"]).toContain("application/problem+json");
    s3.failNext(0);
    const listed = await t.request("GET", `/api/v1/attachments/00000000-0000-4000-8000-000000000000`);
    expect(listed.statusCode).toBe(404);
  });
});

describe("the file store", () => {
  it("still reads files kept in the data folder after S3 is turned on, and refuses oversize ones", async () => {
    const local = createFileStore({ dataDir, s3: null });
    expect(local.kind).toBe("local");
    await local.put("attachments/w/old", Readable.from([Buffer.from("antes do S3")]), 1024);
    const withS3 = createFileStore({
      dataDir,
      s3: { ...S3, endpoint: s3.url, forcePathStyle: true, prefix: "" },
    });
    expect(withS3.kind).toBe("s3");
    const chunks: Buffer[] = [];
    for await (const chunk of await withS3.open("local", "attachments/w/old")) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("antes do S3");
    await expect(withS3.put("big", Readable.from([Buffer.alloc(2048)]), 1024)).rejects.toBeInstanceOf(
      FileTooLargeError,
    );
    await expect(local.open("s3", "x")).rejects.toThrow(/not configured/);
    // The fake bucket checks every signature, as S3 does.
    const wrongKey = createFileStore({
      dataDir,
      s3: { ...S3, secretAccessKey: "not-the-secret", endpoint: s3.url, forcePathStyle: true, prefix: "" },
    });
    await expect(wrongKey.put("x", Readable.from([Buffer.from("x")]), 1024)).rejects.toThrow(
      /SignatureDoesNotMatch/,
    );
  });
});
