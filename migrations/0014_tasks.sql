-- Tasks and follow-ups: something to do by a time, for a person, about a lead and/or a deal.
create table tasks (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  title text not null,
  notes text,
  kind text not null default 'follow_up' check (kind in ('follow_up', 'call', 'whatsapp', 'email', 'meeting', 'visit', 'other')),
  due_at timestamptz not null,
  remind_at timestamptz,
  owner_id uuid references users (id) on delete set null,
  contact_id uuid references contacts (id),
  deal_id uuid references deals (id) on delete cascade,
  status text not null default 'open' check (status in ('open', 'done', 'canceled')),
  done_at timestamptz,
  created_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index tasks_owner_due on tasks (workspace_id, owner_id, due_at) where deleted_at is null and status = 'open';
create index tasks_list on tasks (workspace_id, due_at, id);
create index tasks_contact on tasks (contact_id);
create index tasks_deal on tasks (deal_id);
