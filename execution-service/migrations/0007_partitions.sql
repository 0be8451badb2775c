-- Storage for sustained volume: the event queues and the delivery logs in time partitions, the
-- delivery logs written once, the hot partitions vacuumed in small bites.
--
-- Partitions. rt_events, batch_events and delivery_logs are partitioned by RANGE of the event id:
-- partition k holds the ids [k * 2^32, (k + 1) * 2^32), named {table}_p{k}. Both queues share
-- one id sequence, so partition k of the three tables is one period of the instance's events,
-- listed in event_partitions. A rotation (mc_rotate_partitions, run by the instance's
-- maintenance job once the period has elapsed, or when half of the id range is used) moves the
-- sequence to the next range: from then on new events go to the next partition, and the
-- previous one only finishes what it holds. The purge detaches and drops a period's three
-- partitions at once when every event in them is final and archived and the period closed past
-- retention (execution-service/archive/partition_purge.h): its cost does not grow with the
-- number of events, and the space returns to the system.
--
-- Idempotency across partitions. A unique index on a partitioned table must contain the
-- partition key, so each event partition has its own unique index on external_id and an
-- insertion also looks for its keys in the older partitions (few: retention / period + 1). An
-- insertion holds the advisory lock mc_partitions:<schema> shared from before it takes its ids
-- until it commits, a rotation holds it exclusively: an insertion into the new partition starts
-- only after every insertion into the old one committed, so it sees their keys.
--
-- Row versions. An event is written three times: inserted, taken up (Pending delivery, or final
-- when not taken into account or expired) and made final by updateEventStatus. Each of these
-- moves the row between partial indexes (status is in their predicates), which PostgreSQL never
-- does as a HOT update; retries and re-claims change lease_until, which the reclaim index orders
-- by. No update on the hot path can be HOT, so the tables keep fillfactor 100 (free space kept
-- for HOT would only spread the rows). A delivery log is written once: updateEventStatus walks
-- the logs by the transaction that wrote them (logged_xid, as the archive export walks final
-- events) from a cursor, instead of rewriting each log to mark it applied.
--
-- Autovacuum of the event partitions: by a fixed number of dead rows (scale factor 0: a queue
-- partition grows all day, and a fraction of it would let millions of dead rows pile up before
-- one long vacuum), analyze likewise, and without cost delay so that a vacuum ends in seconds.
-- Set per partition by mc_create_partition (storage parameters cannot be set on the parent).

CREATE TABLE event_partitions (
  k         integer PRIMARY KEY CHECK (k >= 0),
  opened_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz  -- set by the rotation that opened k + 1
);

-- The advisory lock of rotations and insertions (see above), one per instance schema.
CREATE FUNCTION mc_partition_lock_key() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT hashtextextended('mc_partitions:' || current_schema(), 0)
$$;

-- The partition number of an event id.
CREATE FUNCTION mc_partition_of(id bigint) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (id >> 32)::integer
$$;

-- Creates and attaches partition k of the three tables (each step only if missing). The new
-- tables are attached rather than created as partitions: ATTACH PARTITION locks the parent in
-- SHARE UPDATE EXCLUSIVE mode, which does not stop inserts, claims and reads.
CREATE FUNCTION mc_create_partition(k integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  lo bigint := k::bigint << 32;
  hi bigint := (k::bigint + 1) << 32;
  t text;
  part text;
BEGIN
  FOREACH t IN ARRAY ARRAY['rt_events', 'batch_events', 'delivery_logs'] LOOP
    part := t || '_p' || k;
    IF to_regclass(quote_ident(part)) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH ('
                     'autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 50000, '
                     'autovacuum_vacuum_insert_scale_factor = 0, '
                     'autovacuum_vacuum_insert_threshold = 200000, '
                     'autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 200000, '
                     'autovacuum_vacuum_cost_delay = 0)', part, t);
      IF t <> 'delivery_logs' THEN
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

-- The instance's partition maintenance, one call at a time per schema (a transaction-scoped
-- advisory lock of its own): makes sure the partition after the current one exists, and
-- rotates when the current period is `period` old, when half of its id range is used, or when
-- `force`. Returns the current partition number afterwards.
CREATE FUNCTION mc_rotate_partitions(period interval, force boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  cur integer;
  opened timestamptz;
  used bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('mc_partition_maintenance:' || current_schema(),
                                                 0));
  SELECT k, opened_at INTO cur, opened FROM event_partitions WHERE closed_at IS NULL
    ORDER BY k DESC LIMIT 1;
  PERFORM mc_create_partition(cur + 1);
  SELECT last_value INTO used FROM event_id_seq;
  IF NOT (force OR now() - opened >= period OR used >= (cur::bigint << 32) + (1::bigint << 31))
  THEN
    RETURN cur;
  END IF;
  -- Waits for every insertion in flight to commit; new ones wait until this commits.
  PERFORM pg_advisory_xact_lock(mc_partition_lock_key());
  PERFORM setval('event_id_seq', GREATEST((SELECT last_value FROM event_id_seq),
                                          ((cur::bigint + 1) << 32) - 1));
  UPDATE event_partitions SET closed_at = now() WHERE k = cur;
  INSERT INTO event_partitions (k) VALUES (cur + 1);
  RETURN cur + 1;
