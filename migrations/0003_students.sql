-- Students: products, purchases and enrollments, recorded from the facts a door's events carry
-- (Hotmart purchases and members-area events). Written by src/students.

-- Created from the first purchase or club event that names them (external_id: the vendor's product id).
create table products (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  external_id text not null,
  name text not null,
  monitoring boolean not null default true,
  welcome_template text,
  created_at timestamptz not null default now(),
  unique (workspace_id, external_id)
);

-- One row per vendor transaction; `status` follows the state machine in students/next-purchase-status.ts,
-- `status_history` keeps every status event ([{eventId, event, status, vendorStatus, occurredAt, applied}]).
create table purchases (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  transaction text not null,
  contact_id uuid not null references contacts (id) on delete cascade,
  product_id uuid not null references products (id) on delete cascade,
  offer_code text,
  status text not null check (status in ('approved', 'complete', 'canceled', 'refunded', 'chargeback',
    'protest', 'expired', 'delayed', 'billet_printed', 'abandoned')),
  price numeric(14, 2),
  currency text,
  payment_type text,
  approved_at timestamptz,
  -- when the event that set `status` happened (the vendor's creation date)
  last_event_at timestamptz not null,
  status_history jsonb not null default '[]',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, transaction)
);
create index purchases_contact on purchases (workspace_id, contact_id);

-- A person's access to a product: created by an approved purchase or a members-area event.
create table enrollments (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  contact_id uuid not null references contacts (id) on delete cascade,
  product_id uuid not null references products (id) on delete cascade,
  first_access_at timestamptz,
  first_access_origin text,
  modules_completed integer not null default 0,
  -- [{id, name, completedAt}], one entry per distinct module
  modules jsonb not null default '[]',
  created_at timestamptz not null default now(),
  unique (contact_id, product_id)
);
create index enrollments_workspace on enrollments (workspace_id, contact_id);
