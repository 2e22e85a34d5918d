-- First-response SLA: a business calendar per workspace (hours and holidays), targets per pipeline
-- or lead source, and one timer per lead from arrival to our first outbound interaction.
create table business_calendars (
  workspace_id uuid primary key references workspaces (id) on delete cascade,
  time_zone text not null default 'America/Sao_Paulo',
  -- 0 = Sunday … 6 = Saturday
  days integer[] not null default '{1,2,3,4,5}',
  start_time text not null default '09:00',
  end_time text not null default '18:00',
  -- ["2026-12-25", …]
  holidays jsonb not null default '[]',
  updated_at timestamptz not null default now()
);

create table sla_policies (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null,
  source text,
  target_minutes integer not null check (target_minutes > 0),
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index sla_policies_workspace on sla_policies (workspace_id);

create table sla_timers (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  contact_id uuid not null references contacts (id) on delete cascade,
  policy_id uuid references sla_policies (id) on delete set null,
  target_minutes integer not null,
  started_at timestamptz not null,
  due_at timestamptz not null,
  responded_at timestamptz,
  status text not null default 'running' check (status in ('running', 'met', 'breached')),
  breached_at timestamptz,
  owner_id uuid references users (id) on delete set null,
  escalated_to uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (contact_id)
);
create index sla_timers_running on sla_timers (workspace_id, status, due_at);
