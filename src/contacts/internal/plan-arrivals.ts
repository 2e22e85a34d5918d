import { randomUUID } from "node:crypto";
import type { AuditEntry } from "../../audit/record-audit.ts";
import type { Actor } from "../../auth/schemas.ts";
import type { ContactRow } from "../../platform/db/schema.ts";
import type { IdentityKind, NormalizedLead } from "../normalize-lead.ts";
import { planNewContact } from "../plan-new-contact.ts";
import {
  earliest,
  latest,
  type MergeTarget,
  mergeStateFields,
  snapshot,
  toMergeState,
  touchRow,
} from "./contact-store.ts";
import { mergeFields } from "./merge-fields.ts";

/** A lead reaching a workspace: what upserting it needs to know. */
export interface Arrival {
  workspaceId: string;
  lead: NormalizedLead;
  actor: Actor;
  at: Date;
  /** The inbox event this lead came from, if any: a touch is recorded once per event. */
  eventId: string | null;
  /** The event is being processed for the first time (no touch can exist for it yet). */
  isFirstDelivery: boolean;
}

/** What one arrival did, and the contact right after it. */
export interface ArrivalOutcome {
  outcome: "created" | "merged";
  contact: ContactRow;
  /** Every identity key of the contact after the arrival, oldest first. */
  identities: { kind: string; value: string }[];
  /** The sources of the contact's touches, earliest first. */
  sources: string[];
  /** The contact did not exist before this plan (so it has no stored score). */
  isNewContact: boolean;
}

export interface ContactMergeRow {
  id: string;
  workspace_id: string;
  target_id: string;
  source_id: null;
  touch_id: string;
  target_before: Record<string, unknown>;
  target_after: Record<string, unknown>;
  moved_identities: { kind: string; value: string }[];
  actor: Actor;
  at: Date;
}

export type TouchRow = ReturnType<typeof touchRow> & { id: string };

/** Everything a set of arrivals writes, computed in memory, in the arrivals' order. */
export interface ArrivalPlan {
  outcomes: ArrivalOutcome[];
  /** New contacts, in their state after the last arrival. */
  created: ContactRow[];
  /** Existing contacts that changed, in their state after the last arrival. */
  updated: ContactRow[];
  identities: { workspace_id: string; kind: string; value: string; contact_id: string }[];
  touches: TouchRow[];
  merges: ContactMergeRow[];
  audit: AuditEntry[];
}

export const MATCH_PRIORITY: IdentityKind[] = ["email", "phone", "instagram", "instagram_id"];

export const identityKey = (workspaceId: string, kind: string, value: string) =>
  `${workspaceId}\u0000${kind}\u0000${value}`;

/** Raised when a concurrent writer claimed an identity or a contact first: retry the transaction. */
export class IdentityRaceError extends Error {
  readonly isRetryable = true;
  constructor() {
    super("identity claimed concurrently");
  }
}

interface ContactState extends MergeTarget {
  isNew: boolean;
}

/**
 * One person per workspace, for many arrivals at once and in their order, in memory: an arrival
 * whose e-mail, phone or Instagram key (in that priority) is owned — by a stored contact or by one an
 * earlier arrival created — merges into that contact (an empty value never overwrites a filled one,
 * a conflicting value is kept as secondary, keys nobody owns are added); otherwise it is a new
 * contact. Every arrival gets its touch (once per event), every merge an undoable merge record, and
 * every change its audit entry (before/after). Nothing is written here: see upsert-contact.ts.
 *
 * `owners` maps identity keys (identityKey) to the stored contacts owning them, `targets` holds
 * those contacts (locked), `seenTouches` the `eventId\0contactId` pairs that already have a touch.
 */
