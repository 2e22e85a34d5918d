-- File imports (CSV/XLSX): one row per uploaded file, processed by the imports.run-import job in
-- chunks; `checkpoint` is the last row fully processed, so a killed run resumes after it.
create table imports (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  filename text not null,
  format text not null check (format in ('csv', 'xlsx')),
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  total integer,
  created integer not null default 0,
  merged integer not null default 0,
  failed integer not null default 0,
  checkpoint integer not null default 0,
  -- [{"column": "Telefone", "field": "phone"}, {"column": "Turma", "field": "custom"}]
  mapping jsonb,
  -- {"quiet": true}: the imported people should not trigger automations
  options jsonb not null default '{}',
  error text,
  -- runs started (a run that keeps failing gives up after a few, and the import fails)
  attempts integer not null default 0,
  -- one runner at a time: a run holds the lease and extends it after every chunk
  locked_until timestamptz,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index imports_list on imports (workspace_id, created_at desc);
create index imports_unfinished on imports (status) where status in ('queued', 'running');

-- Rows that could not become a person: where and why (never the values themselves).
create table import_errors (
  id bigint generated always as identity primary key,
  import_id uuid not null references imports (id) on delete cascade,
  row_number integer not null,
  field text,
  message text not null
);
create index import_errors_import on import_errors (import_id, row_number, id);
