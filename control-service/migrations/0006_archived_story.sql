-- Each archived event keeps its story, and the archive is searched across instances ("did Jane
-- get her receipt?": ArchiveService.SearchEvents, control-service/archive_search/).
--
-- The story: the Message-ID and when the relay answered (the delivery log's), the last failure
-- (the delivery log's when it failed, else the last retried soft failure's), and the retried
-- soft failures themselves. Retries are a jsonb array on the event row rather than a child
-- table: they are written by the same INSERT as their event (its ON CONFLICT keeps a rerun from
-- writing them twice: exactly once with the event, nothing more to key), they are rare and
-- small, read only with their event (GetArchivedEvent), never searched, and the purge takes them
-- along with the row. Each element: {"try": n, "type": "soft", "reason": text, "at": epoch
-- microseconds, "next": epoch microseconds or null}, oldest first.
ALTER TABLE archived_events
  ADD COLUMN message_id         text NOT NULL DEFAULT '',
  ADD COLUMN failure_type       text NOT NULL DEFAULT '' CHECK (failure_type IN ('', 'hard', 'soft')),
  ADD COLUMN failure_reason     text NOT NULL DEFAULT '',
  ADD COLUMN handed_to_relay_at timestamptz,
  ADD COLUMN retries            jsonb NOT NULL DEFAULT '[]';

-- Rows archived before: their story as far as their delivery log tells it.
UPDATE archived_events e
SET message_id = l.message_id, failure_type = l.failure_type, failure_reason = l.failure_reason,
    handed_to_relay_at = l.logged_at
FROM archived_delivery_logs l
WHERE l.account = e.account AND l.event_id = e.remote_id;

-- The searches: by address as its key (address_key(), migration 0004: an email's domain in any
-- case, a phone number without separators), by external id; each per account, by time received.
CREATE INDEX archived_events_address_key
  ON archived_events (address_key(channel, address), account, created_at);
CREATE INDEX archived_events_external_id
  ON archived_events (external_id, account, created_at) WHERE external_id <> '';

-- The key of SearchEvents page tokens (HMAC-SHA256, control-service/archive_search/
-- search_token.h), as the execution instances keep theirs (page_token_key): one row, inserted by
-- the first replica that starts, read by every replica. A secret: never logged, never returned.
CREATE TABLE search_token_key (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  key        bytea NOT NULL CHECK (octet_length(key) = 32),
  created_at timestamptz NOT NULL DEFAULT now()
);
