-- Personalisation blocks, and what a template carries beside its parts (issue: personalisation
-- blocks, language variants, sender per template, attachments).

-- The authored template's default language, variants, sender and attachments, as one JSON
-- object (templates/template_repository.cc, with common/personalisation/template_json.h):
--   {"default_language", "variants": [...], "sender": {...}, "attachments": [...]}
-- Templates authored before read as the empty object: none of them.
ALTER TABLE templates ADD COLUMN extras jsonb NOT NULL DEFAULT '{}'
  CHECK (jsonb_typeof(extras) = 'object');

-- Blocks templates include by name (<%@ include view='footer' %>). version: 1 when created,
-- one more at each update.
CREATE TABLE blocks (
  name       text PRIMARY KEY,
  label      text NOT NULL DEFAULT '',
  content    text NOT NULL DEFAULT '',
  version    integer NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The blocks a publication's parts were expanded from, with the version of each used: one row
-- per block per (template, version), written with the publication's outcomes (a version no
-- instance took is published again under the same number: its rows are replaced). No foreign
-- key to blocks: a block deleted later leaves the record of what was sent.
CREATE TABLE publication_blocks (
  template      text NOT NULL REFERENCES templates ON DELETE CASCADE,
  version       integer NOT NULL,
  block         text NOT NULL,
  block_version integer NOT NULL CHECK (block_version > 0),
  PRIMARY KEY (template, version, block)
);
