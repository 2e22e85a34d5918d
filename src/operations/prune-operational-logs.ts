import { adLibraryDb } from "../ad-library/schemas.ts";
import type { AlertTables } from "../alerts/schemas.ts";
import { automationDb } from "../automation/schemas.ts";
import type { Deps } from "../deps.ts";
import { importsDb } from "../imports/schemas.ts";
import { outboundDb } from "../outbound/schemas.ts";
import { partnerWebhookDb } from "../partner-webhooks/schemas.ts";

const BATCH = 5_000;

/** How many rows of each operational log went. */
export interface PrunedOperationalLogs {
  webhookDeliveries: number;
  alerts: number;
  importErrors: number;
  outboundCandidates: number;
  outboundRuns: number;
  adLibraryRuns: number;
  automationRuns: number;
}

/** Runs one bounded DELETE until a batch comes back short. */
async function inBatches(
  batchSize: number,
  deleteBatch: (limit: number) => Promise<bigint>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = Number(await deleteBatch(batchSize));
    total += deleted;
    if (deleted < batchSize) return total;
  }
}

/**
 * Retention of operational logs (FUNIL_OPERATIONAL_RETENTION_DAYS, 30 by default): what happened to a
 * message or a run, not the business it produced. Rows go only once they are final and older than the
 * cut-off, a batch of at most `batchSize` per statement so no lock is held long; safe to run twice.
 *
 * - partner-webhook deliveries that succeeded, failed for good or ran out of attempts (never a pending
 *   one, which still has an attempt due), by their last change;
 * - alerts whose delivery ended (sent, failed, no channel), by when they were raised (the longest
 *   cool-down, one day, is never longer than the retention);
 * - the per-row errors of finished imports (the import itself, its counts and its contacts stay);
 * - outbound candidates of finished runs that became nobody (no contact: invalid or never decided);
 *   candidates linked to a contact stay — they are how a later run recognises a profile;
 * - finished outbound runs left with no candidate, and finished ad-library runs (their per-run
 *   results with them; advertisers and ads, which became leads, stay), except each source's and each
 *   workspace's latest run, which tells the scheduler when the next one is due;
 * - finished automation runs (a rule's run history); the dispatches they made stay.
 *
 * Never touched: queued or running runs, contacts, deals, imports, advertisers, ads. Raw webhook
 * bodies (capture/prune-events.ts) and the audit log (audit/prune-audit.ts) have their own retention;
 * deliveries refused at the door are only counted on their connection (migration 0011), never stored.
 */
