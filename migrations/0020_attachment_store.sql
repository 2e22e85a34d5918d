-- Where each attachment's bytes live: the data folder or the S3-compatible bucket. Kept per file, so
-- turning S3 on (or off) leaves every earlier file readable.
alter table interaction_attachments
  add column store text not null default 'local' check (store in ('local', 's3'));
