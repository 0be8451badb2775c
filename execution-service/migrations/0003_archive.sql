-- Archiving (DOMAIN.md sections 2, 6 and 7): the control instance pulls final events in the
-- order their final status committed, acknowledges what it stored, and the instance purges what
-- was acknowledged once past retention.

-- final_xid: the transaction (pg_current_xact_id()) that set a final status (2 to 6); the
-- export's order is (final_xid, queue, id), and it stops below the oldest transaction still
-- running, so a final status that commits later can never land behind a handed-out cursor.
-- routed_at: when a processing workflow first took the event up.
ALTER TABLE rt_events ADD COLUMN final_xid xid8, ADD COLUMN routed_at timestamptz;
ALTER TABLE batch_events ADD COLUMN final_xid xid8, ADD COLUMN routed_at timestamptz;

-- Events already final before this migration are stamped with its transaction, so they are
-- exported (and purged) like the others.
UPDATE rt_events SET final_xid = pg_current_xact_id() WHERE status BETWEEN 2 AND 6;
UPDATE batch_events SET final_xid = pg_current_xact_id() WHERE status BETWEEN 2 AND 6;

-- The export and the purge walk final events in cursor order. Partial: status changes that are
-- not final do not maintain it.
CREATE INDEX rt_events_final ON rt_events (final_xid, id) WHERE final_xid IS NOT NULL;
CREATE INDEX batch_events_final ON batch_events (final_xid, id) WHERE final_xid IS NOT NULL;

-- The execution-instance identifier the control instance stamps (InitializeInstance). One row;
-- instance_id stays NULL until stamped.
CREATE TABLE instance_identity (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  instance_id text CHECK (instance_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  stamped_at  timestamptz
);
INSERT INTO instance_identity DEFAULT VALUES;

-- The last cursor the control instance acknowledged: every final event at or before it is
-- archived. One row; it only moves forward (zero: nothing acknowledged).
CREATE TABLE archive_ack (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  xid        xid8 NOT NULL DEFAULT '0',
  queue      smallint NOT NULL DEFAULT 0,
  event_id   bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO archive_ack DEFAULT VALUES;
