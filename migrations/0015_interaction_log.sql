-- Interactions logged by people (calls, meetings, visits, notes…) next to the captured messages:
-- who logged it and what came of it. Files attached to an interaction live in the data folder.
alter table interactions drop constraint interactions_channel_check;
alter table interactions
  add constraint interactions_channel_check
  check (channel in ('whatsapp', 'instagram', 'chatwoot', 'email', 'call', 'note', 'meeting', 'visit'));
alter table interactions add column result text;
alter table interactions add column author_type text;
alter table interactions add column author_id uuid;
alter table interactions add column author_label text;

create table interaction_attachments (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  interaction_id uuid not null references interactions (id) on delete cascade,
  file_name text not null,
  content_type text not null,
  size_bytes bigint not null,
  sha256 text not null,
  storage_key text not null,
  created_by text,
  created_at timestamptz not null default now()
);
create index interaction_attachments_interaction on interaction_attachments (interaction_id);
