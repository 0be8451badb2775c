-- The language variant each message was rendered from (the template's variant for the event's
-- language; NULL for the template's default parts, and for logs written before variants).
-- No default and nullable: adding it rewrites no partition.
ALTER TABLE delivery_logs ADD COLUMN template_language text;
