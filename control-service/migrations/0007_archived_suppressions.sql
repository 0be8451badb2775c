-- The archived quarantine follows each instance's suppression list (messagecenter.v1.Suppression,
-- execution-service migration 0009): every entry with its history, removed ones too. Each
-- archiving run writes every entry the instance exports over the archived row of its key
-- (ArchivingRepository::StoreQuarantine: an upsert, changing a row only where the instance's
-- entry changed), so an entry removed on the instance shows removed here, and one added again
-- or bouncing again shows its new history; a rerun of the same pages changes nothing.

ALTER TABLE archived_quarantine
  ADD COLUMN failure_type  text NOT NULL DEFAULT '' CHECK (failure_type IN ('', 'hard', 'soft')),
  ADD COLUMN errors        integer NOT NULL DEFAULT 1 CHECK (errors >= 0),
  ADD COLUMN first_seen_at timestamptz,
  ADD COLUMN last_seen_at  timestamptz,
  ADD COLUMN expires_at    timestamptz,
  -- A soft entry has reached the instance's threshold (always true for the others).
  ADD COLUMN active        boolean NOT NULL DEFAULT true,
  -- The event whose failure or complaint caused it (0 / 0: none, e.g. added by hand).
  ADD COLUMN event_queue   smallint NOT NULL DEFAULT 0,
  ADD COLUMN event_id      bigint NOT NULL DEFAULT 0,
  ADD COLUMN removed_at    timestamptz,
  -- Who last changed it by hand on the instance ('' when only its bounces wrote it), and when
  -- the entry last changed there.
  ADD COLUMN changed_by    text NOT NULL DEFAULT '',
  ADD COLUMN changed_at    timestamptz,
  -- When an archiving run last changed the row (archived_at: when it was first archived).
  ADD COLUMN updated_at    timestamptz;

-- Rows archived before: what an instance of that time held, hard or deny entries that suppress.
UPDATE archived_quarantine SET failure_type = CASE WHEN kind = 'quarantine' THEN 'hard' ELSE '' END,
  first_seen_at = created_at, last_seen_at = created_at, changed_at = created_at,
  updated_at = archived_at;
ALTER TABLE archived_quarantine
  ALTER COLUMN first_seen_at SET NOT NULL, ALTER COLUMN last_seen_at SET NOT NULL,
  ALTER COLUMN changed_at SET NOT NULL, ALTER COLUMN updated_at SET NOT NULL,
  ALTER COLUMN updated_at SET DEFAULT now();

-- An archived entry's state now, as a messagecenter.v1.SuppressionState number: 4 removed, 3
-- expired (a soft entry past its expiry), 1 active (suppresses its address), 2 counting (soft
-- errors below the threshold). The rule of the instances' StateOf (execution-service
-- suppressions/suppression.h), for whoever reads the archive.
CREATE FUNCTION suppression_state(active boolean, removed_at timestamptz, expires_at timestamptz)
RETURNS smallint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT (CASE WHEN removed_at IS NOT NULL THEN 4
               WHEN expires_at IS NOT NULL AND expires_at <= now() THEN 3
               WHEN active THEN 1
               ELSE 2 END)::smallint
$$;
