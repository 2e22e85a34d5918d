import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** Table types, kept in step with migrations/*.sql by hand (a test checks the columns exist). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | T | undefined, string | T>;
type Role = "admin" | "manager" | "sales" | "cs" | "viewer" | "client";

export interface WorkspacesTable {
  id: Generated<string>;
  name: string;
  is_default: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string | null;
  password_hash: string;
  created_at: Generated<Date>;
  disabled_at: NullableTimestamp;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: Role;
  created_at: Generated<Date>;
}

export interface ApiKeysTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  role: Role;
  created_by: string | null;
  created_at: Generated<Date>;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface ContactsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  instagram: string | null;
  city: string | null;
  interest: string | null;
  income: number | null;
  custom: Json<Record<string, unknown>>;
  secondary: Json<Record<string, string[]>>;
  invalid: Json<Record<string, string>>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  owner_id: string | null;
  first_source: string | null;
  last_source: string | null;
  first_touch_at: Timestamp;
  last_touch_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
  merged_into: string | null;
}

export interface ScoreReason {
  rule: string;
  label: string;
  points: number;
}

export interface ContactIdentitiesTable {
  workspace_id: string;
  kind: "email" | "phone" | "instagram" | "instagram_id";
  value: string;
  contact_id: string;
  created_at: Generated<Date>;
}

export interface ContactTouchesTable {
  id: Generated<string>;
  workspace_id: string;
  contact_id: string;
  source: string;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  event_id: string | null;
  fields: Json<Record<string, unknown>>;
  at: Timestamp;
}

export interface ContactMergesTable {
  id: Generated<string>;
  workspace_id: string;
  target_id: string;
  source_id: string | null;
  touch_id: string | null;
  target_before: Json<Record<string, unknown>>;
  target_after: Json<Record<string, unknown>>;
  moved_identities: Json<{ kind: string; value: string }[]>;
  moved_touch_ids: ColumnType<string[], string[] | undefined, string[]>;
  actor: Json<Record<string, unknown>>;
  at: Timestamp;
  undone_at: NullableTimestamp;
}

export interface SegmentsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  filters: Json<Record<string, unknown>>;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<number>;
  workspace_id: string;
  entity_type: string;
  entity_id: string;
  action: string;
  actor_type: "user" | "api_key" | "integration" | "automation" | "system";
  actor_id: string | null;
  actor_label: string | null;
  before: Json<Record<string, unknown> | null>;
  after: Json<Record<string, unknown> | null>;
  at: Timestamp;
}

export interface ScoringRuleSetsTable {
  workspace_id: string;
  version: Generated<number>;
  rules: Json<unknown[]>;
  hot_threshold: Generated<number>;
  warm_threshold: Generated<number>;
  updated_at: Timestamp;
  updated_by: string | null;
}

export type Temperature = "hot" | "warm" | "cold";

export interface ContactScoresTable {
  contact_id: string;
  workspace_id: string;
  score: number;
  temperature: Temperature;
  reasons: Json<ScoreReason[]>;
  rule_set_version: number;
  scored_at: Timestamp;
}

export interface InstanceSettingsTable {
  key: string;
  value: string;
}

export interface ScoreHistoryTable {
  id: Generated<number>;
  workspace_id: string;
  contact_id: string;
  score: number;
  temperature: string;
  reasons: Json<ScoreReason[]>;
  rule_set_version: number;
  at: Timestamp;
}

export interface ConnectionsTable {
  id: Generated<string>;
  workspace_id: string;
  type: string;
  name: string;
  config: Json<Record<string, unknown>>;
  token: string;
  created_at: Generated<Date>;
  disabled_at: NullableTimestamp;
  silent_after_hours: ColumnType<number | null, number | null | undefined, number | null>;
  rejected_count: Generated<number>;
  last_rejected_at: NullableTimestamp;
}

export interface InboxEventsTable {
  id: Generated<string>;
  workspace_id: string;
  connection_id: string | null;
  source: string;
  idempotency_key: string;
  content_type: string | null;
  headers: Json<Record<string, string>>;
  body: ColumnType<Uint8Array, Uint8Array, Uint8Array>;
  status: Generated<"received" | "processed" | "failed">;
  attempts: Generated<number>;
  error: string | null;
  contact_id: string | null;
  received_at: Timestamp;
  processed_at: NullableTimestamp;
}

export interface OutboxTable {
  id: Generated<number>;
  queue: string;
  payload: Json<Record<string, unknown>>;
  singleton_key: string | null;
  created_at: Generated<Date>;
}

export interface DB {
  workspaces: WorkspacesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_keys: ApiKeysTable;
  contacts: ContactsTable;
  contact_identities: ContactIdentitiesTable;
  contact_touches: ContactTouchesTable;
  contact_merges: ContactMergesTable;
  segments: SegmentsTable;
  audit_log: AuditLogTable;
  scoring_rule_sets: ScoringRuleSetsTable;
  score_history: ScoreHistoryTable;
  contact_scores: ContactScoresTable;
  instance_settings: InstanceSettingsTable;
  connections: ConnectionsTable;
  inbox_events: InboxEventsTable;
  outbox: OutboxTable;
}

export type ContactRow = Selectable<ContactsTable>;
export type NewContact = Insertable<ContactsTable>;
export type ContactUpdate = Updateable<ContactsTable>;
export type InboxEventRow = Selectable<InboxEventsTable>;
