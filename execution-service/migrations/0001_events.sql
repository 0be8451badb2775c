-- Event queues of an execution instance (DOMAIN.md section 3 and 4).
-- Real-time and batch events live in their own tables with the same columns. One sequence
-- numbers both, so an event id is unique across the instance's queues.

CREATE SEQUENCE event_id_seq AS bigint START 1;

-- status: 0 Pending, 1 Pending delivery, 2 Sent, 3 Ignored by the delivery, 4 Delivery failed,
-- 5 Event not taken into account, 6 Expired. Stable numbers, never reordered.
CREATE TABLE rt_events (
  id             bigint PRIMARY KEY,
  event_type     text NOT NULL,
  email          text,
  mobile_phone   text,
  device_token   text,
  wished_channel smallint NOT NULL DEFAULT 0 CHECK (wished_channel IN (0, 1, 41, 42)),
  external_id    text,
  origin         text,
  language       text,
  country        text,
  email_format   smallint NOT NULL DEFAULT 0 CHECK (email_format IN (0, 1, 2)),
  scheduled_at   timestamptz,
  expires_at     timestamptz,
  ctx            jsonb NOT NULL DEFAULT '{}',
  status         smallint NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 6),
  errors         integer NOT NULL DEFAULT 0,
  next_try_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (expires_at IS NULL OR scheduled_at IS NULL OR expires_at >= scheduled_at)
);

CREATE TABLE batch_events (LIKE rt_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE batch_events ADD PRIMARY KEY (id);

-- Idempotency: the external id is unique per queue.
CREATE UNIQUE INDEX rt_events_external_id ON rt_events (external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX batch_events_external_id ON batch_events (external_id)
  WHERE external_id IS NOT NULL;

-- Claims of the processing workflows: pending events in id order (keyset), small and hot.
CREATE INDEX rt_events_pending ON rt_events (id) WHERE status = 0;
CREATE INDEX batch_events_pending ON batch_events (id) WHERE status = 0;

-- No index for ListEvents' status and type filters: every status change rewrites each index
-- entry of the row (the status is in partial-index predicates, so updates are never HOT), and
-- operators' listings walk the primary key newest first instead.
