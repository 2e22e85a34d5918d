import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/test-app.ts";
import { adLibraryDb } from "../ad-library/schemas.ts";
import type { AlertStatus, AlertTables } from "../alerts/schemas.ts";
import { automationDb } from "../automation/schemas.ts";
import { importsDb } from "../imports/schemas.ts";
import { allJobs } from "../jobs.ts";
import { outboundDb } from "../outbound/schemas.ts";
import { type DeliveryStatus, partnerWebhookDb } from "../partner-webhooks/schemas.ts";
import { PRUNE_OPERATIONAL_LOGS_JOB } from "./jobs.ts";
import { pruneOperationalLogs } from "./prune-operational-logs.ts";

const DAY = 86_400_000;
let t: TestApp;
let workspaceId: string;
let contactId: string;
/** A moment this many days before the fixed clock (retention is 30 days by default). */
const daysAgo = (days: number) => new Date(t.clock.now().getTime() - days * DAY);

beforeAll(async () => {
  t = await createTestApp();
  workspaceId = t.app.bootstrap.workspaceId;
  contactId = (
    (
      await t.request("POST", "/api/v1/leads", { body: { name: "Achado", email: "achado@example.com" } })
    ).json() as { id: string }
  ).id;
});
afterAll(async () => {
  await t.close();
});

async function deliveriesLeft(ids: Record<string, string>) {
  const rows = await partnerWebhookDb(t.app.deps.db)
    .selectFrom("webhook_deliveries")
    .select("id")
    .where("id", "in", Object.values(ids))
    .execute();
  const left = new Set(rows.map((row) => row.id));
  return Object.keys(ids).filter((name) => left.has(ids[name] as string));
}

async function idsLeft(table: "alerts" | "outbound_runs" | "ad_library_runs", ids: Record<string, string>) {
  const db = t.app.deps.db.withTables<AlertTables>();
  const rows =
    table === "alerts"
      ? await db.selectFrom("alerts").select("id").where("id", "in", Object.values(ids)).execute()
      : table === "outbound_runs"
        ? await outboundDb(t.app.deps.db)
            .selectFrom("outbound_runs")
            .select("id")
            .where("id", "in", Object.values(ids))
            .execute()
        : await adLibraryDb(t.app.deps.db)
            .selectFrom("ad_library_runs")
            .select("id")
            .where("id", "in", Object.values(ids))
            .execute();
  const left = new Set(rows.map((row) => row.id));
  return Object.keys(ids).filter((name) => left.has(ids[name] as string));
}

