-- Meta Ad Library capture: per-workspace search settings, weekly (or on demand) runs over a 7-day window,
-- the ads seen (one row per Library ID, so re-runs never double-count) and the advertisers (one row per
-- Facebook page), each linked to the lead it became (source `meta_ads`). The official API only covers
-- commercial ads delivered to the EU/UK (and political/issue ads everywhere): see ADR 0017.

create table ad_library_settings (
  workspace_id uuid primary key references workspaces (id) on delete cascade,
  -- ["fotografia", "mentoria"]: one Ad Library search per term
  search_terms jsonb not null default '[]',
  -- ISO 3166-1 alpha-2 codes: ["DE", "PT"]
  countries jsonb not null default '[]',
  -- optional filter: ["facebook", "instagram"]; empty = all
  publisher_platforms jsonb not null default '[]',
  enabled boolean not null default false,
  updated_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index ad_library_settings_enabled on ad_library_settings (workspace_id) where enabled;

create table ad_library_runs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  trigger text not null check (trigger in ('manual', 'schedule')),
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  -- the window searched (inclusive dates, UTC) and the settings the run used
  since date not null,
  until date not null,
  search_terms jsonb not null default '[]',
  countries jsonb not null default '[]',
  publisher_platforms jsonb not null default '[]',
  pages integer not null default 0,
  -- ads returned in this run (every Library ID once) and how many of them were never seen before
  ads integer not null default 0,
  ads_new integer not null default 0,
  advertisers integer not null default 0,
  advertisers_new integer not null default 0,
  advertisers_updated integer not null default 0,
  -- the provider's error, in plain words (never a token)
  error text,
  attempts integer not null default 0,
  -- one runner at a time: a run holds the lease and extends it after every page
  locked_until timestamptz,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index ad_library_runs_list on ad_library_runs (workspace_id, created_at desc, id desc);
-- At most one unfinished run per workspace: a second "search now" is a conflict, a second worker a no-op.
create unique index ad_library_runs_one_active on ad_library_runs (workspace_id) where status in ('queued', 'running');

create table ad_library_advertisers (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  page_id text not null,
  page_name text,
  -- distinct Library IDs ever seen for this page
  ads_seen integer not null default 0,
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  -- newest first, at most 10, access tokens stripped
  snapshot_urls jsonb not null default '[]',
  platforms jsonb not null default '[]',
  -- the search terms that found this page
  terms jsonb not null default '[]',
  first_run_id uuid references ad_library_runs (id) on delete set null,
  last_run_id uuid references ad_library_runs (id) on delete set null,
  contact_id uuid references contacts (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index ad_library_advertisers_page on ad_library_advertisers (workspace_id, page_id);
create index ad_library_advertisers_ads on ad_library_advertisers (workspace_id, ads_seen desc, id desc);
create index ad_library_advertisers_last_seen on ad_library_advertisers (workspace_id, last_seen_at desc, id desc);

create table ad_library_ads (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  library_id text not null,
  page_id text not null,
  page_name text,
  -- access token stripped
  snapshot_url text,
  platforms jsonb not null default '[]',
  terms jsonb not null default '[]',
  delivery_start date,
  delivery_stop date,
  first_run_id uuid references ad_library_runs (id) on delete set null,
  last_run_id uuid references ad_library_runs (id) on delete set null,
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  primary key (workspace_id, library_id)
);
create index ad_library_ads_page on ad_library_ads (workspace_id, page_id);
create index ad_library_ads_run on ad_library_ads (last_run_id);

-- What each run found per advertiser: the weekly results (new or updated, ads in the run, new ads).
create table ad_library_run_advertisers (
  run_id uuid not null references ad_library_runs (id) on delete cascade,
  advertiser_id uuid not null references ad_library_advertisers (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  outcome text not null check (outcome in ('new', 'updated')),
  ads integer not null default 0,
  ads_new integer not null default 0,
  primary key (run_id, advertiser_id)
);
create index ad_library_run_advertisers_advertiser on ad_library_run_advertisers (advertiser_id);
