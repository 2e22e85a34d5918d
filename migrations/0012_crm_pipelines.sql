-- CRM: pipelines with ordered stages (win probability, open/won/lost, entry rules) and deals that
-- link a person to a stage, an owner and a value. Deals are soft-deleted; every move is kept.
create table pipelines (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index pipelines_workspace on pipelines (workspace_id, position);

create table pipeline_stages (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  pipeline_id uuid not null references pipelines (id) on delete cascade,
  name text not null,
  position integer not null,
  probability numeric(4, 3) not null default 0 check (probability >= 0 and probability <= 1),
  kind text not null default 'open' check (kind in ('open', 'won', 'lost')),
  -- What a deal must have before it may enter: any of owner, value, expectedClose, property.
  requires jsonb not null default '[]',
  created_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index pipeline_stages_pipeline on pipeline_stages (pipeline_id, position);

create table deals (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  pipeline_id uuid not null references pipelines (id),
  stage_id uuid not null references pipeline_stages (id),
  contact_id uuid not null references contacts (id),
  owner_id uuid references users (id) on delete set null,
  title text not null,
  value numeric(14, 2),
  expected_close date,
  property_ref text,
  status text not null default 'open' check (status in ('open', 'won', 'lost')),
  close_reason text,
  stage_entered_at timestamptz not null default now(),
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index deals_board on deals (workspace_id, pipeline_id, stage_id, updated_at desc) where deleted_at is null;
create index deals_owner on deals (workspace_id, owner_id, status) where deleted_at is null;
create index deals_contact on deals (contact_id);
create index deals_list on deals (workspace_id, updated_at desc, id desc);

create table deal_stage_moves (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  deal_id uuid not null references deals (id) on delete cascade,
  from_stage_id uuid references pipeline_stages (id),
  to_stage_id uuid not null references pipeline_stages (id),
  actor_label text,
  at timestamptz not null default now()
);
create index deal_stage_moves_deal on deal_stage_moves (deal_id, at);
