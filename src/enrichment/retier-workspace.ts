import type { Deps } from "../deps.ts";
import { enqueueMany } from "../platform/queue/queue.ts";
import { SCORE_CONTACT_JOB } from "../scoring/schemas.ts";
import { decideTier } from "./decide-tier.ts";
import { getTierSettings } from "./manage-tiers.ts";
import { enrichmentDb } from "./schemas.ts";

const BATCH = 200;

/**
 * After the tier thresholds change: every enriched contact of the workspace gets its tier again, in
 * short batches; a contact whose tier changed is re-scored (enqueued with the change). Idempotent.
 */
export async function retierWorkspace(deps: Deps, input: { workspaceId: string }): Promise<number> {
  let after = "00000000-0000-0000-0000-000000000000";
  let changed = 0;
  for (;;) {
    const result = await deps.db.transaction().execute(async (trx) => {
      const db = enrichmentDb(trx);
      const settings = await getTierSettings(trx, input.workspaceId);
      const states = await db
        .selectFrom("contact_enrichments")
        .select(["contact_id", "tier"])
        .where("workspace_id", "=", input.workspaceId)
        .where("contact_id", ">", after)
        .orderBy("contact_id")
        .limit(BATCH)
        .execute();
      if (states.length === 0) return { count: 0, last: after, changed: 0 };
      const fields = await db
        .selectFrom("contact_enrichment_fields")
        .select(["contact_id", "network", "field", "value"])
        .where(
          "contact_id",
          "in",
          states.map((state) => state.contact_id),
        )
        .where("field", "in", ["followers", "engagementRate", "subscribers"])
        .execute();
      const rescore: string[] = [];
      for (const state of states) {
        const mine = fields.filter((row) => row.contact_id === state.contact_id);
        const number = (network: string, field: string) => {
          const value = mine.find((row) => row.network === network && row.field === field)?.value;
          return typeof value === "number" ? value : null;
        };
        const tier = decideTier(settings, {
          followers: number("instagram", "followers"),
          engagementRate: number("instagram", "engagementRate"),
          subscribers: number("youtube", "subscribers"),
        });
        if (tier === state.tier) continue;
        await db
          .updateTable("contact_enrichments")
          .set({ tier })
          .where("contact_id", "=", state.contact_id)
          .execute();
        rescore.push(state.contact_id);
      }
      await enqueueMany(
        trx,
        rescore.map((contactId) => ({ queue: SCORE_CONTACT_JOB, payload: { contactId } })),
      );
      return {
        count: states.length,
        last: states[states.length - 1]?.contact_id ?? after,
        changed: rescore.length,
      };
    });
    changed += result.changed;
    after = result.last;
    if (result.count < BATCH) return changed;
  }
}
