-- Deliveries refused at the door (wrong or missing signature) are not stored, only counted: a
-- connection whose sender has the wrong secret shows it on the connections page.
alter table connections add column rejected_count integer not null default 0;
alter table connections add column last_rejected_at timestamptz;
