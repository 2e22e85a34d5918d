-- Who gets a new deal: rules per pipeline and/or lead source, tried in order. Round-robin keeps its
-- cursor here, so the rotation survives restarts and is shared by every process.
create table assignment_rules (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null,
  position integer not null default 0,
  pipeline_id uuid references pipelines (id) on delete cascade,
  source text,
  strategy text not null check (strategy in ('round_robin', 'least_loaded')),
  owner_ids uuid[] not null,
  -- At most this many open deals per owner (null: no cap).
  max_open_deals integer check (max_open_deals > 0),
  -- {"timeZone": "America/Sao_Paulo", "days": [1,2,3,4,5], "start": "09:00", "end": "18:00"} or null.
  working_hours jsonb,
  cursor integer not null default 0,
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index assignment_rules_workspace on assignment_rules (workspace_id, position);
