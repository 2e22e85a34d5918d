-- Outgoing partner webhooks (Standard Webhooks): endpoints a workspace registers and one delivery row
-- per event and endpoint, with its attempts. A delivery is written in the transaction of the change
-- that caused it, its send job through the outbox; retries are due at next_attempt_at (ADR 0023).
create table webhook_endpoints (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  url text not null,
  description text not null default '',
  -- The event types it receives; empty means every type.
  event_types text[] not null default '{}',
  -- `whsec_…`, sealed with platform/crypto/secret-box.ts (ADR 0013); shown once on create and rotate.
  secret text not null,
  -- After a rotation the old secret also signs, until previous_secret_until.
  previous_secret text,
  previous_secret_until timestamptz,
  enabled boolean not null default true,
  -- Why it was switched off by the system (`failing`), null when on or switched off by a person.
  disabled_reason text,
  -- Deliveries in a row that ended without success (failed or exhausted); reset by a success.
  consecutive_failures integer not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  deleted_at timestamptz
);
create index webhook_endpoints_list on webhook_endpoints (workspace_id, created_at desc, id desc)
  where deleted_at is null;

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
  -- `msg_…`: the webhook-id header, one per event (the same for every endpoint and every attempt).
  event_id text not null,
  event_type text not null,
  -- The body sent: {type, timestamp, data}.
  payload jsonb not null,
  -- pending: an attempt is due at next_attempt_at; succeeded: a 2xx; failed: refused for good (a 4xx
  -- other than 408/429, or a URL the guard refuses); exhausted: every scheduled attempt failed.
  status text not null default 'pending'
    check (status in ('pending', 'succeeded', 'failed', 'exhausted')),
  attempts integer not null default 0,
  last_status integer,
  last_error text,
  response_excerpt text,
  next_attempt_at timestamptz,
  -- A send job is waiting for it (the sweep leaves it alone until this lease runs out).
  queued_at timestamptz,
  -- An attempt is in flight (a second job skips it until this runs out).
  locked_until timestamptz,
  last_attempt_at timestamptz,
  succeeded_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (endpoint_id, event_id)
);
create index webhook_deliveries_log on webhook_deliveries (endpoint_id, created_at desc, id desc);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
