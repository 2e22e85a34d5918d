-- The Painel (analytics/): indexes where EXPLAIN showed a sequential scan over a big table, measured
-- on 1M contacts, 100k deals, 300k stage moves and 500k SLA timers.
-- The funnel (crm/report-pipeline.ts) reads a pipeline's deals opened in a period: deals_board cannot
-- range over created_at, so every statement of the report scanned all deals.
create index deals_created on deals (workspace_id, pipeline_id, created_at) where deleted_at is null;
-- SLA compliance (crm/manage-sla.ts#reportSla) reads the timers started in a period.
create index sla_timers_started on sla_timers (workspace_id, started_at);
