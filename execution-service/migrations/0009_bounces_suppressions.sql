-- Late bounces and complaints, and the suppression list they feed (issue: "Late bounces and
-- complaints, suppression management").
--
-- Return paths. Each email's envelope sender is a VERP address on the bounce domain that names
-- the instance, the queue and the event, signed with a short HMAC under this instance's key
-- (execution-service/bounces/verp.h). One row, inserted by the first replica that starts (32
-- bytes from OpenSSL RAND_bytes, ON CONFLICT DO NOTHING) and read by every replica, so that a
-- bounce for a message one replica sent is accepted by another and after a restart. A secret:
-- never logged, never returned by an RPC. Replacing it makes every earlier return path fail its
-- check (their bounces are counted as badly signed and dropped).
CREATE TABLE bounce_key (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  key        bytea NOT NULL CHECK (octet_length(key) = 32),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The suppression list: the quarantine (addresses that bounced) and the deny list (operators'
-- decisions, and complaints). One row per address key, as before; what is new is each entry's
-- history and state:
--  - failure_type: 'hard' (stays until removed) or 'soft' (counts errors, see below); NULL on a
--    deny row;
--  - errors: the failures seen (a soft entry blocks once errors reaches the instance's
--    threshold, --soft_bounce_threshold; `active` says whether it does);
--  - first_seen_at / last_seen_at: the first and the latest failure (or when it was added);
--  - expires_at: a soft entry's end (last failure + --soft_bounce_expiry); past it, it no longer
--    blocks, and the next soft failure starts counting again from 1; NULL for the others;
--  - event_queue / event_id: the event whose failure (or complaint) caused it, if any;
--  - removed_at: set when an operator removed it (kept, with who and when, for the history;
--    adding or reactivating it again clears it);
--  - changed_by / changed_at: who last wrote the entry by hand ('' for the instance's own
--    bounces), and when the entry last changed.
-- An address is suppressed when its row is active, not removed and not expired: the test of
-- delivery (processing_repository.cc) reads exactly that.
ALTER TABLE quarantine
  ADD COLUMN failure_type text CHECK (failure_type IN ('hard', 'soft')),
  ADD COLUMN errors integer NOT NULL DEFAULT 1 CHECK (errors >= 0),
  ADD COLUMN first_seen_at timestamptz,
  ADD COLUMN last_seen_at timestamptz,
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN active boolean NOT NULL DEFAULT true,
  ADD COLUMN event_queue smallint,
  ADD COLUMN event_id bigint,
  ADD COLUMN removed_at timestamptz,
  ADD COLUMN changed_by text NOT NULL DEFAULT '',
  ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now();
UPDATE quarantine SET failure_type = CASE WHEN kind = 'quarantine' THEN 'hard' END,
  first_seen_at = created_at, last_seen_at = created_at, changed_at = created_at;
ALTER TABLE quarantine ALTER COLUMN first_seen_at SET DEFAULT now(),
  ALTER COLUMN first_seen_at SET NOT NULL, ALTER COLUMN last_seen_at SET DEFAULT now(),
  ALTER COLUMN last_seen_at SET NOT NULL;
-- Listing and searching: by kind and by recency.
CREATE INDEX quarantine_changed ON quarantine (changed_at DESC, channel, address);

-- Is this entry suppressing its address now? The one rule of every reader (delivery, lists).
CREATE FUNCTION mc_suppresses(active boolean, removed_at timestamptz, expires_at timestamptz)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT active AND removed_at IS NULL AND (expires_at IS NULL OR expires_at > now())
$$;

-- Delivery attempts gain a kind: 0 a soft failure tried again (as before), 1 a hard bounce that
-- came back after the relay accepted the message, 2 a soft bounce that came back, 3 a complaint
-- (an ARF report). A late bounce or complaint is recorded once per (event, try, kind): the same
-- report delivered twice changes nothing the second time.
ALTER TABLE delivery_attempts ADD COLUMN kind smallint NOT NULL DEFAULT 0
  CHECK (kind IN (0, 1, 2, 3));
ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_pkey;
ALTER TABLE delivery_attempts ADD PRIMARY KEY (event_id, try_number, kind);

-- A late hard bounce rewrites the event's delivery log (status 2 Sent becomes 4 Delivery failed,
-- with the bounce's reason): bounced_at says when. The log keeps its logged_xid, so
-- updateEventStatus does not apply it again.
ALTER TABLE delivery_logs ADD COLUMN bounced_at timestamptz;

-- The writers of the instance's own entries, one rule each, used by every statement that learns
-- of a failure (the delivery outcomes, late bounces and complaints). `address` is the address as
-- the event used it; the entry holds its key. Each returns true when the entry suppresses its
-- address afterwards.
--
-- A hard failure: a hard quarantine entry (suppressing until removed), also over a soft, removed
-- or expired entry (new evidence); an operator's deny entry in force stays as it is (counted).
CREATE FUNCTION mc_suppress_hard(channel integer, address text, reason text,
                                 event_queue integer, event_id bigint) RETURNS boolean
LANGUAGE sql AS $$
  INSERT INTO quarantine AS q (channel, address, kind, failure_type, reason, errors, expires_at,
                               active, event_queue, event_id)
  VALUES ($1, address_key($1, $2), 'quarantine', 'hard', left($3, 1000), 1, NULL, true, $4, $5)
  ON CONFLICT (channel, address) DO UPDATE SET
    errors = q.errors + 1, last_seen_at = now(), changed_at = now(),
    kind = CASE WHEN q.kind = 'deny' AND q.removed_at IS NULL THEN q.kind ELSE 'quarantine' END,
    failure_type = CASE WHEN q.kind = 'deny' AND q.removed_at IS NULL THEN q.failure_type
                        ELSE 'hard' END,
    reason = CASE WHEN q.kind = 'deny' AND q.removed_at IS NULL THEN q.reason
                  ELSE excluded.reason END,
    expires_at = CASE WHEN q.kind = 'deny' AND q.removed_at IS NULL THEN q.expires_at END,
    active = true, removed_at = NULL,
    event_queue = excluded.event_queue, event_id = excluded.event_id
  RETURNING true
$$;

-- A soft failure: counts toward a soft entry. An entry that suppresses for another reason (hard,
-- deny) only counts it; a soft entry still counting (not removed, not expired) counts one more;
-- otherwise counting starts again at 1. The entry suppresses once its errors reach `threshold`,
-- until `expiry` after this failure.
CREATE FUNCTION mc_suppress_soft(channel integer, address text, reason text,
                                 event_queue integer, event_id bigint, threshold integer,
                                 expiry interval) RETURNS boolean
LANGUAGE sql AS $$
  INSERT INTO quarantine AS q (channel, address, kind, failure_type, reason, errors, expires_at,
                               active, event_queue, event_id)
  VALUES ($1, address_key($1, $2), 'quarantine', 'soft', left($3, 1000), 1, now() + $7,
          1 >= $6, $4, $5)
  ON CONFLICT (channel, address) DO UPDATE SET
    last_seen_at = now(), changed_at = now(),
    errors = CASE WHEN q.failure_type = 'soft' AND q.removed_at IS NULL AND q.expires_at > now()
                    OR q.failure_type IS DISTINCT FROM 'soft'
                       AND mc_suppresses(q.active, q.removed_at, q.expires_at)
                  THEN q.errors + 1 ELSE 1 END,
    active = CASE WHEN q.failure_type IS DISTINCT FROM 'soft'
                       AND mc_suppresses(q.active, q.removed_at, q.expires_at) THEN q.active
                  WHEN q.failure_type = 'soft' AND q.removed_at IS NULL AND q.expires_at > now()
                  THEN q.errors + 1 >= $6
                  ELSE 1 >= $6 END,
    kind = CASE WHEN q.failure_type IS DISTINCT FROM 'soft'
                     AND mc_suppresses(q.active, q.removed_at, q.expires_at) THEN q.kind
                ELSE 'quarantine' END,
    failure_type = CASE WHEN q.failure_type IS DISTINCT FROM 'soft'
                             AND mc_suppresses(q.active, q.removed_at, q.expires_at)
                        THEN q.failure_type ELSE 'soft' END,
    reason = CASE WHEN q.failure_type IS DISTINCT FROM 'soft'
                       AND mc_suppresses(q.active, q.removed_at, q.expires_at) THEN q.reason
                  ELSE excluded.reason END,
    expires_at = CASE WHEN q.failure_type IS DISTINCT FROM 'soft'
                           AND mc_suppresses(q.active, q.removed_at, q.expires_at)
                      THEN q.expires_at ELSE excluded.expires_at END,
    removed_at = CASE WHEN q.failure_type IS DISTINCT FROM 'soft'
                           AND mc_suppresses(q.active, q.removed_at, q.expires_at)
                      THEN q.removed_at END,
    event_queue = excluded.event_queue, event_id = excluded.event_id
  RETURNING mc_suppresses(q.active, q.removed_at, q.expires_at)
$$;

-- A complaint (an ARF report): the address goes on the deny list with reason 'complaint', over
-- any other entry, until an operator removes it.
CREATE FUNCTION mc_suppress_complaint(channel integer, address text, event_queue integer,
                                      event_id bigint) RETURNS boolean
LANGUAGE sql AS $$
  INSERT INTO quarantine AS q (channel, address, kind, failure_type, reason, errors, expires_at,
                               active, event_queue, event_id)
  VALUES ($1, address_key($1, $2), 'deny', NULL, 'complaint', 1, NULL, true, $3, $4)
  ON CONFLICT (channel, address) DO UPDATE SET
    kind = 'deny', failure_type = NULL, reason = 'complaint', errors = q.errors + 1,
    expires_at = NULL, active = true, removed_at = NULL, last_seen_at = now(),
    changed_at = now(), event_queue = excluded.event_queue, event_id = excluded.event_id
  RETURNING true
$$;
