-- Archiving (DOMAIN.md sections 6 and 7): one mcSynch_<account> workflow per account, its runs,
-- and the archive the reports read, keyed by (account, remote id).

CREATE TABLE archiving_workflows (
  internal_name    text PRIMARY KEY,
  account          text NOT NULL UNIQUE REFERENCES accounts ON DELETE CASCADE,
  label            text NOT NULL,
  folder           text NOT NULL DEFAULT 'Administration > Production > Message Center',
  state            smallint NOT NULL DEFAULT 1 CHECK (state IN (1, 2, 3)),
  schedule_seconds bigint NOT NULL DEFAULT 3600 CHECK (schedule_seconds > 0),
  next_run_at      timestamptz NOT NULL DEFAULT now(),
  -- The export cursor on the execution instance, moved with each archived page.
  cursor_xid       bigint NOT NULL DEFAULT 0,
  cursor_queue     smallint NOT NULL DEFAULT 0,
  cursor_id        bigint NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE archive_runs (
  id                   bigserial PRIMARY KEY,
  workflow             text NOT NULL REFERENCES archiving_workflows ON DELETE CASCADE,
  started_at           timestamptz NOT NULL DEFAULT now(),
  ended_at             timestamptz,
  events_copied        bigint NOT NULL DEFAULT 0,
  delivery_logs_copied bigint NOT NULL DEFAULT 0,
  quarantine_copied    bigint NOT NULL DEFAULT 0,
  error                text NOT NULL DEFAULT ''
);
CREATE INDEX archive_runs_workflow ON archive_runs (workflow, id DESC);

-- Statuses as on the execution instance: 2 Sent, 3 Ignored, 4 Delivery failed, 5 Not taken
-- into account, 6 Expired. Not a foreign key to accounts: the archive outlives an account.
CREATE TABLE archived_events (
  account          text NOT NULL,
  remote_id        bigint NOT NULL,
  instance_id      text NOT NULL,
  queue            smallint NOT NULL,
  event_type       text NOT NULL,
  channel          smallint NOT NULL,
  address          text NOT NULL DEFAULT '',
  external_id      text NOT NULL DEFAULT '',
  status           smallint NOT NULL,
  template_name    text NOT NULL DEFAULT '',
  template_version integer NOT NULL DEFAULT 0,
  tries            integer NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL,
  routed_at        timestamptz,
  finished_at      timestamptz NOT NULL,
  archived_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account, remote_id)
);
CREATE INDEX archived_events_created ON archived_events (created_at);

CREATE TABLE archived_delivery_logs (
  account          text NOT NULL,
  remote_id        bigint NOT NULL,
  event_id         bigint NOT NULL,
  channel          smallint NOT NULL,
  address          text NOT NULL,
  status           smallint NOT NULL,
  failure_type     text NOT NULL DEFAULT '',
  failure_reason   text NOT NULL DEFAULT '',
  tries            integer NOT NULL DEFAULT 0,
  message_id       text NOT NULL DEFAULT '',
  template_version integer NOT NULL DEFAULT 0,
  logged_at        timestamptz NOT NULL,
  archived_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account, remote_id)
);
CREATE INDEX archived_delivery_logs_event ON archived_delivery_logs (account, event_id);
CREATE INDEX archived_delivery_logs_logged ON archived_delivery_logs (logged_at);

CREATE TABLE archived_quarantine (
  account     text NOT NULL,
  channel     smallint NOT NULL,
  address     text NOT NULL,
  kind        text NOT NULL,
  reason      text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account, channel, address)
);
