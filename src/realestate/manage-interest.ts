import type { Selectable } from "kysely";
import { diffFields, recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import { assertContact } from "../contacts/assert-contact.ts";
import type { Deps } from "../deps.ts";
import { type ContactInterestsTable, type Interest, type InterestView, realEstateDb } from "./schemas.ts";

/** The interest as the API names it (what the audit keeps, before and after). */
function interestFacts(row: Selectable<ContactInterestsTable>): Interest {
  return {
    purpose: row.purpose,
    kinds: row.kinds,
    priceMin: row.price_min === null ? null : Number(row.price_min),
    priceMax: row.price_max === null ? null : Number(row.price_max),
    bedroomsMin: row.bedrooms_min,
    cities: row.cities,
    neighborhoods: row.neighborhoods,
    notes: row.notes,
  };
}

export function interestView(row: Selectable<ContactInterestsTable>): InterestView {
  return { contactId: row.contact_id, ...interestFacts(row), updatedAt: row.updated_at.toISOString() };
}

/** What a lead looks for (null: nothing said yet). */
export async function getInterest(
  deps: Deps,
  input: { workspaceId: string; contactId: string },
): Promise<InterestView | null> {
  await assertContact(deps, input.workspaceId, input.contactId);
  const row = await realEstateDb(deps.db)
    .selectFrom("contact_interests")
    .selectAll()
    .where("contact_id", "=", input.contactId)
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  return row ? interestView(row) : null;
}

const unique = (values: string[]) => {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value.toLocaleLowerCase("pt-BR");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** Sets (replaces) a lead's interest; the change is in the lead's audit with before and after. */
export async function setInterest(
  deps: Deps,
  input: { workspaceId: string; contactId: string; actor: Actor; interest: Interest },
): Promise<InterestView> {
  await assertContact(deps, input.workspaceId, input.contactId);
  const interest: Interest = {
    ...input.interest,
    kinds: [...new Set(input.interest.kinds)],
    cities: unique(input.interest.cities),
    neighborhoods: unique(input.interest.neighborhoods),
  };
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const catalog = realEstateDb(trx);
    const previous = await catalog
      .selectFrom("contact_interests")
      .selectAll()
      .where("contact_id", "=", input.contactId)
      .forUpdate()
      .executeTakeFirst();
    const columns = {
      purpose: interest.purpose,
      kinds: interest.kinds,
      price_min: interest.priceMin,
      price_max: interest.priceMax,
      bedrooms_min: interest.bedroomsMin,
      cities: interest.cities,
      neighborhoods: interest.neighborhoods,
      notes: interest.notes,
      updated_at: now,
    };
    const saved = await catalog
      .insertInto("contact_interests")
      .values({ contact_id: input.contactId, workspace_id: input.workspaceId, ...columns, created_at: now })
      .onConflict((conflict) => conflict.column("contact_id").doUpdateSet(columns))
      .returningAll()
      .executeTakeFirstOrThrow();
    const diff = previous ? diffFields(interestFacts(previous), interest) : { before: null, after: interest };
    if (diff) {
      await recordAudit(trx, {
        workspaceId: input.workspaceId,
        entityType: "contact",
        entityId: input.contactId,
        action: "contact.interest_set",
        actor: input.actor,
        ...diff,
        at: now,
      });
    }
    return interestView(saved);
  });
}
