-- Cancelling an event (issue: "Cancelling an event"): a new final status, 7 Cancelled, after the
-- existing ones (stable numbers, never reordered). CancelEvent sets it on a Pending event (status
-- 0), stamping final_xid as every final status does, so the archive export and the purge take
-- it as they take the others; it writes no delivery log.

-- The event tables' status check (0 to 6, migration 0001, copied by 0007 onto the partitioned
-- tables under the unpartitioned table's constraint name) becomes 0 to 7. Dropped on the parent,
-- it goes from every partition (they inherit it); the new one is NOT VALID so that adding it
-- does not scan every event: the rows there satisfy the stricter old check, and every row
-- written from now on is checked. Partitions made from now on (mc_create_partition copies the
-- parent's constraints) check theirs in full.
DO $$
DECLARE
  t text;
  c text;
BEGIN
  FOREACH t IN ARRAY ARRAY['rt_events', 'batch_events'] LOOP
    FOR c IN SELECT conname FROM pg_constraint
             WHERE conrelid = to_regclass(quote_ident(t)) AND contype = 'c'
               AND pg_get_constraintdef(oid) = 'CHECK (((status >= 0) AND (status <= 6)))' LOOP
      EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', t, c);
    END LOOP;
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (status BETWEEN 0 AND 7) NOT VALID',
                   t, t || '_status_check');
  END LOOP;
END $$;

-- Subscriptions without statuses want every final status: now 2 to 7 (migration 0008's
-- function, same signature: the statements that inline it are planned again).
CREATE OR REPLACE FUNCTION mc_webhook_wants(statuses smallint[], event_types text[],
                                            status integer, event_type text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE WHEN cardinality(statuses) = 0 THEN status BETWEEN 2 AND 7
               ELSE status = ANY (statuses) END)
     AND (cardinality(event_types) = 0 OR event_type = ANY (event_types))
$$;
