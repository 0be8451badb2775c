-- The technical workflows, published templates, delivery logs and quarantine
-- (DOMAIN.md sections 4 and 5).

-- The three technical workflows exist from initialisation; they run only once started.
CREATE TABLE workflows (
  internal_name text PRIMARY KEY,
  label         text NOT NULL,
  folder        text NOT NULL DEFAULT 'Administration > Production > Message Center',
  state         text NOT NULL DEFAULT 'stopped' CHECK (state IN ('started', 'paused', 'stopped')),
  last_run_at   timestamptz,
  processed     bigint NOT NULL DEFAULT 0,
  errors        bigint NOT NULL DEFAULT 0,
  last_error    text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
INSERT INTO workflows (internal_name, label) VALUES
  ('rtEventsProcessing', 'Processing real time events'),
  ('batchEventsProcessing', 'Processing batch events'),
  ('updateEventStatus', 'Update event status');

-- Published templates: one row per (template, queue copy, version). Immutable once published,
-- except unpublished_at.
CREATE TABLE templates (
  id             bigserial PRIMARY KEY,
  internal_name  text NOT NULL,
  label          text NOT NULL DEFAULT '',
  queue          smallint NOT NULL CHECK (queue IN (1, 2)),
  event_type     text NOT NULL,
  channel        smallint NOT NULL CHECK (channel IN (0, 1, 41, 42)),
  version        integer NOT NULL CHECK (version > 0),
  subject        text NOT NULL DEFAULT '',
  html_body      text NOT NULL DEFAULT '',
  text_body      text NOT NULL DEFAULT '',
  sms_text       text NOT NULL DEFAULT '',
  published_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  unpublished_at timestamptz,
  UNIQUE (internal_name, queue, version)
);
-- Routing: the most recently published template for (queue, event type, channel).
CREATE INDEX templates_route ON templates (queue, event_type, channel, published_at DESC, id DESC)
  WHERE unpublished_at IS NULL;

-- Events: the linked template and version, the delivery lease (while status is Pending
-- delivery: who may deliver until when; also the time of the next try after a soft failure),
-- and the delivery tries made.
ALTER TABLE rt_events ADD COLUMN template_id bigint, ADD COLUMN template_version integer,
  ADD COLUMN lease_until timestamptz, ADD COLUMN tries integer NOT NULL DEFAULT 0;
ALTER TABLE batch_events ADD COLUMN template_id bigint, ADD COLUMN template_version integer,
  ADD COLUMN lease_until timestamptz, ADD COLUMN tries integer NOT NULL DEFAULT 0;
CREATE INDEX rt_events_delivering ON rt_events (lease_until) WHERE status = 1;
CREATE INDEX batch_events_delivering ON batch_events (lease_until) WHERE status = 1;

-- One delivery log per message (= per event that reached delivery), whatever the replicas do.
-- status uses the event status numbers it becomes: 2 Sent, 3 Ignored, 4 Delivery failed,
-- 6 Expired (soft failures until the tries or the event's expiration ran out).
CREATE TABLE delivery_logs (
  id               bigserial PRIMARY KEY,
  queue            smallint NOT NULL,
  event_id         bigint NOT NULL,
  channel          smallint NOT NULL,
  address          text NOT NULL,
  template_id      bigint,
  template_version integer,
  status           smallint NOT NULL CHECK (status IN (2, 3, 4, 6)),
  failure_type     text CHECK (failure_type IN ('hard', 'soft')),
  failure_reason   text,
  tries            integer NOT NULL,
  message_id       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  -- Set by updateEventStatus once the outcome is on the event.
  applied          boolean NOT NULL DEFAULT false,
  UNIQUE (queue, event_id)
);
CREATE INDEX delivery_logs_to_apply ON delivery_logs (id) WHERE NOT applied;

-- Addresses that must not be sent to: hard bounces (kind 'quarantine') and the operator's deny
-- list (kind 'deny'). A message to one of them is "Ignored by the delivery".
CREATE TABLE quarantine (
  channel    smallint NOT NULL,
  address    text NOT NULL,
  kind       text NOT NULL DEFAULT 'quarantine' CHECK (kind IN ('quarantine', 'deny')),
  reason     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel, address)
);

-- Wake the real-time lane at once: one notification per inserting statement (COPY included),
-- delivered at commit, on a channel named after the schema.
CREATE FUNCTION notify_rt_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mc_rt_' || TG_TABLE_SCHEMA, '');
  RETURN NULL;
END $$;
CREATE TRIGGER rt_events_notify AFTER INSERT ON rt_events
  FOR EACH STATEMENT EXECUTE FUNCTION notify_rt_events();
