-- First-response targets per pipeline (besides per source and the workspace fallback), and an index
-- for the workspace-wide audit trail (GET /api/v1/audit pages newest first).
alter table sla_policies add column pipeline_id uuid references pipelines (id) on delete cascade;
create index sla_policies_pipeline on sla_policies (pipeline_id) where pipeline_id is not null;
create index audit_log_workspace on audit_log (workspace_id, id desc);
