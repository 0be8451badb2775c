-- The instance's key for ListEvents page tokens (HMAC-SHA256, see
-- execution-service/events/page_token.h). One row, inserted by the first replica that starts
-- (32 bytes from OpenSSL RAND_bytes, INSERT ... ON CONFLICT DO NOTHING) and read by every
-- replica, so a token one replica issued is accepted by the others and after a restart. A
-- secret: never logged, never returned by an RPC. Deleting the row invalidates every
-- outstanding page token once the replicas restart (each one reads the key at start-up).
CREATE TABLE page_token_key (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  key        bytea NOT NULL CHECK (octet_length(key) = 32),
  created_at timestamptz NOT NULL DEFAULT now()
);
