-- Each event's story and its status webhooks (issue: "After the push").
--
-- Story. An event row already holds its routing (template_id, template_version, routed_at), its
-- tries, its next try (lease_until after a soft failure) and its times (created_at, updated_at);
-- its delivery log holds the try that ended delivery (address, Message-ID, failure, when the
-- relay answered). What it lacked are the soft failures that were tried again: one row each in
-- delivery_attempts, written by the statement that schedules the retry. Attempts are rare beside
-- sends; the happy path writes no row more.
--
-- Webhooks. Subscriptions (published by the control instance) say which changes they want.
-- Every statement that changes an event's status also inserts, in the same transaction, one
-- webhook_outbox row per matching subscription (the outbox): a crash can delay a webhook, never
-- drop it, and no webhook exists for a change that did not commit. The fourth technical
-- workflow, webhookDelivery, claims due rows under a lease (next_at moved forward, as event
-- deliveries are leased), POSTs them and records each outcome on its row; rows are kept
-- (delivered or given up) for replays and dropped with their period. Per event and
-- subscription, a row is claimed only when no earlier row of that pair is still queued: status
-- order per event.
--
-- Both new tables are partitioned with the event periods (migration 0007): a period's drop
-- takes its attempts and webhooks along, and the purge keeps a period while one of its
-- webhooks is still queued.

CREATE TABLE delivery_attempts (
  queue        smallint NOT NULL,
  event_id     bigint NOT NULL,
  try_number   integer NOT NULL,
  failure_type text NOT NULL DEFAULT 'soft' CHECK (failure_type IN ('hard', 'soft')),
  reason       text NOT NULL DEFAULT '',
  address      text NOT NULL DEFAULT '',
  message_id   text NOT NULL DEFAULT '',
  tried_at     timestamptz NOT NULL DEFAULT now(),
  next_try_at  timestamptz,
  PRIMARY KEY (event_id, try_number)
) PARTITION BY RANGE (event_id);

-- statuses: event status numbers; empty means every final status (2 to 6). event_types: empty
-- means every type. secrets: [{"key": base64 of the key bytes, "expires_us": epoch
-- microseconds or null}], write-only (never returned by the API, never logged).
CREATE TABLE webhook_subscriptions (
  name          text PRIMARY KEY,
  url           text NOT NULL,
  statuses      smallint[] NOT NULL DEFAULT '{}',
  event_types   text[] NOT NULL DEFAULT '{}',
  every_attempt boolean NOT NULL DEFAULT false,
  max_batch     integer NOT NULL DEFAULT 1 CHECK (max_batch BETWEEN 1 AND 500),
  disabled      boolean NOT NULL DEFAULT false,
  version       integer NOT NULL DEFAULT 0,
  secrets       jsonb NOT NULL DEFAULT '[]',
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- What webhookDelivery learns of each endpoint, apart from the definitions (which every
-- status-changing statement reads): state 1 active, 2 paused because failing.
CREATE TABLE webhook_endpoint_state (
  subscription    text PRIMARY KEY REFERENCES webhook_subscriptions ON DELETE CASCADE,
  state           smallint NOT NULL DEFAULT 1 CHECK (state IN (1, 2)),
  failing_since   timestamptz,
  last_error      text NOT NULL DEFAULT '',
  last_success_at timestamptz,
  delivered       bigint NOT NULL DEFAULT 0,
  failed          bigint NOT NULL DEFAULT 0
);

-- Does a subscription want this change? Inlined by the planner into the statements below.
CREATE FUNCTION mc_webhook_wants(statuses smallint[], event_types text[], status integer,
                                 event_type text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE WHEN cardinality(statuses) = 0 THEN status BETWEEN 2 AND 6
               ELSE status = ANY (statuses) END)
     AND (cardinality(event_types) = 0 OR event_type = ANY (event_types))
$$;

-- state: 0 queued, 1 delivered, 2 given up (a final 4xx, or retried past the retry age).
-- kind: 0 a status change, 1 a soft failure tried again (subscriptions with every_attempt).
-- next_at: when it is due; while a replica sends it, the end of that replica's lease.
CREATE SEQUENCE webhook_outbox_id_seq AS bigint;
CREATE TABLE webhook_outbox (
  id               bigint NOT NULL DEFAULT nextval('webhook_outbox_id_seq'),
  subscription     text NOT NULL,
  queue            smallint NOT NULL,
  event_id         bigint NOT NULL,
  kind             smallint NOT NULL DEFAULT 0 CHECK (kind IN (0, 1)),
  status           smallint NOT NULL,
  event_type       text NOT NULL,
  external_id      text,
  failure_type     text,
  reason           text,
  template_id      bigint,
  template_version integer,
  message_id       text,
  try_number       integer NOT NULL DEFAULT 0,
  next_try_at      timestamptz,
  changed_at       timestamptz NOT NULL DEFAULT now(),
  state            smallint NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)),
  sends            integer NOT NULL DEFAULT 0,
  next_at          timestamptz NOT NULL DEFAULT now(),
  first_failed_at  timestamptz,
  last_error       text,
  done_at          timestamptz,
  PRIMARY KEY (event_id, id)
) PARTITION BY RANGE (event_id);
ALTER SEQUENCE webhook_outbox_id_seq OWNED BY webhook_outbox.id;
-- The claim: queued rows in due order; the order rule: the queued rows of one (subscription,
-- event); replays and counts: a subscription's rows by time.
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_at) WHERE state = 0;
CREATE INDEX webhook_outbox_order ON webhook_outbox (subscription, event_id, id) WHERE state = 0;
CREATE INDEX webhook_outbox_changed ON webhook_outbox (subscription, changed_at);

-- The partitions of every period: the event queues, their delivery logs and attempts, and the
-- webhook outbox.
CREATE OR REPLACE FUNCTION mc_create_partition(k integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  lo bigint := k::bigint << 32;
  hi bigint := (k::bigint + 1) << 32;
  t text;
  part text;
BEGIN
  FOREACH t IN ARRAY ARRAY['rt_events', 'batch_events', 'delivery_logs', 'delivery_attempts',
                           'webhook_outbox'] LOOP
    part := t || '_p' || k;
    IF to_regclass(quote_ident(part)) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH ('
                     'autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 50000, '
                     'autovacuum_vacuum_insert_scale_factor = 0, '
                     'autovacuum_vacuum_insert_threshold = 200000, '
                     'autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 200000, '
                     'autovacuum_vacuum_cost_delay = 0)', part, t);
      IF t IN ('rt_events', 'batch_events') THEN
        EXECUTE format('CREATE UNIQUE INDEX %I ON %I (external_id) WHERE external_id IS NOT NULL',
                       part || '_external_id', part);
      END IF;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(quote_ident(part))) THEN
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)',
                     t, part, lo, hi);
    END IF;
  END LOOP;
END $$;

-- Every period already there (and the one made ahead) gets its new partitions.
SELECT mc_create_partition(mc_partition_of(lo))
FROM (SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''?(-?[0-9]+)'))[1]::bigint
             AS lo
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'rt_events'::regclass) parts;

-- The fourth technical workflow, in the state updateEventStatus is in (an instance that ran its
-- workflows keeps running them all).
INSERT INTO workflows (internal_name, label, state)
SELECT 'webhookDelivery', 'Deliver status webhooks', state FROM workflows
WHERE internal_name = 'updateEventStatus';
