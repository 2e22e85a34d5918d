-- Conversations: messages in and out (WhatsApp, Instagram, Chatwoot…), senders waiting for triage,
-- and Chatwoot label changes as tag events.

-- An Instagram-scoped user id (IGSID) identifies a person who wrote to the business on Instagram.
alter table contact_identities drop constraint contact_identities_kind_check;
alter table contact_identities
  add constraint contact_identities_kind_check check (kind in ('email', 'phone', 'instagram', 'instagram_id'));

-- Someone unknown who wrote to a messaging connection: waits for a person to accept (→ lead) or decline.
create table triage_senders (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  connection_id uuid references connections (id) on delete set null,
  channel text not null check (channel in ('whatsapp', 'instagram')),
  -- E.164 phone (WhatsApp) or IGSID (Instagram).
  sender_key text not null,
  name text,
  -- The lead fields decoded from the latest message (what accepting creates).
  lead jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'accepted', 'declined')),
  message_count integer not null default 0,
  first_message_at timestamptz not null,
  last_message_at timestamptz not null,
  last_text text,
  opted_out_at timestamptz,
  contact_id uuid references contacts (id) on delete set null,
  decided_at timestamptz,
  decided_by_type text,
  decided_by_id uuid,
  decided_by_label text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, channel, sender_key)
);
create index triage_senders_list on triage_senders (workspace_id, status, last_message_at desc, id desc);

-- One message, either way. `external_key` is the channel's own id, namespaced ("wa:<wamid>",
-- "ig:<mid>", "cw:<account>:<id>"), so a repeat or a status that arrives first finds the same row.
create table interactions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  contact_id uuid references contacts (id) on delete set null,
  triage_sender_id uuid references triage_senders (id) on delete set null,
  connection_id uuid references connections (id) on delete set null,
  channel text not null check (channel in ('whatsapp', 'instagram', 'chatwoot', 'email', 'call', 'note')),
  direction text not null check (direction in ('inbound', 'outbound')),
  external_key text,
  kind text,
  body text,
  -- Outbound delivery: the furthest status reached (sent < delivered < read; failed is final).
  status text check (status in ('sent', 'delivered', 'read', 'failed')),
  status_at timestamptz,
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz,
  failed_at timestamptz,
  error text,
  -- The recipient's phone/id as the channel reported it (for statuses of messages we do not know yet).
  recipient text,
  occurred_at timestamptz not null,
  inbox_event_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index interactions_external on interactions (workspace_id, external_key) where external_key is not null;
create index interactions_contact on interactions (contact_id, occurred_at desc, id desc) where contact_id is not null;
create index interactions_triage on interactions (triage_sender_id) where triage_sender_id is not null;

-- A Chatwoot label added to or removed from a conversation (tag analytics).
create table tag_events (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  connection_id uuid references connections (id) on delete set null,
  contact_id uuid references contacts (id) on delete set null,
  conversation_id text not null,
  label text not null,
  action text not null check (action in ('added', 'removed')),
  at timestamptz not null,
  inbox_event_id uuid not null,
  unique (inbox_event_id, label, action)
);
create index tag_events_at on tag_events (workspace_id, at desc, id desc);
create index tag_events_label on tag_events (workspace_id, label, at desc);
create index tag_events_contact on tag_events (contact_id, at desc) where contact_id is not null;
