-- Real-estate catalog: developments (empreendimentos) and properties (imóveis) in one table, a unit
-- being a property with a development; a lead's interest (what they look for); deals linked to a
-- property or development. Soft-deleted like deals.
create table developments (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null,
  developer text,
  street text,
  number text,
  neighborhood text,
  city text,
  state text,
  postal_code text,
  status text not null default 'launch' check (status in ('launch', 'under_construction', 'ready')),
  delivery_date date,
  description text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index developments_list on developments (workspace_id, updated_at desc, id desc);

create table properties (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  -- The team's own reference (e.g. AP-0042), unique in the workspace among live properties.
  code text,
  title text not null,
  kind text not null check (kind in ('apartment', 'house', 'condo_house', 'lot', 'commercial', 'room', 'farm', 'other')),
  purpose text not null default 'sale' check (purpose in ('sale', 'rent')),
  price numeric(14, 2) not null check (price >= 0),
  area_m2 numeric(10, 2) check (area_m2 > 0),
  bedrooms integer check (bedrooms >= 0),
  bathrooms integer check (bathrooms >= 0),
  parking integer check (parking >= 0),
  street text,
  number text,
  complement text,
  neighborhood text,
  city text,
  state text,
  postal_code text,
  status text not null default 'available' check (status in ('available', 'reserved', 'sold', 'rented', 'off_market')),
  origin text not null default 'own' check (origin in ('own', 'partner', 'portal')),
  -- A unit of a development, with its label there (e.g. "Torre A, 302").
  development_id uuid references developments (id),
  unit text,
  description text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index properties_list on properties (workspace_id, updated_at desc, id desc);
create index properties_search on properties (workspace_id, status, purpose, price) where deleted_at is null;
create index properties_development on properties (development_id) where development_id is not null;
create unique index properties_code on properties (workspace_id, lower(code))
  where deleted_at is null and code is not null;
create unique index properties_unit on properties (development_id, lower(unit))
  where deleted_at is null and unit is not null;

-- What a lead looks for: one row per person.
create table contact_interests (
  contact_id uuid primary key references contacts (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  purpose text not null default 'buy' check (purpose in ('buy', 'rent')),
  kinds text[] not null default '{}',
  price_min numeric(14, 2) check (price_min >= 0),
  price_max numeric(14, 2) check (price_max >= 0),
  bedrooms_min integer check (bedrooms_min >= 0),
  cities text[] not null default '{}',
  neighborhoods text[] not null default '{}',
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index contact_interests_workspace on contact_interests (workspace_id);

alter table deals add column property_id uuid references properties (id);
alter table deals add column development_id uuid references developments (id);
create index deals_property on deals (property_id) where property_id is not null;
create index deals_development on deals (development_id) where development_id is not null;