export async function pruneOperationalLogs(
  deps: Deps,
  options: { batchSize?: number } = {},
): Promise<PrunedOperationalLogs> {
  const batchSize = options.batchSize ?? BATCH;
  const cutoff = new Date(deps.clock.now().getTime() - deps.config.retention.operationalDays * 86_400_000);

  const webhooks = partnerWebhookDb(deps.db);
  const finalDeliveries = ["succeeded", "failed", "exhausted"] as const;
  const webhookDeliveries = await inBatches(batchSize, async (limit) => {
    const result = await webhooks
      .deleteFrom("webhook_deliveries")
      .where(
        "id",
        "in",
        webhooks
          .selectFrom("webhook_deliveries")
          .select("id")
          .where("status", "in", finalDeliveries)
          .where("updated_at", "<", cutoff)
          .limit(limit),
      )
      // A delivery sent again meanwhile (POST …/retry: pending) stays.
      .where("status", "in", finalDeliveries)
      .executeTakeFirst();
    return result.numDeletedRows;
  });

  const alertsDb = deps.db.withTables<AlertTables>();
  const finalAlerts = ["sent", "failed", "no_channel"] as const;
  const alerts = await inBatches(batchSize, async (limit) => {
    const result = await alertsDb
      .deleteFrom("alerts")
      .where(
        "id",
        "in",
        alertsDb
          .selectFrom("alerts")
          .select("id")
          .where("status", "in", finalAlerts)
          .where("raised_at", "<", cutoff)
          .limit(limit),
      )
      .where("status", "in", finalAlerts)
      .executeTakeFirst();
    return result.numDeletedRows;
  });

  const imports = importsDb(deps.db);
  const importErrors = await inBatches(batchSize, async (limit) => {
    const result = await imports
      .deleteFrom("import_errors")
      .where(
        "id",
        "in",
        imports
          .selectFrom("import_errors as e")
          .innerJoin("imports as i", "i.id", "e.import_id")
          .select("e.id")
          .where("i.status", "in", ["done", "failed"])
          .where((eb) => eb(eb.fn.coalesce("i.finished_at", "i.created_at"), "<", cutoff))
          .limit(limit),
      )
      .executeTakeFirst();
    return result.numDeletedRows;
  });

  const outbound = outboundDb(deps.db);
  const outboundCandidates = await inBatches(batchSize, async (limit) => {
    const result = await outbound
      .deleteFrom("outbound_candidates")
      .where(
        "id",
        "in",
        outbound
          .selectFrom("outbound_candidates as c")
          .innerJoin("outbound_runs as r", "r.id", "c.run_id")
          .select("c.id")
          .where("c.contact_id", "is", null)
          .where("r.status", "in", ["done", "failed"])
          .where((eb) => eb(eb.fn.coalesce("r.finished_at", "r.created_at"), "<", cutoff))
          .limit(limit),
      )
      .where("contact_id", "is", null)
      .executeTakeFirst();
    return result.numDeletedRows;
  });
  const outboundRuns = await inBatches(batchSize, async (limit) => {
    const result = await outbound
      .deleteFrom("outbound_runs")
      .where(
        "id",
        "in",
        outbound
          .selectFrom("outbound_runs as r")
          .select("r.id")
          .where("r.status", "in", ["done", "failed"])
          .where((eb) => eb(eb.fn.coalesce("r.finished_at", "r.created_at"), "<", cutoff))
          // A newer run of the same source exists: this one is not the latest.
          .where(({ exists, selectFrom }) =>
            exists(
              selectFrom("outbound_runs as newer")
                .select("newer.id")
                .whereRef("newer.source_id", "=", "r.source_id")
                .whereRef("newer.created_at", ">", "r.created_at"),
            ),
          )
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(selectFrom("outbound_candidates as c").select("c.id").whereRef("c.run_id", "=", "r.id")),
            ),
          )
          .limit(limit),
      )
      .where("status", "in", ["done", "failed"])
      .executeTakeFirst();
    return result.numDeletedRows;
  });

  const adLibrary = adLibraryDb(deps.db);
  const adLibraryRuns = await inBatches(batchSize, async (limit) => {
    const result = await adLibrary
      .deleteFrom("ad_library_runs")
      .where(
        "id",
        "in",
        adLibrary
          .selectFrom("ad_library_runs as r")
          .select("r.id")
          .where("r.status", "in", ["done", "failed"])
          .where((eb) => eb(eb.fn.coalesce("r.finished_at", "r.created_at"), "<", cutoff))
          // A newer run of the same workspace exists: this one is not the latest.
          .where(({ exists, selectFrom }) =>
            exists(
              selectFrom("ad_library_runs as newer")
                .select("newer.id")
                .whereRef("newer.workspace_id", "=", "r.workspace_id")
                .whereRef("newer.created_at", ">", "r.created_at"),
            ),
          )
          .limit(limit),
      )
      .where("status", "in", ["done", "failed"])
      .executeTakeFirst();
    return result.numDeletedRows;
  });

  // Automation runs (a rule's history): finished ones. Their dispatches stay: they are what was sent.
  const automation = automationDb(deps.db);
  const automationRuns = await inBatches(batchSize, async (limit) => {
    const result = await automation
      .deleteFrom("automation_runs")
      .where(
        "id",
        "in",
        automation
          .selectFrom("automation_runs")
          .select("id")
          .where("status", "in", ["done", "failed"])
          .where("started_at", "<", cutoff)
          .limit(limit),
      )
      .executeTakeFirst();
    return result.numDeletedRows;
  });

  return {
    webhookDeliveries,
    alerts,
    importErrors,
    outboundCandidates,
    outboundRuns,
    adLibraryRuns,
    automationRuns,
  };
}
