import { emitAutomationEvent } from "../automation/emit-automation-event.ts";
import type { Deps } from "../deps.ts";
import { getRuleSet } from "./get-rule-set.ts";
import { scoreContact } from "./score-contact.ts";

const BATCH = 200;

/**
 * Re-scores one contact (after a merge, an edit…); a new temperature is an automation event (not so
 * for a whole workspace re-scored after a rule change: that is no news about the person). Safe to run
 * twice.
 */
export async function rescoreContact(deps: Deps, input: { contactId: string }): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const contact = await trx
      .selectFrom("contacts")
      .selectAll()
      .where("id", "=", input.contactId)
      .executeTakeFirst();
    if (!contact) return;
    const at = deps.clock.now();
    const result = await scoreContact(trx, { contact, at });
    if (result.previousTemperature !== result.temperature && !contact.deleted_at) {
      await emitAutomationEvent(trx, {
        workspaceId: contact.workspace_id,
        event: "lead.temperature_changed",
        contactId: contact.id,
        key: `lead:${contact.id}:temperature:${result.temperature}:${at.toISOString()}`,
        data: { temperature: result.temperature, previous: result.previousTemperature, score: result.score },
      });
    }
  });
}

/**
 * Re-scores every contact of a workspace whose score is from an older rule-set version, in short
 * batched transactions (the embedded database shares one connection with the API). Resumable and
 * idempotent: a second run finds nothing left to do.
 */
export async function rescoreWorkspace(deps: Deps, input: { workspaceId: string }): Promise<number> {
  let done = 0;
  for (;;) {
    const ruleSet = await getRuleSet(deps.db, input.workspaceId);
    const batch = await deps.db.transaction().execute(async (trx) => {
      const contacts = await trx
        .selectFrom("contacts")
        .leftJoin("contact_scores", "contact_scores.contact_id", "contacts.id")
        .selectAll("contacts")
        .where("contacts.workspace_id", "=", input.workspaceId)
        .where((eb) =>
          eb.or([
            eb("contact_scores.rule_set_version", "is", null),
            eb("contact_scores.rule_set_version", "<", ruleSet.version),
          ]),
        )
        .orderBy("contacts.id")
        .limit(BATCH)
        .forUpdate("contacts")
        .skipLocked()
        .execute();
      const at = deps.clock.now();
      for (const contact of contacts) await scoreContact(trx, { contact, at });
      return contacts.length;
    });
    done += batch;
    if (batch < BATCH) return done;
  }
}
