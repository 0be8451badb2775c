-- What a published template carries beside its parts (issue: personalisation blocks, language
-- variants, sender per template, attachments): one JSON object per copy, written once with the
-- copy and never changed (templates/template_repository.cc writes and reads it with
-- common/personalisation/template_json.h):
--   {"default_language": "en",
--    "variants": [{"language", "subject", "html_body", "text_body", "sms_text"}, ...],
--    "sender": {"from", "reply_to", "headers": [{"name", "value"}], "list_unsubscribe",
--               "list_unsubscribe_post"},
--    "attachments": [{"url", "ctx_path", "filename", "content_type"}, ...],
--    "blocks": [{"name", "version"}, ...]}
-- Copies published before read as the empty object: no variants, the instance's sender, no
-- attachments, no blocks. A constant default: adding the column rewrites no row.
ALTER TABLE templates ADD COLUMN extras jsonb NOT NULL DEFAULT '{}'
  CHECK (jsonb_typeof(extras) = 'object');
