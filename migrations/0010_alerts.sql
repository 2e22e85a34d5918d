-- Alerts raised by the system (e.g. the enrichment success rate fell), delivered through the
-- workspace's Slack connections; the latest of a kind also gives its cool-down.
create table alerts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  kind text not null,
  text text not null,
  details jsonb not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'no_channel')),
  attempts integer not null default 0,
  error text,
  raised_at timestamptz not null,
  sent_at timestamptz
);
create index alerts_kind on alerts (workspace_id, kind, raised_at desc);
create index alerts_recent on alerts (workspace_id, raised_at desc, id desc);
