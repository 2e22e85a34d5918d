-- Automation with a human in the loop (ADR 0027): rules (trigger + conditions + actions, mode suggest
-- or auto), their runs, the dispatch queue people review, message templates, the consent ledger and
-- tracked links. Written by src/automation.

-- A message a rule sends: per workspace, optionally per product (the product's own wins).
create table message_templates (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  product_id uuid references products (id) on delete cascade,
  -- what it is for: welcome, access_rescue, stalled, congratulation, nurture, hot_lead, …
  purpose text not null,
  channel text not null check (channel in ('whatsapp', 'email', 'slack')),
  -- transactional (about a purchase: welcome, access help, progress) or marketing (needs an opt-in)
  category text not null default 'transactional' check (category in ('transactional', 'marketing')),
  -- WhatsApp: the approved Meta template's name and language; the body below is its text with
  -- {{variables}}, rendered for the preview and sent as the template's body parameters in order.
  whatsapp_name text,
  language text not null default 'pt_BR',
  subject text,
  body text not null,
  -- e-mail: a file in the data folder attached to every message (the nurture PDF)
  attachment_path text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index message_templates_key
  on message_templates (workspace_id, purpose, channel, coalesce(product_id, '00000000-0000-0000-0000-000000000000'));

create table automation_rules (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  -- the built-in rule this is (seeded in every workspace), null for one a person made
  builtin text,
  name text not null,
  trigger_kind text not null check (trigger_kind in ('event', 'schedule')),
  -- event: lead.created, purchase.approved, …; schedule: the saved query it runs (access_rescue, …)
  trigger_event text,
  schedule_query text,
  -- cron (in the workspace's time zone) of a scheduled rule
  schedule_cron text,
  conditions jsonb not null default '[]',
  actions jsonb not null,
  mode text not null default 'suggest' check (mode in ('suggest', 'auto')),
  enabled boolean not null default true,
  last_run_at timestamptz,
  next_run_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  check ((trigger_kind = 'event') = (trigger_event is not null)),
  check ((trigger_kind = 'schedule') = (schedule_query is not null and schedule_cron is not null))
);
create unique index automation_rules_builtin on automation_rules (workspace_id, builtin) where builtin is not null;
create index automation_rules_event on automation_rules (workspace_id, trigger_event)
  where enabled and deleted_at is null and trigger_kind = 'event';
create index automation_rules_due on automation_rules (next_run_at)
  where enabled and deleted_at is null and trigger_kind = 'schedule';

-- One evaluation of a rule: for an event, or a scheduled (or run-now) pass over its query.
create table automation_runs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  rule_id uuid not null references automation_rules (id) on delete cascade,
  cause text not null check (cause in ('event', 'schedule', 'manual')),
  -- the event's key (e.g. purchase:<id>:approved) for an event run
  event_key text,
  status text not null default 'running' check (status in ('running', 'done', 'failed')),
  matched integer not null default 0,
  created integer not null default 0,
  skipped integer not null default 0,
  error text,
  started_at timestamptz not null,
  finished_at timestamptz
);
create index automation_runs_rule on automation_runs (rule_id, started_at desc, id desc);
create unique index automation_runs_event on automation_runs (rule_id, event_key) where event_key is not null;

-- Who a scheduled rule currently matches: a contact re-enters only after it stopped matching.
create table automation_matches (
  rule_id uuid not null references automation_rules (id) on delete cascade,
  contact_id uuid not null references contacts (id) on delete cascade,
  -- what it matched on (e.g. the enrollment), so one person can match for two products
  subject_key text not null,
  matched_at timestamptz not null,
  primary key (rule_id, contact_id, subject_key)
);

-- One action for one contact: suggested (pending review) or approved, then sent, refused or failed.
create table dispatches (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  rule_id uuid references automation_rules (id) on delete set null,
  run_id uuid references automation_runs (id) on delete set null,
  contact_id uuid not null references contacts (id) on delete cascade,
  product_id uuid references products (id) on delete set null,
  channel text not null check (channel in ('whatsapp', 'email', 'slack', 'chatwoot_label', 'task', 'deal',
    'tag', 'webhook')),
  template_id uuid references message_templates (id) on delete set null,
  category text not null default 'transactional' check (category in ('transactional', 'marketing')),
  -- the action as planned: channel-specific settings (label, due-in, pipeline…) and the variables
  action jsonb not null default '{}',
  variables jsonb not null default '{}',
  subject text,
  body text not null,
  -- the body as first rendered, when a reviewer edited it
  original_body text,
  reason text not null,
  -- what a reviewer can select a batch by, e.g. {"module": "Módulo 2", "product": "…"}
  facets jsonb not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'approved', 'sending', 'sent', 'failed',
    'refused', 'rejected', 'expired', 'unknown')),
  -- one action per contact and cause: a retried job or a repeated event finds the same row
  idempotency_key text not null,
  expires_at timestamptz,
  not_before timestamptz,
  attempts integer not null default 0,
  claimed_at timestamptz,
  provider_message_id text,
  -- why a guardrail refused it (opt_out, window_closed, quiet_hours…), or the last failure
  refusal text,
  last_error text,
  decided_by_type text,
  decided_by_id text,
  decided_by_label text,
  decided_at timestamptz,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, idempotency_key)
);
create index dispatches_queue on dispatches (workspace_id, status, created_at desc, id desc);
create index dispatches_contact on dispatches (contact_id, created_at desc);
create index dispatches_due on dispatches (not_before) where status = 'approved';
create index dispatches_expiry on dispatches (expires_at) where status = 'pending';
create index dispatches_rule on dispatches (rule_id, created_at desc);

-- The consent ledger: append-only, one row per grant or revocation (the latest per channel and
-- category wins). A purchase is the legal basis for transactional messages about it.
create table contact_consents (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  contact_id uuid not null references contacts (id) on delete cascade,
  -- a channel or 'all'
  channel text not null check (channel in ('all', 'whatsapp', 'email', 'instagram')),
  category text not null check (category in ('marketing', 'all')),
  granted boolean not null,
  -- where it came from: typeform:<form>, whatsapp keyword, dashboard user…
  source text not null,
  at timestamptz not null,
  created_at timestamptz not null default now()
);
create index contact_consents_contact on contact_consents (contact_id, at desc);

-- A short link in one of our messages (/r/{token}): redirects to the course and records clicks.
create table tracked_links (
  token text primary key,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  dispatch_id uuid references dispatches (id) on delete set null,
  contact_id uuid references contacts (id) on delete cascade,
  product_id uuid references products (id) on delete set null,
  target_url text not null,
  clicks integer not null default 0,
  first_clicked_at timestamptz,
  last_clicked_at timestamptz,
  created_at timestamptz not null default now()
);
create index tracked_links_contact on tracked_links (contact_id, product_id, first_clicked_at);

-- Products: where a tracked link sends a student (the course's members area).
alter table products add column access_url text;

-- Enrollments: the product's cohort (turma), for access KPIs per cohort.
alter table enrollments add column cohort text;
