import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), "funil-demo-"));
const bin = join(import.meta.dirname, "../../bin/funil.js");

/** The real `funil` binary on a throw-away embedded database. */
async function funil(...args: string[]) {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  return run(process.execPath, [bin, ...args], {
    env: {
      ...env,
      FUNIL_DATA_DIR: dataDir,
      FUNIL_ADMIN_EMAIL: "owner@funil.test",
      FUNIL_ADMIN_PASSWORD: "owner-password",
    },
    timeout: 120_000,
  });
}

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

// The binary runs on its own embedded database; one run of the suite (PGlite) is enough.
describe.skipIf(loadConfig().db.kind === "postgres")("funil demo", () => {
  it("seeds a fresh data folder, prints what it made and the logins, then refuses a second time", async () => {
    const first = await funil("demo", "--seed-only", "--leads", "40");
    expect(first.stdout).toContain('Demo data in "Demonstração"');
    expect(first.stdout).toMatch(/Seeded in \d+\.\d s/);
    expect(first.stdout).toMatch(/week 8\/9/);
    expect(first.stdout).toContain("Admin: owner@funil.test with its password");
    expect(first.stdout).toMatch(/marina@demo\.funil\.test\s+manager/);
    expect(first.stdout).toContain('password "demo-funil"');

    const second = funil("demo", "--seed-only", "--leads", "40");
    await expect(second).rejects.toMatchObject({ code: 1 });
    const output = await second.catch((error: { stdout: string }) => error.stdout);
    expect(output).toMatch(
      /Not seeding: the workspace "Demonstração" already has \d+ leads; run with --force/,
    );
  }, 240_000);

  it("explains its usage", async () => {
    await expect(funil("demo", "--leads", "many")).rejects.toMatchObject({ code: 2 });
    await expect(funil("demo", "--frobnicate")).rejects.toMatchObject({ code: 2 });
    expect((await funil("help")).stdout).toContain("demo [--seed-only]");
  });
});
