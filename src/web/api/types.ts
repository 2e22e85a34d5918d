import type { AuditView } from "../../audit/list-audit.ts";
import type { LoginResult } from "../../auth/login-user.ts";
import type { ConnectionView } from "../../capture/list-connections.ts";
import type { EventView } from "../../capture/list-events.ts";
import type { ContactDetailView, ContactView } from "../../contacts/get-contact.ts";
import type { SegmentView } from "../../contacts/manage-segments.ts";
import type { SORTS, TEMPERATURES } from "../../contacts/schemas.ts";
import type { DecisionResult as TriageDecisionResult } from "../../conversations/decide-triage.ts";
import type {
  TriageChannel as BackendTriageChannel,
  TriageStatus as BackendTriageStatus,
  DeliveryStatus,
  InteractionView,
  MessageChannel,
  TagEventView,
  TriageSenderView,
} from "../../conversations/schemas.ts";
import type { EnrichmentStats as BackendEnrichmentStats } from "../../enrichment/get-enrichment-stats.ts";
import type { LeadEnrichmentDetail } from "../../enrichment/get-lead-enrichment.ts";
import type { TierSettingsView as BackendTierSettingsView } from "../../enrichment/manage-tiers.ts";
import type { ImportView } from "../../imports/schemas.ts";
import type { Rule, RuleSet, RuleSetInput } from "../../scoring/schemas.ts";

// The API's JSON shapes, taken from the backend's own types so a contract change fails `tsc`.

export type Session = LoginResult;
export type Temperature = (typeof TEMPERATURES)[number];
export type LeadSort = (typeof SORTS)[number];
export type LeadSummary = ContactView;
export type LeadDetail = ContactDetailView;
export type AuditEntry = AuditView;
export type Segment = SegmentView;
export type InboxEvent = EventView;
export type ScoringRule = Rule;
export type ScoringRuleSetInput = RuleSetInput;
export type LeadEnrichment = LeadEnrichmentDetail;
export type EnrichmentStats = BackendEnrichmentStats;
export type TierSettingsView = BackendTierSettingsView;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface EventDetail extends InboxEvent {
  body: string | null;
  bodyBase64: string;
}

export interface ReplayResult extends InboxEvent {
  outcome: "processed" | "skipped" | "failed";
}

export interface UndoMergeResult {
  targetId: string;
  restoredId: string;
}

export interface RescoreProgress {
  version: number;
  total: number;
  current: number;
}

export interface ScoringRulesResponse extends RuleSet {
  rescore: RescoreProgress;
  defaults: RuleSetInput;
}

export type Connection = ConnectionView;
export type ImportJob = ImportView;

/** POST /api/v1/connections: the URL to configure in the source and, for generated secrets, the secret (once). */
export interface CreatedConnection {
  id: string;
  type: string;
  name: string;
  webhookUrl: string;
  secret?: string;
  [shownOnce: string]: string | undefined;
}

// Conversations: WhatsApp/Instagram triage, a lead's messages and Chatwoot label changes.

export type TriageChannel = BackendTriageChannel;
export type TriageStatus = BackendTriageStatus;
export type TriageDecision = "accept" | "decline";
export type TriageSender = TriageSenderView;
export type TriageCounts = Record<TriageStatus, number>;

/** GET /api/v1/triage: a page of senders and how many there are in each status. */
export interface TriagePage extends Page<TriageSender> {
  counts: TriageCounts;
}

export type InteractionChannel = MessageChannel;
export type InteractionStatus = DeliveryStatus;
export type Interaction = InteractionView;

/** GET /api/v1/triage/{id}: the sender and its messages, oldest first. */
export interface TriageSenderDetail extends TriageSender {
  messages: Interaction[];
}

export interface TriageAcceptResult {
  sender: TriageSender;
  contactId: string;
}

export interface TriageDeclineResult {
  sender: TriageSender;
}

export interface TriageDecideResult {
  results: TriageDecisionResult[];
}

/** A Chatwoot label added to or removed from a conversation. */
export type TagEvent = TagEventView;

// Outbound prospecting: sources, their runs and the candidates a run found.

export type {
  CandidateOutcome as OutboundCandidateOutcome,
  CandidateView as OutboundCandidate,
  RunView as OutboundRun,
  Schedule as OutboundSchedule,
  SourceKind as OutboundSourceKind,
  SourceView as OutboundSource,
} from "../../outbound/schemas.ts";

// Meta Ad Library capture: settings, runs (weekly or on demand) and the advertisers found.

export type {
  AdvertiserView as AdLibraryAdvertiser,
  RunStatus as AdLibraryRunStatus,
  RunView as AdLibraryRun,
  SettingsView as AdLibrarySettings,
} from "../../ad-library/schemas.ts";
