-- Foundation: workspaces, users, auth, contacts (the historical base), audit, scoring, event inbox, outbox.
-- Forward-only. Never edit a migration that has shipped; add a new file.

-- Instance-wide settings (e.g. the generated JWT signing key when none is configured).
create table instance_settings (
  key text primary key,
  value text not null
);

create table workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  is_default boolean not null default false,
  created_at timestamptz not null default now()
);
create unique index workspaces_one_default on workspaces (is_default) where is_default;

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique,
  name text,
  password_hash text not null,
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);

create table memberships (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('admin', 'manager', 'sales', 'cs', 'viewer')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
create index memberships_user on memberships (user_id);

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null,
  prefix text not null,
  key_hash text not null unique,
  role text not null check (role in ('admin', 'manager', 'sales', 'cs', 'viewer')),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_workspace on api_keys (workspace_id);

-- One row per person per workspace.
create table contacts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text,
  email text,
  phone text,
  instagram text,
  city text,
  interest text,
  income double precision,
  custom jsonb not null default '{}',
  -- values that conflicted with the primary ones on merge: {"name": ["..."], "city": ["..."]}
  secondary jsonb not null default '{}',
  -- raw values we could not normalise: {"email": "not-an-email"}
  invalid jsonb not null default '{}',
  tags text[] not null default '{}',
  owner_id uuid references users (id) on delete set null,
  first_source text,
  last_source text,
  first_touch_at timestamptz not null default now(),
  last_touch_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  merged_into uuid references contacts (id)
);
create index contacts_list on contacts (workspace_id, created_at desc, id desc) where deleted_at is null;
create index contacts_city on contacts (workspace_id, lower(city)) where deleted_at is null;
create index contacts_first_source on contacts (workspace_id, first_source) where deleted_at is null;
create index contacts_owner on contacts (workspace_id, owner_id) where deleted_at is null;
create index contacts_tags on contacts using gin (tags);

-- Identity keys that make two records the same person. Unique per workspace.
create table contact_identities (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  kind text not null check (kind in ('email', 'phone', 'instagram')),
  value text not null,
  contact_id uuid not null references contacts (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (workspace_id, kind, value)
);
create index contact_identities_contact on contact_identities (contact_id);

-- Every time a person reached us: source, UTMs, the fields it carried.
create table contact_touches (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  contact_id uuid not null references contacts (id) on delete cascade,
  source text not null,
  utm_source text,
  utm_medium text,
  utm_campaign text,
  event_id uuid,
  fields jsonb not null default '{}',
  at timestamptz not null default now()
);
create index contact_touches_contact on contact_touches (contact_id, at);
create index contact_touches_source on contact_touches (workspace_id, source);

-- A merge, kept so it can be undone.
create table contact_merges (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  target_id uuid not null references contacts (id) on delete cascade,
  -- the contact folded into target (manual merge), or null when a new touch merged in
  source_id uuid references contacts (id) on delete cascade,
  touch_id uuid references contact_touches (id) on delete set null,
  target_before jsonb not null,
  target_after jsonb not null,
  moved_identities jsonb not null default '[]',
  moved_touch_ids uuid[] not null default '{}',
  actor jsonb not null,
  at timestamptz not null default now(),
  undone_at timestamptz
);
create index contact_merges_target on contact_merges (target_id, at desc);

create table segments (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null,
  filters jsonb not null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index segments_workspace on segments (workspace_id);

create table audit_log (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  entity_type text not null,
  entity_id uuid not null,
  action text not null,
  actor_type text not null check (actor_type in ('user', 'api_key', 'integration', 'automation', 'system')),
  actor_id text,
  actor_label text,
  before jsonb,
  after jsonb,
  at timestamptz not null default now()
);
create index audit_log_entity on audit_log (workspace_id, entity_type, entity_id, id);
create index audit_log_at on audit_log (at);

create table scoring_rule_sets (
  workspace_id uuid primary key references workspaces (id) on delete cascade,
  version integer not null default 1,
  rules jsonb not null,
  hot_threshold integer not null default 25,
  warm_threshold integer not null default 15,
  updated_at timestamptz not null default now(),
  updated_by text
);

-- The current score of each contact (owned by scoring).
create table contact_scores (
  contact_id uuid primary key references contacts (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  score integer not null,
  temperature text not null check (temperature in ('hot', 'warm', 'cold')),
  reasons jsonb not null,
  rule_set_version integer not null,
  scored_at timestamptz not null
);
create index contact_scores_temperature on contact_scores (workspace_id, temperature);
create index contact_scores_score on contact_scores (workspace_id, score desc);

create table score_history (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  contact_id uuid not null references contacts (id) on delete cascade,
  score integer not null,
  temperature text not null,
  reasons jsonb not null,
  rule_set_version integer not null,
  at timestamptz not null default now()
);
create index score_history_contact on score_history (contact_id, id);

-- Where inbound webhooks come from (one row per configured source).
create table connections (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  type text not null,
  name text not null,
  config jsonb not null,
  token text not null unique,
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);
create index connections_workspace on connections (workspace_id);

-- The event inbox: every inbound payload, raw, stored before it is acknowledged.
create table inbox_events (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  connection_id uuid references connections (id) on delete set null,
  source text not null,
  idempotency_key text not null,
  content_type text,
  headers jsonb not null default '{}',
  body bytea not null,
  status text not null default 'received' check (status in ('received', 'processed', 'failed')),
  attempts integer not null default 0,
  error text,
  contact_id uuid references contacts (id) on delete set null,
  received_at timestamptz not null default now(),
  processed_at timestamptz
);
create unique index inbox_events_idempotency on inbox_events (workspace_id, source, idempotency_key);
create index inbox_events_list on inbox_events (workspace_id, received_at desc, id desc);
create index inbox_events_status on inbox_events (workspace_id, status, received_at desc);

-- Transactional outbox: written in the same transaction as the change that causes the work,
-- moved to the job queue in batches by the relay.
create table outbox (
  id bigint generated always as identity primary key,
  queue text not null,
  payload jsonb not null,
  singleton_key text,
  created_at timestamptz not null default now()
);
