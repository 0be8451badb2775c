-- The control instance (DOMAIN.md sections 2 and 5): execution-instance external accounts and
-- authored templates with their publications.

CREATE TABLE accounts (
  internal_name     text PRIMARY KEY,
  label             text NOT NULL DEFAULT '',
  enabled           boolean NOT NULL DEFAULT true,
  endpoint          text NOT NULL,
  connection_method smallint NOT NULL DEFAULT 0 CHECK (connection_method IN (0, 1)),
  -- The bearer token presented to the execution instance. Never selected by the API's reads.
  credential        text NOT NULL DEFAULT '',
  instance_id       text UNIQUE,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- status: 0 being edited, 1 published. version: the last published version.
CREATE TABLE templates (
  internal_name text PRIMARY KEY,
  label         text NOT NULL DEFAULT '',
  event_type    text NOT NULL,
  channel       smallint NOT NULL CHECK (channel IN (0, 1, 41, 42)),
  subject       text NOT NULL DEFAULT '',
  html_body     text NOT NULL DEFAULT '',
  text_body     text NOT NULL DEFAULT '',
  sms_text      text NOT NULL DEFAULT '',
  seeds         jsonb NOT NULL DEFAULT '[]',
  status        smallint NOT NULL DEFAULT 0 CHECK (status IN (0, 1)),
  version       integer NOT NULL DEFAULT 0,
  published_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Where each version went, and how it went.
CREATE TABLE publications (
  template     text NOT NULL REFERENCES templates ON DELETE CASCADE,
  version      integer NOT NULL,
  account      text NOT NULL,
  code         integer NOT NULL,
  message      text NOT NULL DEFAULT '',
  published_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (template, version, account)
);
