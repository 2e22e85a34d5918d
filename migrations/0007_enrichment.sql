-- Enrichment (creator discovery): what providers (Instagram business discovery, YouTube channel
-- statistics, later paid ones) said about a contact, with per-field provenance, per-provider outcome,
-- the contact's creator tier, and the workspace's tier thresholds. Written by the enrichment capability.

-- One row per contact ever considered: the overall outcome, the sweep's bookkeeping and the tier.
create table contact_enrichments (
  contact_id uuid primary key references contacts (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  -- pending (never run) | enriched | partial | failed | skipped | not_business_account
  status text not null default 'pending'
    check (status in ('pending', 'enriched', 'partial', 'failed', 'skipped', 'not_business_account')),
  -- the reason of the last failure or skip (a closed code: not_business_account, throttled, timeout, …)
  error_code text,
  tier text,
  attempts integer not null default 0,
  -- set when a job is enqueued (the sweep leaves the row alone for a while), cleared when it ran
  queued_at timestamptz,
  -- an explicit request (API, bulk): the next run ignores freshness; the job naming this request id
  -- runs once (a repeat, or a job for an older request, finds it cleared and does nothing)
  requested_at timestamptz,
  request_id uuid,
  -- hash of the handles the last run looked up: an edit that changes none of them costs no request
  subject_key text,
  started_at timestamptz,
  finished_at timestamptz,
  duration_ms integer,
  -- last run that met the minimum-data rule
  enriched_at timestamptz,
  -- when the sweep runs it again (freshness, or the end of a throttling pause)
  next_due_at timestamptz,
  -- contacts.updated_at as seen by the last run: a later edit makes the contact due again
  contact_version timestamptz,
  updated_at timestamptz not null default now()
);
create index contact_enrichments_workspace on contact_enrichments (workspace_id, status);
create index contact_enrichments_due on contact_enrichments (next_due_at);

-- One row per contact and provider: the provider's last outcome there.
create table contact_enrichment_providers (
  contact_id uuid not null references contacts (id) on delete cascade,
  provider text not null,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  network text not null,
  -- enriched | partial | failed | skipped | not_business_account
  status text not null,
  error_code text,
  -- a short, safe description (never the handle, the bio or a token)
  error_message text,
  attempts integer not null default 0,
  duration_ms integer,
  fetched_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (contact_id, provider)
);
create index contact_enrichment_providers_workspace on contact_enrichment_providers (workspace_id, provider);

-- One row per contact, network and field: the value, who said it, when, and what it was before parsing.
create table contact_enrichment_fields (
  contact_id uuid not null references contacts (id) on delete cascade,
  network text not null,
  field text not null,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  value jsonb,
  raw jsonb,
  provider text not null,
  fetched_at timestamptz not null,
  primary key (contact_id, network, field)
);

-- The workspace's creator tiers (thresholds on followers and engagement).
create table enrichment_settings (
  workspace_id uuid primary key references workspaces (id) on delete cascade,
  version integer not null default 1,
  tiers jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by text
);
