-- Task reminders pushed to the owner: the crm.send-task-reminders job claims each due reminder once
-- (reminded_at set in the same statement that finds it) and raises an alert. Moving remind_at clears
-- reminded_at, so the new time reminds again.
alter table tasks add column reminded_at timestamptz;

-- Reminders already due before this migration were shown in Meu dia; they are not pushed all at once.
update tasks set reminded_at = remind_at where remind_at is not null and remind_at <= now();

create index tasks_reminders_due on tasks (remind_at)
  where reminded_at is null and remind_at is not null and status = 'open' and deleted_at is null;
