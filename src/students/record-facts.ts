import type { Deps } from "../deps.ts";
import { recordClubEvent } from "./record-club-event.ts";
import { recordPurchase } from "./record-purchase.ts";
import type { SourceFacts } from "./schemas.ts";

/** Records what an inbox event says beyond the person, for the contact it resolved to. */
export async function recordFacts(
  deps: Deps,
  input: { workspaceId: string; contactId: string; eventId: string; facts: SourceFacts },
): Promise<void> {
  const { facts, ...rest } = input;
  if (facts.kind === "purchase") await recordPurchase(deps, { ...rest, fact: facts });
  else await recordClubEvent(deps, { workspaceId: rest.workspaceId, contactId: rest.contactId, fact: facts });
}
