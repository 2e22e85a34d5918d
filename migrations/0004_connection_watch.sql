-- A source that stays silent longer than this is flagged (null: never flagged).
alter table connections add column silent_after_hours integer check (silent_after_hours > 0);
create index inbox_events_connection on inbox_events (connection_id, received_at desc);
