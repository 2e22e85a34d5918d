-- A message template's attachment (the nurture PDF) kept in the file store like interaction attachments:
-- with `attachment_store` set, `attachment_path` is the store's key (data folder or S3 bucket). A row
-- without a store is a file path from before (absolute, or relative to the data folder), read as it was.
alter table message_templates
  add column attachment_store text check (attachment_store in ('local', 's3')),
  add column attachment_filename text,
  add column attachment_size integer;
