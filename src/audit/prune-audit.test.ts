import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { pruneAudit } from "./prune-audit.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const DAY = 86_400_000;

async function entriesFor(contactId: string) {
  return (await t.request("GET", `/api/v1/leads/${contactId}/audit`)).json() as {
    items: { action: string }[];
  };
}

describe("audit retention", () => {
  it("keeps six months of audit by default and drops what is older", async () => {
    const old = (
      await t.request("POST", "/api/v1/leads", { body: { name: "Antiga", email: "antiga@example.com" } })
    ).json() as { id: string };
    t.clock.advance(100 * DAY);
    t.adminToken = await t.login();
    const recent = (
      await t.request("POST", "/api/v1/leads", { body: { name: "Recente", email: "recente@example.com" } })
    ).json() as { id: string };
    expect((await entriesFor(old.id)).items.length).toBeGreaterThan(0);

    t.clock.advance(81 * DAY); // the first lead's entries are 181 days old, the second's 81
    t.adminToken = await t.login();
    expect(await pruneAudit(t.app.deps)).toBeGreaterThan(0);
    expect((await entriesFor(old.id)).items).toEqual([]);
    expect((await entriesFor(recent.id)).items.map((item) => item.action)).toEqual(["create"]);
    expect(await pruneAudit(t.app.deps)).toBe(0);
  });
});
