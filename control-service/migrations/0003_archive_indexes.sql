-- One delivery log per archived event (as on the execution instance), so that report joins
-- can never count an event twice; and the per-account time index the reports filter on.
DROP INDEX archived_delivery_logs_event;
CREATE UNIQUE INDEX archived_delivery_logs_event ON archived_delivery_logs (account, event_id);
CREATE INDEX archived_events_account_created ON archived_events (account, created_at);
