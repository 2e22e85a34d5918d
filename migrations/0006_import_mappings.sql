-- Import drafts: an upload stored and previewed, waiting for its column choices before it runs.
-- Drafts never started are removed (row and file) a day later by the imports.prune-drafts job.
alter table imports drop constraint if exists imports_status_check;
alter table imports add constraint imports_status_check
  check (status in ('draft', 'queued', 'running', 'done', 'failed'));
create index imports_drafts on imports (created_at) where status = 'draft';

-- Saved column mappings, per workspace: {"Header": "name" | "email" | … | "custom" | "ignore"},
-- suggested for (and reused by) later imports of files with the same columns.
create table import_mappings (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  name text not null,
  columns jsonb not null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index import_mappings_name on import_mappings (workspace_id, lower(name));
