-- The client viewer role ("cliente": an agency's client), who sees only the proof-of-value dashboard
-- of its workspace. Memberships and API keys may now carry it (the checks of 0001_foundation.sql,
-- named by PostgreSQL after their table and column, are replaced).
alter table memberships drop constraint memberships_role_check;
alter table memberships add constraint memberships_role_check
  check (role in ('admin', 'manager', 'sales', 'cs', 'viewer', 'client'));

alter table api_keys drop constraint api_keys_role_check;
alter table api_keys add constraint api_keys_role_check
  check (role in ('admin', 'manager', 'sales', 'cs', 'viewer', 'client'));