describe("operational log retention", () => {
  const deliveries: Record<string, string> = {};
  const alerts: Record<string, string> = {};
  const imports: Record<string, string> = {};
  const runs: Record<string, string> = {};
  const adRuns: Record<string, string> = {};
  let advertiserId = "";

  it("drops final rows older than 30 days, keeps young and unfinished ones, per table", async () => {
    // Partner-webhook deliveries: final ones go by their last change, pending ones wait for a retry.
    const webhooks = partnerWebhookDb(t.app.deps.db);
    const endpoint = await webhooks
      .insertInto("webhook_endpoints")
      .values({
        workspace_id: workspaceId,
        url: "https://partner.example.com/hook",
        secret: "sealed",
        created_at: daysAgo(90),
        updated_at: daysAgo(90),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const delivery = async (name: string, status: DeliveryStatus, age: number) => {
      const row = await webhooks
        .insertInto("webhook_deliveries")
        .values({
          workspace_id: workspaceId,
          endpoint_id: endpoint.id,
          event_id: `msg_${name}`,
          event_type: "deal.created",
          payload: JSON.stringify({ type: "deal.created", timestamp: daysAgo(age).toISOString(), data: {} }),
          status,
          created_at: daysAgo(age + 1),
          updated_at: daysAgo(age),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      deliveries[name] = row.id;
    };
    await delivery("oldSucceeded", "succeeded", 40);
    await delivery("oldFailed", "failed", 31);
    await delivery("oldExhausted", "exhausted", 60);
    await delivery("oldPending", "pending", 45);
    await delivery("youngSucceeded", "succeeded", 10);
    await delivery("youngExhausted", "exhausted", 29);

    // Alerts: once their delivery ended.
    const alertsDb = t.app.deps.db.withTables<AlertTables>();
    const alert = async (name: string, status: AlertStatus, age: number) => {
      const row = await alertsDb
        .insertInto("alerts")
        .values({
          workspace_id: workspaceId,
          kind: "test.retention",
          text: name,
          status,
          raised_at: daysAgo(age),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      alerts[name] = row.id;
    };
    await alert("oldSent", "sent", 40);
    await alert("oldNoChannel", "no_channel", 35);
    await alert("oldFailed", "failed", 50);
    await alert("oldPending", "pending", 40);
    await alert("youngSent", "sent", 3);

    // Imports: the row errors of finished imports go, the imports stay.
    const importDb = importsDb(t.app.deps.db);
    const anImport = async (name: string, status: "done" | "failed" | "running", age: number) => {
      const row = await importDb
        .insertInto("imports")
        .values({
          workspace_id: workspaceId,
          filename: `${name}.csv`,
          format: "csv",
          status,
          created_at: daysAgo(age + 1),
          finished_at: status === "running" ? null : daysAgo(age),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      imports[name] = row.id;
      await importDb
        .insertInto("import_errors")
        .values(
          [1, 2, 3].map((n) => ({ import_id: row.id, row_number: n, field: "email", message: "invalid" })),
        )
        .execute();
    };
    await anImport("oldDone", "done", 40);
    await anImport("oldFailed", "failed", 33);
    await anImport("oldRunning", "running", 40);
    await anImport("youngDone", "done", 5);

    // Outbound: candidates that became nobody go with their finished run; a run that found someone
    // stays (its sighting is how a later run recognises the profile), as does each source's latest run.
    const outbound = outboundDb(t.app.deps.db);
    const source = async (name: string) =>
      (
        await outbound
          .insertInto("outbound_sources")
          .values({ workspace_id: workspaceId, name, url: `https://${name}.example.com/`, kind: "generic" })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    const busy = await source("busy");
    const quiet = await source("quiet");
    const run = async (
      name: string,
      sourceId: string,
      status: "done" | "failed" | "running",
      age: number,
      candidates: { contact: boolean }[],
    ) => {
      const row = await outbound
        .insertInto("outbound_runs")
        .values({
          workspace_id: workspaceId,
          source_id: sourceId,
          trigger: "schedule",
          status,
          pages_cap: 10,
          errors: "[]",
          created_at: daysAgo(age + 1),
          finished_at: status === "running" ? null : daysAgo(age),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      runs[name] = row.id;
      for (const [index, candidate] of candidates.entries()) {
        await outbound
          .insertInto("outbound_candidates")
          .values({
            workspace_id: workspaceId,
            run_id: row.id,
            key: `email:${name}-${index}@example.com`,
            email: `${name}-${index}@example.com`,
            found_on: "https://busy.example.com/",
            outcome: candidate.contact ? "landed" : "invalid",
            contact_id: candidate.contact ? contactId : null,
          })
          .execute();
      }
    };
    await run("oldLanded", busy, "done", 45, [{ contact: true }, { contact: false }]);
    await run("oldEmpty", busy, "done", 44, [{ contact: false }, { contact: false }, { contact: false }]);
    await run("oldFailed", busy, "failed", 43, []);
    await run("oldRunning", busy, "running", 41, [{ contact: false }]);
    await run("young", busy, "done", 10, [{ contact: false }]);
    await run("quietLatest", quiet, "done", 60, [{ contact: false }]);

    // Ad library: finished runs go (advertisers and ads stay), except a workspace's latest.
    const ads = adLibraryDb(t.app.deps.db);
    const other = await t.app.deps.db
      .insertInto("workspaces")
      .values({ name: "Outra" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const adRun = async (
      name: string,
      inWorkspace: string,
      status: "done" | "failed" | "running",
      age: number,
    ) => {
      const row = await ads
        .insertInto("ad_library_runs")
        .values({
          workspace_id: inWorkspace,
          trigger: "schedule",
          status,
          since: "2026-01-01",
          until: "2026-01-07",
          search_terms: "[]",
          countries: "[]",
          publisher_platforms: "[]",
          created_at: daysAgo(age + 1),
          finished_at: status === "running" ? null : daysAgo(age),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      adRuns[name] = row.id;
    };
    await adRun("oldDone", workspaceId, "done", 50);
    await adRun("oldFailed", workspaceId, "failed", 40);
    await adRun("oldRunning", workspaceId, "running", 35);
    await adRun("young", workspaceId, "done", 5);
    await adRun("otherLatest", other.id, "done", 90);
    const advertiser = await ads
      .insertInto("ad_library_advertisers")
      .values({
        workspace_id: workspaceId,
        page_id: "123",
        first_seen_at: daysAgo(50),
        last_seen_at: daysAgo(5),
        first_run_id: adRuns.oldDone,
        last_run_id: adRuns.young,
        contact_id: contactId,
        snapshot_urls: "[]",
        platforms: "[]",
        terms: "[]",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    advertiserId = advertiser.id;

    // A rule's run history: old finished runs go, a young one and a still-running one stay.
    const automation = automationDb(t.app.deps.db);
    const ruleId = (
      await automation
        .selectFrom("automation_rules")
        .select("id")
        .where("workspace_id", "=", workspaceId)
        .executeTakeFirstOrThrow()
    ).id;
    const ruleRun = (status: "done" | "failed" | "running", days: number) => ({
      workspace_id: workspaceId,
      rule_id: ruleId,
      cause: "schedule" as const,
      status,
      started_at: daysAgo(days),
    });
    const automationRuns = await automation
      .insertInto("automation_runs")
      .values([
        ruleRun("done", 40),
        ruleRun("failed", 35),
        ruleRun("done", 31),
        ruleRun("running", 40),
        ruleRun("done", 5),
      ])
      .returning("id")
      .execute();

    // Small batches: every table needs more than one statement.
    expect(await pruneOperationalLogs(t.app.deps, { batchSize: 2 })).toEqual({
      webhookDeliveries: 3,
      alerts: 3,
      importErrors: 6,
      outboundCandidates: 5,
      outboundRuns: 2,
      adLibraryRuns: 2,
      automationRuns: 3,
    });
    const runsLeft = await automation
      .selectFrom("automation_runs")
      .select("id")
      .where(
        "id",
        "in",
        automationRuns.map((row) => row.id),
      )
      .execute();
    expect(runsLeft.map((row) => row.id).sort()).toEqual(
      [automationRuns[3]?.id, automationRuns[4]?.id].sort(),
    );

    expect(await deliveriesLeft(deliveries)).toEqual(["oldPending", "youngSucceeded", "youngExhausted"]);
    expect(await idsLeft("alerts", alerts)).toEqual(["oldPending", "youngSent"]);

    const importRows = await importDb.selectFrom("imports").select(["id"]).execute();
    expect(importRows.map((row) => row.id)).toEqual(expect.arrayContaining(Object.values(imports)));
    const errors = await importDb.selectFrom("import_errors").select(["import_id"]).execute();
    const errorsOf = (name: string) => errors.filter((row) => row.import_id === imports[name]).length;
    expect([
      errorsOf("oldDone"),
      errorsOf("oldFailed"),
      errorsOf("oldRunning"),
      errorsOf("youngDone"),
    ]).toEqual([0, 0, 3, 3]);

    expect(await idsLeft("outbound_runs", runs)).toEqual(["oldLanded", "oldRunning", "young", "quietLatest"]);
    const candidates = await outbound
      .selectFrom("outbound_candidates")
      .select(["run_id", "contact_id"])
      .execute();
    const candidatesOf = (name: string) => candidates.filter((row) => row.run_id === runs[name]);
    expect(candidatesOf("oldLanded")).toEqual([{ run_id: runs.oldLanded, contact_id: contactId }]);
    expect(candidatesOf("oldRunning")).toHaveLength(1);
    expect(candidatesOf("young")).toHaveLength(1);
    expect(candidatesOf("quietLatest")).toHaveLength(0);

    expect(await idsLeft("ad_library_runs", adRuns)).toEqual(["oldRunning", "young", "otherLatest"]);
    expect(
      await ads
        .selectFrom("ad_library_advertisers")
        .select(["first_run_id", "last_run_id", "contact_id"])
        .where("id", "=", advertiserId)
        .executeTakeFirst(),
    ).toEqual({ first_run_id: null, last_run_id: adRuns.young, contact_id: contactId });
    // The lead found is a business record: untouched.
    expect((await t.request("GET", `/api/v1/leads/${contactId}`)).statusCode).toBe(200);
  });

  it("is safe to run twice", async () => {
    expect(await pruneOperationalLogs(t.app.deps)).toEqual({
      webhookDeliveries: 0,
      alerts: 0,
      importErrors: 0,
      outboundCandidates: 0,
      outboundRuns: 0,
      adLibraryRuns: 0,
      automationRuns: 0,
    });
    expect(await deliveriesLeft(deliveries)).toEqual(["oldPending", "youngSucceeded", "youngExhausted"]);
  });

  it("follows FUNIL_OPERATIONAL_RETENTION_DAYS", async () => {
    const deps = {
      ...t.app.deps,
      config: { ...t.app.deps.config, retention: { ...t.app.deps.config.retention, operationalDays: 7 } },
    };
    const counts = await pruneOperationalLogs(deps);
    expect(counts).toMatchObject({ webhookDeliveries: 2, alerts: 0, importErrors: 0, outboundCandidates: 1 });
    expect(await deliveriesLeft(deliveries)).toEqual(["oldPending"]);
    expect(await idsLeft("alerts", alerts)).toEqual(["oldPending", "youngSent"]);
  });

  it("runs daily from the scheduler", () => {
    const job = allJobs(t.app.deps).find((definition) => definition.name === PRUNE_OPERATIONAL_LOGS_JOB);
    expect(job?.cron).toMatch(/^\d+ \d+ \* \* \*$/);
  });
});
