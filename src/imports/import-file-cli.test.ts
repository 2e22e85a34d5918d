import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { importFile } from "../cli/import-file.ts";

let t: TestApp;
let dir: string;
let server: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "funil-import-cli-"));
  t = await createTestApp({ FUNIL_DATA_DIR: dir });
  await t.app.server.listen({ port: 0, host: "127.0.0.1" });
  server = `http://127.0.0.1:${(t.app.server.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `funil import` against the test server while its jobs are drained. */
async function runImportCommand(file: string, extra: string[] = []) {
  let output = "";
  const progress = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  let finished = false;
  const command = importFile(
    [file, "--server", server, ...extra],
    { FUNIL_TOKEN: t.adminToken },
    {
      progress,
      pollMs: 20,
    },
  ).finally(() => {
    finished = true;
  });
  while (!finished) {
    await t.drain();
    await sleep(10);
  }
  return { code: await command, output };
}

describe("funil import <file>", () => {
  it("uploads, shows progress and exits 0 when done", async () => {
    const path = join(dir, "cli.csv");
    await writeFile(path, "nome,email\nAna,ana@cli.example\nBia,bia@cli.example\n,\n,x\n");
    const { code, output } = await runImportCommand(path, ["--quiet"]);
    expect(code).toBe(0);
    expect(output).toContain("3/3 rows · created 2 · merged 0 · failed 1");
    expect(output).toContain("1 rows failed:");
    expect(output).toContain("100%");
  });

  it("exits non-zero when the import fails", async () => {
    const path = join(dir, "broken.xlsx");
    await writeFile(path, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)]));
    const { code } = await runImportCommand(path);
    expect(code).toBe(1);
  });

  it("needs a token", async () => {
    expect(await importFile([join(dir, "cli.csv")], {})).toBe(2);
  });
});