END $$;

-- The event tables become partitioned; their rows move to partition 0 (every id so far is
-- below 2^32). The old tables' indexes and constraints are dropped or renamed first so that
-- the new ones take their names.
ALTER TABLE rt_events RENAME TO rt_events_unpartitioned;
ALTER TABLE batch_events RENAME TO batch_events_unpartitioned;
DROP INDEX rt_events_external_id, batch_events_external_id, rt_events_pending,
  batch_events_pending, rt_events_delivering, batch_events_delivering, rt_events_final,
  batch_events_final;
ALTER TABLE rt_events_unpartitioned RENAME CONSTRAINT rt_events_pkey TO rt_events_unpartitioned_pkey;
ALTER TABLE batch_events_unpartitioned
  RENAME CONSTRAINT batch_events_pkey TO batch_events_unpartitioned_pkey;
DROP TRIGGER rt_events_notify ON rt_events_unpartitioned;

CREATE TABLE rt_events (LIKE rt_events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
  PARTITION BY RANGE (id);
CREATE TABLE batch_events
  (LIKE batch_events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
  PARTITION BY RANGE (id);

-- Partitioned indexes, made on every partition: the primary key, the claims of the processing
-- workflows (pending events in id order), the reclaim of stale leases, the archive export and
-- the purge (final events in cursor order).
ALTER TABLE rt_events ADD PRIMARY KEY (id);
ALTER TABLE batch_events ADD PRIMARY KEY (id);
CREATE INDEX rt_events_pending ON rt_events (id) WHERE status = 0;
CREATE INDEX batch_events_pending ON batch_events (id) WHERE status = 0;
CREATE INDEX rt_events_delivering ON rt_events (lease_until) WHERE status = 1;
CREATE INDEX batch_events_delivering ON batch_events (lease_until) WHERE status = 1;
CREATE INDEX rt_events_final ON rt_events (final_xid, id) WHERE final_xid IS NOT NULL;
CREATE INDEX batch_events_final ON batch_events (final_xid, id) WHERE final_xid IS NOT NULL;

CREATE TRIGGER rt_events_notify AFTER INSERT ON rt_events
  FOR EACH STATEMENT EXECUTE FUNCTION notify_rt_events();

-- Delivery logs: written once. logged_xid is the transaction that wrote the log
-- (updateEventStatus's order, below); the primary key is the one unique key there was, which
-- contains the partition key.
ALTER TABLE delivery_logs RENAME TO delivery_logs_unpartitioned;
ALTER TABLE delivery_logs_unpartitioned
  RENAME CONSTRAINT delivery_logs_pkey TO delivery_logs_unpartitioned_pkey;
ALTER TABLE delivery_logs_unpartitioned
  RENAME CONSTRAINT delivery_logs_queue_event_id_key TO delivery_logs_unpartitioned_key;
DROP INDEX delivery_logs_to_apply;
ALTER SEQUENCE delivery_logs_id_seq OWNED BY NONE;

CREATE TABLE delivery_logs (
  id               bigint NOT NULL DEFAULT nextval('delivery_logs_id_seq'),
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
  logged_xid       xid8 NOT NULL DEFAULT pg_current_xact_id(),
  PRIMARY KEY (queue, event_id)
) PARTITION BY RANGE (event_id);
ALTER SEQUENCE delivery_logs_id_seq OWNED BY delivery_logs.id;
CREATE INDEX delivery_logs_logged ON delivery_logs (logged_xid, id);

-- updateEventStatus's cursor: every log at or before (xid, log_id) is on its event. One row,
-- locked by the run that moves it (one replica at a time).
CREATE TABLE status_cursor (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  xid       xid8 NOT NULL DEFAULT '0',
  log_id    bigint NOT NULL DEFAULT 0
);

INSERT INTO event_partitions (k) VALUES (0);
SELECT mc_create_partition(0);
SELECT mc_create_partition(1);

INSERT INTO rt_events SELECT * FROM rt_events_unpartitioned;
INSERT INTO batch_events SELECT * FROM batch_events_unpartitioned;
-- Logs already applied sort before the cursor (xid 0); the others after it (this migration's
-- transaction), so updateEventStatus still applies them.
INSERT INTO delivery_logs (id, queue, event_id, channel, address, template_id, template_version,
                           status, failure_type, failure_reason, tries, message_id, created_at,
                           logged_xid)
SELECT id, queue, event_id, channel, address, template_id, template_version, status,
       failure_type, failure_reason, tries, message_id, created_at,
       CASE WHEN applied THEN '0'::xid8 ELSE pg_current_xact_id() END
FROM delivery_logs_unpartitioned;
INSERT INTO status_cursor (xid, log_id) VALUES ('0', 9223372036854775807);

DROP TABLE rt_events_unpartitioned, batch_events_unpartitioned, delivery_logs_unpartitioned;