export function planArrivals(
  arrivals: Arrival[],
  known: {
    owners: Map<string, string>;
    targets: Map<string, MergeTarget>;
    seenTouches?: Set<string>;
  },
): ArrivalPlan {
  const owners = new Map(known.owners);
  const states = new Map<string, ContactState>();
  const plan: ArrivalPlan = {
    outcomes: [],
    created: [],
    updated: [],
    identities: [],
    touches: [],
    merges: [],
    audit: [],
  };
  const stateOf = (contactId: string): ContactState => {
    const cached = states.get(contactId);
    if (cached) return cached;
    const target = known.targets.get(contactId);
    // Owned by a contact that is gone or was merged away since the owners were read.
    if (!target || target.row.merged_into !== null) throw new IdentityRaceError();
    const state: ContactState = {
      row: target.row,
      identities: [...target.identities],
      sources: [...target.sources],
      isNew: false,
    };
    states.set(contactId, state);
    return state;
  };

  for (const arrival of arrivals) {
    const { workspaceId, lead, at } = arrival;
    const ownerOf = (kind: string, value: string) => owners.get(identityKey(workspaceId, kind, value));
    const targetId = MATCH_PRIORITY.map((kind) => {
      const identity = lead.identities.find((candidate) => candidate.kind === kind);
      return identity ? ownerOf(identity.kind, identity.value) : undefined;
    }).find(Boolean);

    if (!targetId) {
      const planned = planNewContact(arrival);
      const contact = planned.contact;
      for (const identity of planned.identities) {
        owners.set(identityKey(workspaceId, identity.kind, identity.value), contact.id);
        plan.identities.push({
          workspace_id: workspaceId,
          kind: identity.kind,
          value: identity.value,
          contact_id: contact.id,
        });
      }
      const state: ContactState = {
        row: contact,
        identities: planned.identities.map(({ kind, value }) => ({ kind, value })),
        sources: [{ source: lead.source, firstAt: at }],
        isNew: true,
      };
      states.set(contact.id, state);
      plan.touches.push({
        id: randomUUID(),
        ...touchRow({ workspaceId, contactId: contact.id, lead, at, eventId: arrival.eventId }),
      });
      plan.audit.push({
        workspaceId,
        entityType: "contact",
        entityId: contact.id,
        action: "create",
        actor: arrival.actor,
        before: null,
        after: { ...snapshot(contact), source: lead.source },
        at,
      });
      plan.outcomes.push({
        outcome: "created",
        contact,
        identities: state.identities,
        sources: [lead.source],
        isNewContact: true,
      });
      continue;
    }

    const state = stateOf(targetId);
    const current = state.row;
    const before = snapshot(current);
    const merged = mergeFields(toMergeState(current), {
      fields: lead.fields,
      custom: lead.custom,
      invalid: lead.invalid,
    });
    // Keys nobody owns join the contact; keys owned by someone else stay theirs.
    const added = lead.identities
      .filter((identity) => ownerOf(identity.kind, identity.value) === undefined)
      .map(({ kind, value }) => ({ kind, value }));
    for (const identity of added) {
      owners.set(identityKey(workspaceId, identity.kind, identity.value), targetId);
      plan.identities.push({ workspace_id: workspaceId, ...identity, contact_id: targetId });
    }
    const isRevived = current.deleted_at !== null;
    const updated: ContactRow = {
      ...current,
      ...mergeStateFields(merged),
      last_source: lead.source,
      last_touch_at: latest(at, current.last_touch_at),
      first_touch_at: earliest(at, current.first_touch_at),
      updated_at: at,
      deleted_at: null,
    };
    const after = snapshot(updated);
    state.row = updated;
    state.identities = [...state.identities, ...added];

    const seen =
      arrival.eventId !== null &&
      !arrival.isFirstDelivery &&
      (known.seenTouches?.has(`${arrival.eventId}\u0000${targetId}`) ?? false);
    if (!seen) {
      const touchId = randomUUID();
      plan.touches.push({
        id: touchId,
        ...touchRow({ workspaceId, contactId: targetId, lead, at, eventId: arrival.eventId }),
      });
      plan.merges.push({
        id: randomUUID(),
        workspace_id: workspaceId,
        target_id: targetId,
        source_id: null,
        touch_id: touchId,
        target_before: before,
        target_after: after,
        moved_identities: added,
        actor: arrival.actor,
        at,
      });
      const known = state.sources.find((item) => item.source === lead.source);
      if (!known) state.sources = [...state.sources, { source: lead.source, firstAt: at }];
      else if (at.getTime() < known.firstAt.getTime()) {
        state.sources = state.sources.map((item) =>
          item === known ? { source: item.source, firstAt: at } : item,
        );
      }
      state.sources.sort((a, b) => a.firstAt.getTime() - b.firstAt.getTime());
    }
    if (isRevived) {
      plan.audit.push({
        workspaceId,
        entityType: "contact",
        entityId: targetId,
        action: "restore",
        actor: arrival.actor,
        before: { deletedAt: current.deleted_at?.toISOString() ?? null },
        after: { deletedAt: null, reason: "new touch" },
        at,
      });
    }
    plan.audit.push({
      workspaceId,
      entityType: "contact",
      entityId: targetId,
      action: "merge",
      actor: arrival.actor,
      before,
      after: { ...after, source: lead.source, addedIdentities: added },
      at,
    });
    plan.outcomes.push({
      outcome: "merged",
      contact: updated,
      identities: state.identities,
      sources: state.sources.map((item) => item.source),
      isNewContact: state.isNew,
    });
  }

  for (const state of states.values()) (state.isNew ? plan.created : plan.updated).push(state.row);
  return plan;
}
