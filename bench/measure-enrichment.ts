import { fileURLToPath } from "node:url";
import { replaceEnrichmentRuntime } from "../src/enrichment/create-enrichment-runtime.ts";
import { discoveryBody, graphError, startFakeGraphApi } from "../src/enrichment/fake-apis.ts";
import { enrichmentDb } from "../src/enrichment/schemas.ts";
import { sweepEnrichment } from "../src/enrichment/sweep-enrichment.ts";
import { createTestApp } from "../test/test-app.ts";

export interface EnrichmentBenchResult {
  name: "enrichment.rate";
  /** Contacts enriched per second, end to end (sweep → jobs → Graph → stored). */
  value: number;
  unit: "contacts/s";
  /** R: what the fake provider allows, requests per second. */
  baseline: number;
  ratio: number;
  contacts: number;
  enriched: number;
  /** Contacts that did not end enriched. */
  lost: number;
  /** Requests beyond R in some one-second window (answered 429 by the fake). */
  overBudget: number;
  requests: number;
  seconds: number;
  /** When the first and the last request reached the provider, from the start. */
  firstRequestSeconds: number;
  lastRequestSeconds: number;
}

const IG_USER = "17841400000000000";
const TOKEN = "bench-token";

/**
 * Enriches `contacts` leads with an Instagram handle through the real pipeline (sweep, outbox,
 * pg-boss jobs, the guarded provider, storage) against a local Graph API that answers in `latencyMs`
 * and allows `ratePerSecond` requests in any one-second window (more get a 429 and count as over
 * budget). The database is PGlite, or PostgreSQL when DATABASE_URL is set.
 */
export async function measureEnrichment(
  input: { contacts?: number; ratePerSecond?: number; latencyMs?: number; maxSeconds?: number } = {},
): Promise<EnrichmentBenchResult> {
  const contacts = input.contacts ?? 200;
  const rate = input.ratePerSecond ?? 20;
  const latencyMs = input.latencyMs ?? 50;
  const maxSeconds = input.maxSeconds ?? Math.max(60, (contacts / rate) * 4);

  const graph = await startFakeGraphApi({ igUserId: IG_USER, accessToken: TOKEN });
  const arrivals: number[] = [];
  let overBudget = 0;
  graph.fallback((key) => {
    const at = performance.now();
    arrivals.push(at);
    // Requests that arrived in the last second, this one included.
    let inWindow = 0;
    for (let i = arrivals.length - 1; i >= 0 && (arrivals[i] ?? 0) > at - 1000; i--) inWindow++;
    if (inWindow > rate) {
      overBudget++;
      return { status: 429, delayMs: latencyMs, body: graphError(4, "Application request limit reached") };
    }
    return {
      delayMs: latencyMs,
      body: discoveryBody({
        username: key,
        // Below the default tiers: no re-score follows, the bench measures enrichment alone.
        followers: 5_000,
        media: [{ id: `${key}-1`, likes: 300, comments: 12, timestamp: "2026-11-20T10:00:00+0000" }],
      }),
    };
  });

  const t = await createTestApp({ FUNIL_META_GRAPH_URL: graph.url });
  try {
    const connection = await t.request("POST", "/api/v1/connections", {
      body: {
        type: "meta",
        name: "bench",
        config: { appSecret: "bench-secret", verifyToken: "bench", accessToken: TOKEN, igUserId: IG_USER },
      },
    });
    if (connection.statusCode !== 201)
      throw new Error(`connection: ${connection.statusCode} ${connection.body}`);
    const workspace = await t.app.deps.db.selectFrom("workspaces").select("id").executeTakeFirstOrThrow();
    const now = t.app.deps.clock.now();
    for (let start = 0; start < contacts; start += 500) {
      const rows = Array.from({ length: Math.min(500, contacts - start) }, (_, i) => ({
        workspace_id: workspace.id,
        name: `Creator ${start + i}`,
        instagram: `creator.${start + i}`,
        custom: JSON.stringify({}),
        secondary: JSON.stringify({}),
        invalid: JSON.stringify({}),
        first_touch_at: now,
        last_touch_at: now,
        created_at: now,
        updated_at: now,
      }));
      await t.app.deps.db.insertInto("contacts").values(rows).execute();
    }
    // Enough contacts in flight to keep R requests per second going at this latency.
    replaceEnrichmentRuntime(t.app.deps, {
      ratePerSecond: rate,
      concurrency: Math.max(16, Math.ceil((rate * (latencyMs + 50)) / 1000) * 3),
    });

    const startedAt = performance.now();
    const deadline = startedAt + maxSeconds * 1000;
    const db = enrichmentDb(t.app.deps.db);
    let finished = 0;
    while (performance.now() < deadline) {
      await sweepEnrichment(t.app.deps, { maxContacts: contacts });
      await t.drain();
      const row = await db
        .selectFrom("contact_enrichments")
        .select((eb) => eb.fn.count<number>("contact_id").as("count"))
        .where("finished_at", "is not", null)
        .executeTakeFirstOrThrow();
      finished = Number(row.count);
      if (finished >= contacts) break;
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const enrichedRow = await db
      .selectFrom("contact_enrichments")
      .select((eb) => eb.fn.count<number>("contact_id").as("count"))
      .where("status", "=", "enriched")
      .executeTakeFirstOrThrow();
    const enriched = Number(enrichedRow.count);
    const value = Math.round((enriched / seconds) * 100) / 100;
    return {
      name: "enrichment.rate",
      value,
      unit: "contacts/s",
      baseline: rate,
      ratio: Math.round((value / rate) * 1000) / 1000,
      contacts,
      enriched,
      lost: contacts - enriched,
      overBudget,
      requests: arrivals.length,
      seconds: Math.round(seconds * 100) / 100,
      firstRequestSeconds: Math.round((arrivals[0] ?? startedAt) - startedAt) / 1000,
      lastRequestSeconds: Math.round((arrivals[arrivals.length - 1] ?? startedAt) - startedAt) / 1000,
    };
  } finally {
    await t.close();
    await graph.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const contacts = Number(process.argv[2] ?? 200);
  const rate = Number(process.argv[3] ?? 20);
  const result = await measureEnrichment({ contacts, ratePerSecond: rate });
  console.log(JSON.stringify(result));
}
