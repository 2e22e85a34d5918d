-- Outbound prospecting: sources (a URL and how to read it), runs (one crawl of a source, with its counts)
-- and the candidates a run found (creator profiles), each deduplicated against the base and landed as a
-- lead (source `outbound`) or recognised as someone we already know.

create table outbound_sources (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null,
  url text not null,
  -- generic: one page; listing: a page and the same-host pages it links to; sitemap: sitemap.xml
  -- (index files too) and its pages; kiwify / hubla: public store and product pages
  kind text not null check (kind in ('generic', 'listing', 'sitemap', 'kiwify', 'hubla')),
  max_pages integer not null default 50 check (max_pages between 1 and 1000),
  max_depth integer not null default 1 check (max_depth between 0 and 5),
  -- at least this long between two requests to one host (robots.txt Crawl-delay may ask for more)
  rate_limit_ms integer not null default 1000 check (rate_limit_ms between 50 and 60000),
  schedule text not null default 'manual' check (schedule in ('manual', 'daily', 'weekly')),
  enabled boolean not null default true,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index outbound_sources_list on outbound_sources (workspace_id, created_at desc, id desc);
create index outbound_sources_scheduled on outbound_sources (schedule) where enabled and schedule <> 'manual';

create table outbound_runs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  source_id uuid not null references outbound_sources (id) on delete cascade,
  trigger text not null check (trigger in ('manual', 'schedule')),
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  pages_cap integer not null,
  pages_fetched integer not null default 0,
  -- refused by robots.txt or by the SSRF guard
  pages_refused integer not null default 0,
  pages_failed integer not null default 0,
  candidates integer not null default 0,
  new_count integer not null default 0,
  known_count integer not null default 0,
  invalid_count integer not null default 0,
  -- [{"url": "https://host/path", "reason": "robots"}], the first few only (never personal data)
  errors jsonb not null default '[]',
  error text,
  attempts integer not null default 0,
  -- one runner at a time: a run holds the lease and extends it after every page
  locked_until timestamptz,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index outbound_runs_list on outbound_runs (workspace_id, created_at desc, id desc);
create index outbound_runs_source on outbound_runs (source_id, created_at desc);
-- At most one unfinished run per source: a second "run now" is a conflict, a second worker a no-op.
create unique index outbound_runs_one_active on outbound_runs (source_id) where status in ('queued', 'running');

create table outbound_candidates (
  id uuid primary key default gen_random_uuid(),
  -- the order candidates were found in (pagination)
  seq bigint generated always as identity,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  run_id uuid not null references outbound_runs (id) on delete cascade,
  -- the strongest identity found: instagram:<handle> | email:<address> | youtube:<id> | tiktok:<handle>
  key text not null,
  name text,
  email text,
  instagram text,
  youtube text,
  tiktok text,
  found_on text not null,
  -- pending (found, not yet decided) → landed (a new lead) | known (already in the base) | invalid
  outcome text not null default 'pending' check (outcome in ('pending', 'landed', 'known', 'invalid')),
  reason text,
  contact_id uuid references contacts (id) on delete set null,
  created_at timestamptz not null default now()
);
create unique index outbound_candidates_key on outbound_candidates (run_id, key);
create index outbound_candidates_list on outbound_candidates (run_id, seq);
-- earlier sightings of one profile (dedupe of profiles that carry no e-mail or Instagram handle)
create index outbound_candidates_seen on outbound_candidates (workspace_id, key) where contact_id is not null;
