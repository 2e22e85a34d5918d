import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import type { AlertView } from "../alerts/schemas.ts";
import { createWorkspace } from "../auth/create-workspace.ts";
import { checkEnrichmentHealth } from "./check-enrichment-health.ts";
import { enrichmentDb } from "./schemas.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Finished enrichments of a workspace, `hoursAgo` before the fixed clock. */
async function finished(workspaceId: string, statuses: string[], hoursAgo = 2) {
  const at = new Date(t.clock.now().getTime() - hoursAgo * 3_600_000);
  const contacts = await t.app.deps.db
    .insertInto("contacts")
    .values(
      statuses.map((_, index) => ({
        workspace_id: workspaceId,
        name: `Creator ${index}`,
        instagram: `creator.${workspaceId.slice(0, 8)}.${index}.${hoursAgo}`,
        custom: "{}",
        secondary: "{}",
        invalid: "{}",
        first_touch_at: at,
        last_touch_at: at,
      })),
    )
    .returning("id")
    .execute();
  await enrichmentDb(t.app.deps.db)
    .insertInto("contact_enrichments")
    .values(
      contacts.map((contact, index) => ({
        contact_id: contact.id,
        workspace_id: workspaceId,
        status: statuses[index] as "enriched",
        attempts: 1,
        started_at: at,
        finished_at: at,
      })),
    )
    .execute();
}

const times = (count: number, status: string) => Array.from({ length: count }, () => status);

describe("the enrichment success-rate alert", () => {
  it("alerts a workspace whose last 24 hours fell under the threshold, once per cool-down", async () => {
    const workspaceId = t.app.bootstrap.workspaceId;
    // 8 of 20 succeeded (40% < 60%); personal accounts and older runs do not count.
    await finished(workspaceId, [...times(6, "enriched"), ...times(2, "partial"), ...times(12, "failed")]);
    await finished(workspaceId, times(30, "not_business_account"));
    await finished(workspaceId, times(40, "enriched"), 30);

    const admin = await t.app.deps.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    const healthy = await createWorkspace(t.app.deps, { name: "Saudável", adminUserId: admin.id });
    await finished(healthy.id, [...times(19, "enriched"), ...times(1, "failed")]);
    const tooFew = await createWorkspace(t.app.deps, { name: "Pouco", adminUserId: admin.id });
    await finished(tooFew.id, times(10, "failed"));

    expect(await checkEnrichmentHealth(t.app.deps)).toEqual([workspaceId]);
    expect(await checkEnrichmentHealth(t.app.deps)).toEqual([]);
    await t.drain();
    const alerts = (await t.request("GET", "/api/v1/alerts?kind=enrichment.success-rate")).json() as {
      items: AlertView[];
    };
    expect(alerts.items).toHaveLength(1);
    expect(alerts.items[0]).toMatchObject({
      status: "no_channel",
      details: { succeeded: 8, runs: 20, rate: 0.4, threshold: 0.6 },
    });
    expect(alerts.items[0]?.text).toContain("40%");
  });
});
